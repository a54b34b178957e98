package uevent_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/cngen/cngen/runtime/uevent"
	"github.com/google/go-cmp/cmp"
)

// kernel frames a kernel datagram: the header, then each string, every
// one ending in NUL.
func kernel(header string, env ...string) []byte {
	return []byte(header + "\x00" + nulstr(env...))
}

func nulstr(env ...string) string {
	var b strings.Builder
	for _, s := range env {
		b.WriteString(s + "\x00")
	}
	return b.String()
}

// udevHeader is the fields of a libudev header, written out by hand
// rather than by the code under test.
type udevHeader struct {
	magic, size, off, n uint32
	hashes              [4]uint32
}

// canonical is the header udev writes for properties of n bytes.
func canonical(n int, hashes ...uint32) udevHeader {
	h := udevHeader{magic: 0xfeedcafe, size: 40, off: 40, n: uint32(n)}
	copy(h.hashes[:], hashes)
	return h
}

// udev frames a udev datagram: h, then pad bytes, then the strings.
func udev(h udevHeader, pad int, env ...string) []byte {
	b := []byte("libudev\x00")
	b = binary.BigEndian.AppendUint32(b, h.magic)
	for _, v := range []uint32{h.size, h.off, h.n} {
		b = binary.NativeEndian.AppendUint32(b, v)
	}
	for _, v := range h.hashes {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = append(b, make([]byte, pad)...)
	return append(b, nulstr(env...)...)
}

var loEnv = []string{
	"ACTION=change", "DEVPATH=/devices/virtual/net/lo", "SUBSYSTEM=net",
	"SYNTH_UUID=0", "INTERFACE=lo", "IFINDEX=1", "SEQNUM=1250",
}

// event is the Event that parsing env of src gives.
func event(src uevent.Source, seqnum uint64, env ...string) *uevent.Event {
	e := &uevent.Event{Source: src, Seqnum: seqnum, Raw: nulstr(env...)}
	for _, s := range env {
		k, v, _ := strings.Cut(s, "=")
		e.Env = append(e.Env, uevent.Var{Key: k, Value: v})
		switch k {
		case "ACTION":
			e.Action = v
		case "DEVPATH":
			e.DevPath = v
		case "SUBSYSTEM":
			e.Subsystem = v
		}
	}
	return e
}

func TestParse(t *testing.T) {
	usb := []string{
		"ACTION=add", "DEVPATH=/devices/pci0000:00/usb1/1-1", "SUBSYSTEM=usb", "DEVTYPE=usb_device",
		"SEQNUM=4711", "USEC_INITIALIZED=123456", "TAGS=:seat:", "CURRENT_TAGS=:seat:",
	}
	udevUSB := event(uevent.SourceUdev, 4711, usb...)
	udevUSB.Udev = uevent.UdevHeader{SubsystemHash: 0x11223344, DevtypeHash: 0x55667788, TagBloomHi: 1, TagBloomLo: 2}
	for _, tc := range []struct {
		name string
		in   []byte
		want *uevent.Event
	}{
		{"kernel", kernel("change@/devices/virtual/net/lo", loEnv...), event(uevent.SourceKernel, 1250, loEnv...)},
		{
			"@ in the device path",
			kernel("bind@/devices/platform/soc@0/a@1", "ACTION=bind", "DEVPATH=/devices/platform/soc@0/a@1", "SUBSYSTEM=platform", "SEQNUM=7"),
			event(uevent.SourceKernel, 7, "ACTION=bind", "DEVPATH=/devices/platform/soc@0/a@1", "SUBSYSTEM=platform", "SEQNUM=7"),
		},
		{
			"empty value, = in a value, a newline kept",
			kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "DEVTYPE=", "A=b=c", "N=x\n", "SEQNUM=1"),
			event(uevent.SourceKernel, 1, "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "DEVTYPE=", "A=b=c", "N=x\n", "SEQNUM=1"),
		},
		{
			"a key that repeats",
			kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "K=1", "K=2", "SEQNUM=2"),
			event(uevent.SourceKernel, 2, "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "K=1", "K=2", "SEQNUM=2"),
		},
		{
			"largest seqnum, keys in any order",
			kernel("remove@/d", "SEQNUM=18446744073709551615", "SUBSYSTEM=s", "DEVPATH=/d", "ACTION=remove"),
			event(uevent.SourceKernel, 1<<64-1, "SEQNUM=18446744073709551615", "SUBSYSTEM=s", "DEVPATH=/d", "ACTION=remove"),
		},
		{"udev", udev(canonical(len(nulstr(usb...)), 0x11223344, 0x55667788, 1, 2), 0, usb...), udevUSB},
		{
			"udev with a longer header",
			udev(udevHeader{0xfeedcafe, 48, 52, uint32(len(nulstr(usb...))), [4]uint32{0x11223344, 0x55667788, 1, 2}}, 12, usb...),
			udevUSB,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := uevent.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			again := reparse(t, got)
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("re-serialised event parses differently (-first +second):\n%s", diff)
			}
		})
	}
}

