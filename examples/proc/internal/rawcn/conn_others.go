//go:build !linux

package rawcn

import (
	"errors"
	"fmt"
)

var errNoNetlink = fmt.Errorf("rawcn: netlink needs Linux: %w", errors.ErrUnsupported)

func dial([]uint32) (*Conn, error)          { return nil, errNoNetlink }
func (c *Conn) sendto([]byte, uint32) error { return errNoNetlink }
func (c *Conn) recv([]byte) (int, uint32, error) {
	return 0, 0, errNoNetlink
}
func (c *Conn) setReadBuffer(int) error { return errNoNetlink }
