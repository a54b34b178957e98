package cn

import "strconv"

// Netlink framing around connector messages.
//
//	struct nlmsghdr {
//		__u32 nlmsg_len;	/* Length of message including header */
//		__u16 nlmsg_type;	/* Message content */
//		__u16 nlmsg_flags;	/* Additional flags */
//		__u32 nlmsg_seq;	/* Sequence number */
//		__u32 nlmsg_pid;	/* Sending process port ID */
//	};
const (
	nlmsgHdrLen  = 16
	nlmsgAlignTo = 4
	nlmsgDone    = 3 // NLMSG_DONE: the type of every connector message
)

// nlmsgAlign is NLMSG_ALIGN.
func nlmsgAlign(n int) int { return (n + nlmsgAlignTo - 1) &^ (nlmsgAlignTo - 1) }

// Message is a [Msg] as received: with the port that sent it and the
// group it arrived on.
type Message struct {
	Msg
	// From is the sender's port, from the source address the kernel
	// wrote into the datagram: 0 is the kernel. It cannot be forged,
	// unlike the nlmsg_pid a sender writes, which is never looked at.
	From uint32
	// Group is the multicast group the message was delivered on, 0 for
	// a unicast.
	Group uint32
}

// AppendNetlink appends m framed as one netlink message (type
// NLMSG_DONE, nlmsg_seq m.Seq, nlmsg_pid pid) to b, the datagram so far,
// after padding b to the 4-byte alignment netlink keeps between messages.
// It fails with [ErrMsgSize] when m is larger than [MaxMsgSize].
func AppendNetlink(b []byte, m *Msg, pid uint32) ([]byte, error) {
	if len(m.Data) > MaxDataLen {
		return b, errMsgSize(len(m.Data))
	}
	for len(b)%nlmsgAlignTo != 0 {
		b = append(b, 0)
	}
	b = ne.AppendUint32(b, uint32(nlmsgHdrLen+m.Len()))
	b = ne.AppendUint16(b, nlmsgDone)
	b = ne.AppendUint16(b, 0)
	b = ne.AppendUint32(b, m.Seq)
	b = ne.AppendUint32(b, pid)
	return m.AppendBinary(b)
}

// ParseDatagram appends to dst the connector messages of datagram b and
// returns the extended slice; their From and Group are left zero, for the
// receiver to fill from the datagram's address. The messages' Data
// alias b.
//
// Every netlink message of the datagram is read (a kernel reads only
// the first, but user-space peers may batch), and every cn_msg of each
// (w1 packs several, back to back, in one netlink message). Each length
// is checked against the bytes that hold it, and against [MaxMsgSize];
// up to 3 bytes of padding may end a netlink message. nlmsg_type,
// nlmsg_flags, nlmsg_seq and nlmsg_pid are not looked at: the kernel does
// not look at them either.
//
// On a fault ParseDatagram returns the messages before it and a
// [*FrameError]; it never panics and never reads outside b.
func ParseDatagram(dst []Message, b []byte) ([]Message, error) {
	if len(b) == 0 {
		return dst, &FrameError{Header: "datagram", Reason: "empty"}
	}
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < nlmsgHdrLen {
			return dst, &FrameError{Offset: off, Header: "nlmsghdr", Reason: "need " + strconv.Itoa(nlmsgHdrLen) + " bytes, have " + strconv.Itoa(len(rest))}
		}
		n := ne.Uint32(rest)
		if n < nlmsgHdrLen || uint64(n) > uint64(len(rest)) {
			return dst, &FrameError{Offset: off, Header: "nlmsghdr", Reason: "nlmsg_len " + strconv.FormatUint(uint64(n), 10) + " with " + strconv.Itoa(len(rest)) + " bytes left"}
		}
		var err error
		if dst, err = parsePayload(dst, rest[nlmsgHdrLen:n], off+nlmsgHdrLen); err != nil {
			return dst, err
		}
		off += nlmsgAlign(int(n))
	}
	return dst, nil
}

// parsePayload appends the cn_msgs packed in the payload p of one netlink
// message, found at off in its datagram.
func parsePayload(dst []Message, p []byte, off int) ([]Message, error) {
	if len(p) < MsgHeaderLen {
		return dst, &FrameError{Offset: off, Header: "cn_msg", Reason: "need " + strconv.Itoa(MsgHeaderLen) + " bytes, have " + strconv.Itoa(len(p))}
	}
	for len(p) >= nlmsgAlignTo {
		m, used, err := parseMsg(p, off)
		if err != nil {
			return dst, err
		}
		dst = append(dst, Message{Msg: m})
		p, off = p[len(used):], off+len(used)
	}
	return dst, nil
}
