//go:build !linux

package nstest

import "testing"

func private(t testing.TB) int {
	t.Helper()
	t.Skip("no network namespace of its own: namespaces exist on Linux only")
	return 0
}

func socket(t testing.TB, ns, domain, typ, proto int) int {
	t.Helper()
	t.Skip("no netlink socket: it exists on Linux only")
	return 0
}
