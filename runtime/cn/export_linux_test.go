//go:build linux

package cn

// Hooks for the tests of package cn_test into the receive side of a
// Conn, which reads several datagrams per system call only once a
// backlog has made it grow.

// ReceiveBatch is what Dispatcher.Serve receives a *Conn with.
func ReceiveBatch(c *Conn) ([]Message, error) { return c.receiveBatch() }

// GrowReceive gives c room for n datagrams per system call at once. No
// datagram may be pending: call it before c receives.
func GrowReceive(c *Conn, n int) {
	c.sys.rmu.Lock()
	defer c.sys.rmu.Unlock()
	c.sys.rm.grow(n)
}

// ReceiveRoom is how many datagrams c reads per system call now.
func ReceiveRoom(c *Conn) int {
	c.sys.rmu.Lock()
	defer c.sys.rmu.Unlock()
	return len(c.sys.rm.slots)
}
