package cn

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Sizes of the connector's framing.
const (
	// MsgHeaderLen is the size of struct cn_msg without its data.
	MsgHeaderLen = 20
	// MaxMsgSize is CONNECTOR_MAX_MSG_SIZE: the most a cn_msg with its
	// data may take; the kernel drops larger ones.
	MaxMsgSize = 16384
	// MaxDataLen is the most data one message carries.
	MaxDataLen = MaxMsgSize - MsgHeaderLen
)

// ne is the host byte order, netlink's own.
var ne = binary.NativeEndian

// Msg is one connector message.
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
// The len field is len(Data). By convention a sender numbers its messages
// with an increasing Seq and a random Ack; a reply carries the request's
// Seq and its Ack plus one (see [ReplyTo] and [IsReply]).
type Msg struct {
	ID    ID
	Seq   uint32
	Ack   uint32
	Flags uint16
	Data  []byte
}

// Len is the size of m on the wire: [MsgHeaderLen] plus its data.
func (m *Msg) Len() int { return MsgHeaderLen + len(m.Data) }

// AppendBinary appends m as a cn_msg. It fails with [ErrMsgSize] when m
// is larger than [MaxMsgSize].
func (m *Msg) AppendBinary(b []byte) ([]byte, error) {
	if len(m.Data) > MaxDataLen {
		return b, errMsgSize(len(m.Data))
	}
	b = ne.AppendUint32(b, m.ID.Idx)
	b = ne.AppendUint32(b, m.ID.Val)
	b = ne.AppendUint32(b, m.Seq)
	b = ne.AppendUint32(b, m.Ack)
	b = ne.AppendUint16(b, uint16(len(m.Data)))
	b = ne.AppendUint16(b, m.Flags)
	return append(b, m.Data...), nil
}

// MarshalBinary returns m as a cn_msg.
func (m *Msg) MarshalBinary() ([]byte, error) {
	return m.AppendBinary(make([]byte, 0, m.Len()))
}

// UnmarshalBinary decodes b, exactly one cn_msg, into m. Data is copied
// into m.Data's array when it is large enough.
func (m *Msg) UnmarshalBinary(b []byte) error {
	h, data, err := parseMsg(b, 0)
	if err != nil {
		return err
	}
	if len(data) != len(b) {
		return &FrameError{Offset: len(data), Header: "cn_msg", Reason: strconv.Itoa(len(b)-len(data)) + " bytes after the data"}
	}
	*m = Msg{ID: h.ID, Seq: h.Seq, Ack: h.Ack, Flags: h.Flags, Data: append(m.Data[:0], h.Data...)}
	return nil
}

// parseMsg decodes the cn_msg at the start of b, whose offset in its
// datagram is off. It returns the message, its data aliasing b, and the
// bytes of b it took.
func parseMsg(b []byte, off int) (Msg, []byte, error) {
	if len(b) < MsgHeaderLen {
		return Msg{}, nil, &FrameError{Offset: off, Header: "cn_msg", Reason: "need " + strconv.Itoa(MsgHeaderLen) + " bytes, have " + strconv.Itoa(len(b))}
	}
	n := MsgHeaderLen + int(ne.Uint16(b[16:]))
	switch {
	case n > MaxMsgSize:
		return Msg{}, nil, &FrameError{Offset: off, Header: "cn_msg", Reason: "len " + strconv.Itoa(n-MsgHeaderLen) + " exceeds CONNECTOR_MAX_MSG_SIZE"}
	case n > len(b):
		return Msg{}, nil, &FrameError{Offset: off, Header: "cn_msg", Reason: "len " + strconv.Itoa(n-MsgHeaderLen) + " but " + strconv.Itoa(len(b)-MsgHeaderLen) + " data bytes follow"}
	}
	m := Msg{
		ID:    ID{Idx: ne.Uint32(b), Val: ne.Uint32(b[4:])},
		Seq:   ne.Uint32(b[8:]),
		Ack:   ne.Uint32(b[12:]),
		Flags: ne.Uint16(b[18:]),
		Data:  b[MsgHeaderLen:n:n],
	}
	return m, b[:n], nil
}

func errMsgSize(n int) error {
	return fmt.Errorf("cn_msg of %d data bytes, at most %d: %w", n, MaxDataLen, ErrMsgSize)
}

// ReplyTo returns the message that answers req: same ID and Seq, Ack
// plus one, carrying data.
func ReplyTo(req *Msg, data []byte) Msg {
	return Msg{ID: req.ID, Seq: req.Seq, Ack: req.Ack + 1, Data: data}
}

// IsReply reports whether m answers req: same ID and Seq, and Ack one
// more than req's.
func IsReply(req, m *Msg) bool {
	return m.ID == req.ID && m.Seq == req.Seq && m.Ack == req.Ack+1
}
