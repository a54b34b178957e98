//go:build !linux

package uevent

import "time"

// sysListener stands in for the Linux socket: netlink exists on Linux
// only. Parse works everywhere.
type sysListener struct{}

func (*sysListener) listen(*Config, Source) (uint32, error) { return 0, ErrNotSupported }
func (*sysListener) receive() ([]byte, origin, error)       { return nil, origin{}, ErrNotSupported }
func (*sysListener) setReadDeadline(time.Time) error        { return ErrNotSupported }
func (*sysListener) close() error                           { return ErrNotSupported }
