package uevent

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Event is one uevent, of the kernel or of udev.
type Event struct {
	// Source is who sent it: [SourceKernel] or [SourceUdev]. It decides
	// the framing AppendBinary writes.
	Source Source
	// Action is what happened: add, remove, change, move, online,
	// offline, bind or unbind.
	Action string
	// DevPath is the device's path below /sys, such as
	// /devices/virtual/net/lo.
	DevPath string
	// Subsystem is the device's subsystem, such as net or block.
	Subsystem string
	// Seqnum is the kernel's number of the event, counting from 1 at
	// boot; udev passes the kernel's on.
	Seqnum uint64
	// Env is every KEY=VALUE of the datagram, in order, ACTION, DEVPATH,
	// SUBSYSTEM and SEQNUM included.
	Env []Var
	// Udev is what udev's libudev header carries besides its framing;
	// zero for the kernel's events.
	Udev UdevHeader
	// Raw is the KEY=VALUE strings as they came, each ending in NUL. In a
	// parsed event, Action, DevPath, Subsystem and the strings of Env are
	// substrings of Raw, which is a copy: an event never aliases the
	// datagram it came from.
	Raw string
	// PID is the sending process as the datagram's SCM_CREDENTIALS give
	// it, in the listener's pid namespace: 0 for the events the kernel
	// makes (and for a sender outside the namespace); the sender's for
	// an event a privileged process had the kernel broadcast for it, and
	// for udev's. Parse leaves it 0.
	PID int32
}

// Var is one KEY=VALUE string of an event's environment.
type Var struct {
	Key, Value string
}

// UdevHeader is what udev's header (struct monitor_netlink_header) holds
// besides the framing: the filters that libudev subscribers match in a
// socket filter. The values are as udev wrote them, in network order.
//
//	unsigned filter_subsystem_hash;	/* MurmurHash2 of SUBSYSTEM */
//	unsigned filter_devtype_hash;	/* MurmurHash2 of DEVTYPE */
//	unsigned filter_tag_bloom_hi;	/* bloom filter of the tags */
//	unsigned filter_tag_bloom_lo;
type UdevHeader struct {
	SubsystemHash uint32
	DevtypeHash   uint32
	TagBloomHi    uint32
	TagBloomLo    uint32
}

// Get is the value of key in e's environment, the last one if the key
// repeats, as udev keeps it.
func (e *Event) Get(key string) (string, bool) {
	for i := len(e.Env) - 1; i >= 0; i-- {
		if e.Env[i].Key == key {
			return e.Env[i].Value, true
		}
	}
	return "", false
}

// Map is e's environment as a map, the last value of a key winning.
func (e *Event) Map() map[string]string {
	m := make(map[string]string, len(e.Env))
	for _, v := range e.Env {
		m[v.Key] = v.Value
	}
	return m
}

// NewEvent is a kernel event with the environment the kernel would give
// it: ACTION, DEVPATH and SUBSYSTEM, then vars, then SEQNUM, and Raw to
// match. It serves tests and fakes that stand in for the kernel.
func NewEvent(action, devpath, subsystem string, seqnum uint64, vars ...Var) *Event {
	env := make([]Var, 0, len(vars)+4)
	env = append(env, Var{"ACTION", action}, Var{"DEVPATH", devpath}, Var{"SUBSYSTEM", subsystem})
	env = append(env, vars...)
	env = append(env, Var{"SEQNUM", strconv.FormatUint(seqnum, 10)})
	var raw strings.Builder
	for _, v := range env {
		raw.WriteString(v.Key + "=" + v.Value + "\x00")
	}
	return &Event{
		Source: SourceKernel, Action: action, DevPath: devpath, Subsystem: subsystem,
		Seqnum: seqnum, Env: env, Raw: raw.String(),
	}
}

