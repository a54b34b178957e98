//go:build !linux

package cn

import "time"

// sysConn stands in for the Linux socket: netlink exists on Linux only.
// The in-memory endpoints of package cntest work everywhere.
type sysConn struct{}

func (*sysConn) dial(*Config) (uint32, error)    { return 0, ErrNotSupported }
func (*sysConn) send([]Msg, Addr, uint32) error  { return ErrNotSupported }
func (*sysConn) receive(bool) ([]Message, error) { return nil, ErrNotSupported }
func (*sysConn) joinGroup(uint32) error          { return ErrNotSupported }
func (*sysConn) leaveGroup(uint32) error         { return ErrNotSupported }
func (*sysConn) setReadBuffer(int, bool) error   { return ErrNotSupported }
func (*sysConn) drops() (uint64, error)          { return 0, ErrNotSupported }
func (*sysConn) setReadDeadline(time.Time) error { return ErrNotSupported }
func (*sysConn) close() error                    { return ErrNotSupported }
