package cn

import "time"

// Endpoint is what a [Dispatcher] serves from and what generated clients
// send through: a [*Conn] on a real socket, or the in-memory fake of
// package cntest.
type Endpoint interface {
	// Send sends m to the port and group of to. When m.Seq and m.Ack are
	// both zero it numbers m first, writing the numbers into m.
	Send(m *Msg, to Addr) error
	// Receive waits for the next datagram and returns its messages,
	// which stay valid until the next Receive. Like io.Reader, it may
	// return messages and an error together: the messages of a datagram
	// before a fault in it, with an error wrapping ErrMalformed.
	Receive() ([]Message, error)
	// SetReadDeadline makes a waiting and any later Receive fail, with
	// an error wrapping os.ErrDeadlineExceeded, from t on; the zero time
	// clears it.
	SetReadDeadline(t time.Time) error
	// Close releases the endpoint; a waiting Receive returns an error
	// wrapping net.ErrClosed.
	Close() error
}

// Addr is where [Endpoint.Send] sends to, as in cn_netlink_send(msg,
// portid, group): a unicast to Port, a multicast to Group, or both. It
// becomes the destination sockaddr_nl, with the group as its bit in
// nl_groups:
//
//	struct sockaddr_nl {
//		__kernel_sa_family_t	nl_family;	/* AF_NETLINK	*/
//		unsigned short	nl_pad;		/* zero		*/
//		__u32		nl_pid;		/* port ID	*/
//		__u32		nl_groups;	/* multicast groups mask */
//	};
//
// With Group 0 the message goes to Port alone; Port 0 is the kernel.
// With a Group the message goes to the group's members, other than the
// sender, and also to Port: towards the kernel's connector (Port 0) that
// means the kernel sees a multicast too.
type Addr struct {
	Port  uint32 // netlink port id (nl_pid); 0 is the kernel
	Group uint32 // multicast group number, 1 to 32 from user space; 0 for none
}
