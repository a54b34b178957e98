// Package rawcn is a minimal netlink connector socket: enough for the proc
// example to subscribe to the kernel's process events and read them. It
// stands in for runtime/cn until that exists, and will be replaced by it.
//
// # Framing
//
// Every connector message travels as one netlink message (struct nlmsghdr,
// type NLMSG_DONE) whose payload is a struct cn_msg followed by its data.
// A datagram received from the kernel may hold several netlink messages,
// and a netlink message several cn_msgs back to back. [Parse] splits a
// datagram into messages and checks every length against the bytes
// present: it never panics and never reads past the datagram, whatever
// the datagram holds.
//
// # Senders
//
// [Conn.Receive] returns the port the datagram came from, as the kernel
// wrote it into the source address: 0 is the kernel itself. The nlmsg_pid
// field of the header is written by the sender and proves nothing, so
// rawcn does not report it.
package rawcn

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxMsgSize is CONNECTOR_MAX_MSG_SIZE: the most data one cn_msg carries.
const MaxMsgSize = 16384

const (
	nlmsgHdrLen = 16 // sizeof(struct nlmsghdr)
	cnMsgHdrLen = 20 // sizeof(struct cn_msg)
	nlmsgAlign  = 4  // NLMSG_ALIGNTO

	// Netlink's own message types (linux/netlink.h); types from
	// NLMSG_MIN_TYPE up belong to the protocol.
	nlmsgNoop    = 0x1
	nlmsgError   = 0x2
	nlmsgDone    = 0x3
	nlmsgOverrun = 0x4
	nlmsgMinType = 0x10
)

var ne = binary.NativeEndian

// Msg is one connector message: a cn_msg and its data.
//
//	struct cb_id {
//		__u32 idx;
//		__u32 val;
//	};
//
//	struct cn_msg {
//		struct cb_id id;
//		__u32 seq;
//		__u32 ack;
//		__u16 len;	/* Length of the following data */
//		__u16 flags;
//		__u8 data[];
//	};
//
// len is len(Data). A received Msg's Data aliases the datagram it came in.
type Msg struct {
	Idx, Val uint32
	Seq, Ack uint32
	Flags    uint16
	Data     []byte
}

// A FrameError reports a datagram whose lengths do not hold together.
type FrameError struct {
	Off   int    // offset in the datagram of the faulty field or header
	Field string // "nlmsghdr", "nlmsg_len", "cn_msg" or "cn_msg.len"
	Msg   string
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("rawcn: malformed datagram: %s at offset %d: %s", e.Field, e.Off, e.Msg)
}

// ErrTooLong is returned for a message whose data exceeds [MaxMsgSize].
var ErrTooLong = errors.New("rawcn: message data longer than CONNECTOR_MAX_MSG_SIZE (16384)")

// Parse appends to dst the connector messages in datagram b — every cn_msg
// of every netlink message, in order — and returns the extended slice.
//
// Netlink messages of type NLMSG_DONE or of a protocol type (at least
// NLMSG_MIN_TYPE) carry cn_msgs, as the kernel's connector accepts either;
// NLMSG_NOOP, NLMSG_ERROR and NLMSG_OVERRUN messages are skipped, since
// the connector never sends them. A datagram whose lengths do not hold
// together yields a [*FrameError], returned together with the messages
// that precede the fault.
func Parse(dst []Msg, b []byte) ([]Msg, error) {
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < nlmsgHdrLen {
			return dst, &FrameError{off, "nlmsghdr", fmt.Sprintf("%d bytes left, a header needs %d", len(rest), nlmsgHdrLen)}
		}
		n := ne.Uint32(rest)
		if n < nlmsgHdrLen || uint64(n) > uint64(len(rest)) {
			return dst, &FrameError{off, "nlmsg_len", fmt.Sprintf("%d, outside [%d, %d bytes left]", n, nlmsgHdrLen, len(rest))}
		}
		if carriesCN(ne.Uint16(rest[4:])) {
			var err error
			dst, err = parseCN(dst, rest[nlmsgHdrLen:n], off+nlmsgHdrLen)
			if err != nil {
				return dst, err
			}
		}
		off += min(align(int(n)), len(rest))
	}
	return dst, nil
}

func carriesCN(typ uint16) bool { return typ == nlmsgDone || typ >= nlmsgMinType }

// parseCN appends the cn_msgs in the payload p of one netlink message;
// base is the offset of p in the datagram, for errors.
func parseCN(dst []Msg, p []byte, base int) ([]Msg, error) {
	if len(p) == 0 {
		return dst, &FrameError{base, "cn_msg", "netlink message carries none"}
	}
	for off := 0; off < len(p); {
		rest := p[off:]
		if len(rest) < cnMsgHdrLen {
			return dst, &FrameError{base + off, "cn_msg", fmt.Sprintf("%d bytes left, a header needs %d", len(rest), cnMsgHdrLen)}
		}
		n := int(ne.Uint16(rest[16:]))
		if n > MaxMsgSize {
			return dst, &FrameError{base + off + 16, "cn_msg.len", fmt.Sprintf("%d exceeds CONNECTOR_MAX_MSG_SIZE (%d)", n, MaxMsgSize)}
		}
		if n > len(rest)-cnMsgHdrLen {
			return dst, &FrameError{base + off + 16, "cn_msg.len", fmt.Sprintf("%d exceeds the %d bytes after the header", n, len(rest)-cnMsgHdrLen)}
		}
		end := cnMsgHdrLen + n
		dst = append(dst, Msg{
			Idx:   ne.Uint32(rest[0:]),
			Val:   ne.Uint32(rest[4:]),
			Seq:   ne.Uint32(rest[8:]),
			Ack:   ne.Uint32(rest[12:]),
			Flags: ne.Uint16(rest[18:]),
			Data:  rest[cnMsgHdrLen:end:end],
		})
		off += end
	}
	return dst, nil
}

// Append appends m to b as one netlink message of type NLMSG_DONE, with
// nlmsg_seq = m.Seq and nlmsg_pid = port, padded to NLMSG_ALIGNTO.
func Append(b []byte, m Msg, port uint32) ([]byte, error) {
	if len(m.Data) > MaxMsgSize {
		return b, ErrTooLong
	}
	n := nlmsgHdrLen + cnMsgHdrLen + len(m.Data)
	b = ne.AppendUint32(b, uint32(n))
	b = ne.AppendUint16(b, nlmsgDone)
	b = ne.AppendUint16(b, 0) // nlmsg_flags
	b = ne.AppendUint32(b, m.Seq)
	b = ne.AppendUint32(b, port)
	b = ne.AppendUint32(b, m.Idx)
	b = ne.AppendUint32(b, m.Val)
	b = ne.AppendUint32(b, m.Seq)
	b = ne.AppendUint32(b, m.Ack)
	b = ne.AppendUint16(b, uint16(len(m.Data)))
	b = ne.AppendUint16(b, m.Flags)
	b = append(b, m.Data...)
	return append(b, make([]byte, align(n)-n)...), nil
}

func align(n int) int { return (n + nlmsgAlign - 1) &^ (nlmsgAlign - 1) }
