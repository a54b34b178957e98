//go:build linux

package nstest

import (
	"fmt"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

func private(t testing.TB) int {
	t.Helper()
	var ns int
	var unshareErr error
	err := onThread(func() error {
		unshareErr = unix.Unshare(unix.CLONE_NEWNET)
		return unshareErr
	}, func() (err error) {
		ns, err = openNetNS()
		return err
	})
	switch {
	case unshareErr != nil:
		t.Skipf("no network namespace of its own: unshare(CLONE_NEWNET): %v (it needs CAP_SYS_ADMIN)", unshareErr)
	case err != nil:
		t.Fatalf("nstest: %v", err)
	}
	t.Cleanup(func() { unix.Close(ns) })
	return ns
}

func socket(t testing.TB, ns, domain, typ, proto int) int {
	t.Helper()
	var fd int
	open := func() (err error) {
		fd, err = unix.Socket(domain, typ, proto)
		return err
	}
	var err error
	if ns == 0 {
		err = open()
	} else {
		err = onThread(func() error { return unix.Setns(ns, unix.CLONE_NEWNET) }, open)
	}
	if err != nil {
		t.Fatalf("nstest: socket: %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// openNetNS opens the network namespace of the calling thread.
func openNetNS() (int, error) {
	fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open /proc/thread-self/ns/net: %w", err)
	}
	return fd, nil
}

// onThread runs enter, which moves the thread into another network
// namespace, and then fn, on a thread of their own, and moves that
// thread back. Namespaces belong to threads, not goroutines: no other
// goroutine must run on the thread meanwhile. A thread that cannot go
// back stays locked to its goroutine and ends with it. enter's error is
// returned as it is.
func onThread(enter, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		errc <- moveAndBack(enter, fn)
	}()
	return <-errc
}

// moveAndBack does onThread's work on the locked thread, and unlocks it
// once it is back where it was.
func moveAndBack(enter, fn func() error) error {
	orig, err := openNetNS()
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer unix.Close(orig)
	if err := enter(); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := fn()
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns back to the thread's namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return ferr
}