// AppendBinary appends the datagram of e to b: for the kernel, the
// ACTION@DEVPATH header and Env; for udev, a libudev header and Env. An
// event that Parse returned comes back as a datagram that parses to the
// same event (Raw included; udev's header in its 40-byte form).
//
// AppendBinary checks only what framing needs, returning an error
// wrapping [ErrInvalidEvent] otherwise: a known Source, an Action
// without @, keys that are non-empty and hold no =, and no NUL anywhere.
// That Env agrees with the other fields is the caller's to keep.
func (e *Event) AppendBinary(b []byte) ([]byte, error) {
	if err := e.framable(); err != nil {
		return b, err
	}
	if e.Source == SourceUdev {
		b = appendUdevHeader(b, &e.Udev, e.envLen())
	} else {
		b = append(append(append(append(b, e.Action...), '@'), e.DevPath...), 0)
	}
	for _, v := range e.Env {
		b = append(append(append(append(b, v.Key...), '='), v.Value...), 0)
	}
	return b, nil
}

// MarshalBinary is AppendBinary to a new slice.
func (e *Event) MarshalBinary() ([]byte, error) { return e.AppendBinary(nil) }

// UnmarshalBinary parses datagram b into e as [Parse] does, reusing e's
// Env. On an error, a [*ParseError], e is left as it was.
func (e *Event) UnmarshalBinary(b []byte) error {
	var l layout
	if err := l.parse(b); err != nil {
		return err
	}
	l.build(e, b)
	return nil
}

// Parse parses the datagram b, of the kernel or of udev as its libudev
// header tells, into a new Event, which does not alias b. A datagram
// that is not a uevent is a [*ParseError] (see the package comment for
// the rules). Parse never panics.
func Parse(b []byte) (*Event, error) {
	e := new(Event)
	if err := e.UnmarshalBinary(b); err != nil {
		return nil, err
	}
	return e, nil
}

// framable reports why e cannot be framed, if it cannot.
func (e *Event) framable() error {
	switch {
	case e.Source != SourceKernel && e.Source != SourceUdev:
		return fmt.Errorf("%w: source %v is neither kernel nor udev", ErrInvalidEvent, e.Source)
	case e.Source == SourceKernel && (strings.ContainsAny(e.Action, "@\x00") || strings.IndexByte(e.DevPath, 0) >= 0):
		return fmt.Errorf("%w: the header %q holds NUL or a second @", ErrInvalidEvent, e.Action+"@"+e.DevPath)
	}
	for _, v := range e.Env {
		if v.Key == "" || strings.ContainsAny(v.Key, "=\x00") || strings.IndexByte(v.Value, 0) >= 0 {
			return fmt.Errorf("%w: %q is not KEY=VALUE without NUL", ErrInvalidEvent, v.Key+"="+v.Value)
		}
	}
	return nil
}

// envLen is the length of e's framed environment.
func (e *Event) envLen() int {
	n := 0
	for _, v := range e.Env {
		n += len(v.Key) + len(v.Value) + 2
	}
	return n
}

// The libudev header, from systemd's src/libsystemd/sd-device/device-monitor.c:
//
//	#define UDEV_MONITOR_MAGIC 0xfeedcafe
//
//	typedef struct monitor_netlink_header {
//		char prefix[8];			/* "libudev" */
//		unsigned magic;			/* network order */
//		unsigned header_size;		/* total length of the header the sender knows */
//		unsigned properties_off;
//		unsigned properties_len;
//		unsigned filter_subsystem_hash;	/* network order, as the rest */
//		unsigned filter_devtype_hash;
//		unsigned filter_tag_bloom_hi;
//		unsigned filter_tag_bloom_lo;
//	} monitor_netlink_header;
//
// The sizes and offsets are in host order.
const (
	udevPrefix    = "libudev\x00"
	udevMagic     = 0xfeedcafe
	udevHeaderLen = 40
)

var (
	be = binary.BigEndian
	ne = binary.NativeEndian
)

// appendUdevHeader appends a libudev header for properties of n bytes
// right after it.
func appendUdevHeader(b []byte, h *UdevHeader, n int) []byte {
	b = append(b, udevPrefix...)
	b = be.AppendUint32(b, udevMagic)
	b = ne.AppendUint32(b, udevHeaderLen)
	b = ne.AppendUint32(b, udevHeaderLen)
	b = ne.AppendUint32(b, uint32(n))
	b = be.AppendUint32(b, h.SubsystemHash)
	b = be.AppendUint32(b, h.DevtypeHash)
	b = be.AppendUint32(b, h.TagBloomHi)
	return be.AppendUint32(b, h.TagBloomLo)
}
