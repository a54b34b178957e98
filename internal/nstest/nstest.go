package nstest

import "testing"

// Private returns a file descriptor of a new network namespace, for
// cn.Config.NetNS and [Socket]; it is closed when the test ends, and the
// namespace goes with the last socket in it. The calling goroutine's
// thread stays where it was. Private skips t when it cannot make a
// namespace: without CAP_SYS_ADMIN, or on a system other than Linux.
func Private(t testing.TB) int {
	t.Helper()
	return private(t)
}

// Socket is socket(2) in the network namespace of file descriptor ns, 0
// meaning the caller's, as cn.Config.NetNS is. The socket is closed when
// the test ends.
func Socket(t testing.TB, ns, domain, typ, proto int) int {
	t.Helper()
	return socket(t, ns, domain, typ, proto)
}