// reparse frames e and parses the result.
func reparse(t *testing.T, e *uevent.Event) *uevent.Event {
	t.Helper()
	b, err := e.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	again, err := uevent.Parse(b)
	if err != nil {
		t.Fatalf("re-serialised event does not parse: %v\n%q", err, b)
	}
	return again
}

func TestParseErrors(t *testing.T) {
	req := []string{"ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "SEQNUM=1"}
	without := func(key string) []byte {
		var env []string
		for _, s := range req {
			if !strings.HasPrefix(s, key+"=") {
				env = append(env, s)
			}
		}
		return kernel("add@/d", env...)
	}
	withSeqnum := func(v string) []byte {
		return kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "SEQNUM="+v)
	}
	props := nulstr(req...)
	for _, tc := range []struct {
		name   string
		in     []byte
		offset int
		reason string
	}{
		{"empty", nil, 0, "header does not end in NUL"},
		{"header without NUL", []byte("add@/d"), 6, "header does not end in NUL"},
		{"no @", kernel("add/d", req...), 0, "no @"},
		{"key without =", kernel("add@/d", "ACTION=add", "DEVPATH=/d", "NOVALUE", "SUBSYSTEM=s", "SEQNUM=1"), 29, "no = in KEY=VALUE"},
		{"empty string", kernel("add@/d", "ACTION=add", "", "DEVPATH=/d"), 18, "no = in KEY=VALUE"},
		{"empty key", kernel("add@/d", "ACTION=add", "=x", "DEVPATH=/d"), 18, "empty key"},
		{"last string without NUL", append(kernel("add@/d", req...), "X=1"...), 50, "does not end in NUL"},
		{"header only", kernel("add@/d"), 7, "no ACTION key"},
		{"no ACTION", without("ACTION"), 39, "no ACTION key"},
		{"no DEVPATH", without("DEVPATH"), 39, "no DEVPATH key"},
		{"no SUBSYSTEM", without("SUBSYSTEM"), 38, "no SUBSYSTEM key"},
		{"no SEQNUM", without("SEQNUM"), 41, "no SEQNUM key"},
		{"second ACTION", kernel("add@/d", "ACTION=add", "DEVPATH=/d", "ACTION=add", "SUBSYSTEM=s", "SEQNUM=1"), 29, "a second ACTION key"},
		{"second SEQNUM", kernel("add@/d", append(req, "SEQNUM=1")...), 50, "a second SEQNUM key"},
		{"ACTION disagrees", kernel("remove@/d", req...), 10, `ACTION "add" disagrees with the header's "remove"`},
		{"DEVPATH disagrees", kernel("add@/e", req...), 18, `DEVPATH "/d" disagrees with the header's "/e"`},
		{"empty header action", kernel("@/d", req...), 4, `ACTION "add" disagrees with the header's ""`},
		{"empty ACTION", kernel("@/d", "ACTION=", "DEVPATH=/d", "SUBSYSTEM=s", "SEQNUM=1"), 11, "empty ACTION"},
		{"relative DEVPATH", kernel("add@d", "ACTION=add", "DEVPATH=d", "SUBSYSTEM=s", "SEQNUM=1"), 25, "DEVPATH does not start with /"},
		{"empty SUBSYSTEM", kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=", "SEQNUM=1"), 39, "empty SUBSYSTEM"},
		{"empty SEQNUM", withSeqnum(""), 48, "empty SEQNUM"},
		{"SEQNUM 0", withSeqnum("0"), 48, "zero or has a leading zero"},
		{"SEQNUM leading zero", withSeqnum("07"), 48, "zero or has a leading zero"},
		{"SEQNUM with a sign", withSeqnum("+7"), 48, "not a decimal number"},
		{"SEQNUM negative", withSeqnum("-1"), 48, "not a decimal number"},
		{"SEQNUM hex", withSeqnum("12a"), 48, "not a decimal number"},
		{"SEQNUM with a space", withSeqnum("12 "), 48, "not a decimal number"},
		{"SEQNUM overflows", withSeqnum("18446744073709551616"), 48, "overflows 64 bits"},
		{"udev header short", []byte("libudev\x00\xfe\xed\xca\xfe"), 12, "cut short"},
		{"udev magic", udev(udevHeader{0xcafefeed, 40, 40, uint32(len(props)), [4]uint32{}}, 0, req...), 8, "magic is 0xcafefeed"},
		{"udev header_size small", udev(udevHeader{0xfeedcafe, 32, 40, uint32(len(props)), [4]uint32{}}, 0, req...), 12, "header_size 32"},
		{"udev header_size past the end", udev(udevHeader{0xfeedcafe, 1000, 1000, 0, [4]uint32{}}, 0, req...), 12, "header_size 1000"},
		{"udev properties in the header", udev(udevHeader{0xfeedcafe, 40, 8, uint32(len(props)) + 32, [4]uint32{}}, 0, req...), 16, "properties_off 8"},
		{"udev properties short", udev(canonical(len(props)-1), 0, req...), 20, "does not end where the datagram does"},
		{"udev properties long", udev(canonical(len(props)+1), 0, req...), 20, "does not end where the datagram does"},
		{"udev offsets wrap", udev(udevHeader{0xfeedcafe, 40, 0xffffffff, 41 + uint32(len(props)), [4]uint32{}}, 0, req...), 20, "does not end"},
		{"udev with a kernel header", udev(canonical(len(props)+7), 0, append([]string{"add@/d"}, req...)...), 40, "no = in KEY=VALUE"},
		{"udev without keys", udev(canonical(0), 0), 40, "no ACTION key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := uevent.Parse(tc.in)
			var pe *uevent.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, uevent.ErrMalformed) {
				t.Fatalf("Parse = %v, %v; want a *ParseError wrapping ErrMalformed", e, err)
			}
			if pe.Offset != tc.offset || !strings.Contains(pe.Reason, tc.reason) {
				t.Errorf("Parse: %v; want offset %d and a reason with %q", err, tc.offset, tc.reason)
			}
		})
	}
}

