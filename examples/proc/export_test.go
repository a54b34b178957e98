package proc

// ListenerPort is the netlink port of l's socket, for tests that send it
// forged datagrams.
func ListenerPort(l *Listener) uint32 { return l.conn.Port() }
