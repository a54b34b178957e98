// Package nstest gives a test network namespaces of its own, so that its
// netlink sockets meet no socket of another process.
//
// It is test machinery, not part of the product.
//
// # Why
//
// Netlink sockets live in a network namespace: a multicast reaches the
// members of its group in the sender's namespace only, and ports are
// unique only there. The test binaries that `go test ./...` runs at
// once, and every program on the machine, share the initial namespace:
// a test that joins or sends to a user-space group there gets their
// messages and hands them its own. Such a test opens its sockets in a
// namespace of its own instead:
//
//	ns := nstest.Private(t)
//	member, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{20}})
//
// and [Socket] opens a plain socket there, for a test that writes its own
// datagrams.
//
// The kernel's connector exists in the initial namespace only, so a test
// of it (TestKernel…) stays there and takes only the messages it expects.
//
// # When it cannot
//
// Making a namespace needs CAP_SYS_ADMIN: without it, and on systems
// other than Linux, [Private] skips the test with the reason.
package nstest
