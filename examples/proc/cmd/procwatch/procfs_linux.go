package main

import (
	"os"
	"slices"
	"syscall"
)

// sysProc is the machine's /proc. Its files are read with bare system
// calls: os.Open would also try to register each file with the poller
// and stat it, two system calls more per exec event. A read that does
// not fill the buffer ends the file: /proc's files are made whole by
// seq_file for each read, so a third call would only return 0.
type sysProc struct{}

func (sysProc) readFile(name string, buf []byte) ([]byte, error) {
	fd, err := syscall.Open("/proc/"+name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return buf, err
	}
	defer syscall.Close(fd)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 4096)
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return buf, err
		}
		full := n == cap(buf)-len(buf)
		if buf = buf[:len(buf)+n]; !full {
			return buf, nil
		}
	}
}

func (sysProc) pids(dir string) ([]int32, error) { return readPIDs("/proc/" + dir) }

// readPIDs lists the pids in the directory dir, unsorted.
func readPIDs(dir string) ([]int32, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	return parsePIDs(names), err
}