func TestEventAccessors(t *testing.T) {
	e, err := uevent.Parse(kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "K=1", "K=2", "E=", "SEQNUM=3"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key, want string
		ok        bool
	}{{"K", "2", true}, {"E", "", true}, {"SEQNUM", "3", true}, {"MISSING", "", false}, {"k", "", false}} {
		if v, ok := e.Get(tc.key); v != tc.want || ok != tc.ok {
			t.Errorf("Get(%q) = %q, %v; want %q, %v", tc.key, v, ok, tc.want, tc.ok)
		}
	}
	want := map[string]string{"ACTION": "add", "DEVPATH": "/d", "SUBSYSTEM": "s", "K": "2", "E": "", "SEQNUM": "3"}
	if diff := cmp.Diff(want, e.Map()); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
}

// TestMarshalBinary checks that parsed events come back byte for byte,
// the udev header in its canonical form.
func TestMarshalBinary(t *testing.T) {
	usb := []string{"ACTION=add", "DEVPATH=/d", "SUBSYSTEM=usb", "SEQNUM=9", "TAGS=:seat:"}
	for _, in := range [][]byte{
		kernel("change@/devices/virtual/net/lo", loEnv...),
		udev(canonical(len(nulstr(usb...)), 1, 2, 3, 4), 0, usb...),
	} {
		e, err := uevent.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := e.AppendBinary([]byte("prefix"))
		if err != nil || !bytes.Equal(out, append([]byte("prefix"), in...)) {
			t.Errorf("AppendBinary = %q, %v; want prefix and\n%q", out, err, in)
		}
	}
}

