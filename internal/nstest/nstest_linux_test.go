//go:build linux

package nstest_test

import (
	"runtime"
	"testing"

	"github.com/cngen/cngen/internal/nstest"
	"golang.org/x/sys/unix"
)

// inode identifies the namespace a file descriptor refers to.
func inode(t *testing.T, fd int) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// threadNetNS identifies the network namespace of the calling thread.
func threadNetNS(t *testing.T) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// socketNetNS identifies the network namespace a socket lives in.
func socketNetNS(t *testing.T, fd int) uint64 {
	t.Helper()
	ns, err := unix.IoctlRetInt(fd, unix.SIOCGSKNS)
	if err != nil {
		t.Fatalf("SIOCGSKNS: %v", err)
	}
	defer unix.Close(ns)
	return inode(t, ns)
}

// TestPrivate checks that Private makes a new namespace each time and
// leaves the caller's thread where it was, and that Socket opens its
// socket in the namespace it is given.
func TestPrivate(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadNetNS(t)
	ns, ns2 := nstest.Private(t), nstest.Private(t)
	if after := threadNetNS(t); after != before {
		t.Fatalf("the caller's thread moved from namespace %d to %d", before, after)
	}
	if inode(t, ns) == before || inode(t, ns) == inode(t, ns2) {
		t.Errorf("namespaces %d and %d, the caller's %d: want two new ones", inode(t, ns), inode(t, ns2), before)
	}
	for _, c := range []struct {
		name string
		ns   int
		want uint64
	}{
		{"private", ns, inode(t, ns)},
		{"caller's", 0, before},
	} {
		fd := nstest.Socket(t, c.ns, unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_USERSOCK)
		if got := socketNetNS(t, fd); got != c.want {
			t.Errorf("%s: socket in namespace %d, want %d", c.name, got, c.want)
		}
	}
	if after := threadNetNS(t); after != before {
		t.Errorf("Socket moved the caller's thread from namespace %d to %d", before, after)
	}
}
