//go:build !linux

package cn

func (*sysConn) sendDatagrams([]Datagram) (int, error) { return 0, ErrNotSupported }