func TestNewEvent(t *testing.T) {
	e := uevent.NewEvent("change", "/devices/virtual/net/lo", "net", 1250,
		uevent.Var{Key: "SYNTH_UUID", Value: "0"}, uevent.Var{Key: "INTERFACE", Value: "lo"}, uevent.Var{Key: "IFINDEX", Value: "1"})
	if diff := cmp.Diff(event(uevent.SourceKernel, 1250, loEnv...), e); diff != "" {
		t.Errorf("NewEvent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(e, reparse(t, e)); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestAppendBinaryInvalid(t *testing.T) {
	ok := func() *uevent.Event { return uevent.NewEvent("add", "/d", "s", 1) }
	for _, tc := range []struct {
		name string
		edit func(e *uevent.Event)
	}{
		{"no source", func(e *uevent.Event) { e.Source = 0 }},
		{"two sources", func(e *uevent.Event) { e.Source = uevent.SourceKernel | uevent.SourceUdev }},
		{"@ in the action", func(e *uevent.Event) { e.Action = "a@b" }},
		{"NUL in the devpath", func(e *uevent.Event) { e.DevPath = "/d\x00" }},
		{"empty key", func(e *uevent.Event) { e.Env[0].Key = "" }},
		{"= in a key", func(e *uevent.Event) { e.Env[0].Key = "A=B" }},
		{"NUL in a value", func(e *uevent.Event) { e.Env[1].Value = "/d\x00x" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok()
			tc.edit(e)
			if b, err := e.MarshalBinary(); !errors.Is(err, uevent.ErrInvalidEvent) {
				t.Errorf("MarshalBinary = %q, %v; want an error wrapping ErrInvalidEvent", b, err)
			}
		})
	}
	// Udev framing allows an @ in the action: there is no header.
	e := ok()
	e.Source = uevent.SourceUdev
	if _, err := e.MarshalBinary(); err != nil {
		t.Errorf("udev event: %v", err)
	}
}

// TestUnmarshalBinary checks that an Event is reused, and left alone by
// a datagram that does not parse.
func TestUnmarshalBinary(t *testing.T) {
	var e uevent.Event
	if err := e.UnmarshalBinary(kernel("change@/devices/virtual/net/lo", loEnv...)); err != nil {
		t.Fatal(err)
	}
	before := e
	if err := e.UnmarshalBinary(kernel("add/d")); err == nil {
		t.Fatal("UnmarshalBinary of a bad datagram succeeded")
	}
	if diff := cmp.Diff(&before, &e); diff != "" {
		t.Errorf("a failed UnmarshalBinary changed the event (-before +after):\n%s", diff)
	}
	in := kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SUBSYSTEM=s", "SEQNUM=1")
	if n := testing.AllocsPerRun(100, func() { _ = e.UnmarshalBinary(in) }); n != 1 {
		t.Errorf("UnmarshalBinary into an Event with room: %v allocations, want 1 (the text)", n)
	}
	if &e.Env[0] != &before.Env[0] {
		t.Error("UnmarshalBinary did not reuse Env")
	}
}

func BenchmarkParse(b *testing.B) {
	in := kernel("change@/devices/virtual/net/lo", loEnv...)
	var e uevent.Event
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if err := e.UnmarshalBinary(in); err != nil {
			b.Fatal(err)
		}
	}
}
