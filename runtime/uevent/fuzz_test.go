package uevent_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cngen/cngen/runtime/uevent"
	"github.com/google/go-cmp/cmp"
)

// FuzzParse checks that no datagram makes Parse panic, that every fault
// is a *ParseError wrapping ErrMalformed at an offset inside the
// datagram, that an accepted event holds what the rules promise, and
// that it re-serialises to bytes that parse to the same event.
func FuzzParse(f *testing.F) {
	f.Add(kernel("change@/devices/virtual/net/lo", loEnv...))
	f.Add(kernel("bind@/devices/soc@0", "ACTION=bind", "DEVPATH=/devices/soc@0", "SUBSYSTEM=platform", "K=", "K=a=b", "SEQNUM=18446744073709551615"))
	f.Add(kernel("add@/d", "ACTION=add", "DEVPATH=/d", "SEQNUM=1"))
	f.Add(kernel("add@/d", "ACTION=remove", "DEVPATH=/d", "SUBSYSTEM=s", "SEQNUM=01"))
	usb := []string{"ACTION=add", "DEVPATH=/d", "SUBSYSTEM=usb", "SEQNUM=9", "TAGS=:seat:"}
	f.Add(udev(canonical(len(nulstr(usb...)), 1, 2, 3, 4), 0, usb...))
	f.Add(udev(udevHeader{0xfeedcafe, 44, 48, uint32(len(nulstr(usb...))), [4]uint32{}}, 8, usb...))
	f.Add(udev(canonical(3), 0, "A="))
	f.Add([]byte("libudev\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := uevent.Parse(b)
		if err != nil {
			var pe *uevent.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, uevent.ErrMalformed) {
				t.Fatalf("error %v is not a *ParseError wrapping ErrMalformed", err)
			}
			if pe.Offset < 0 || pe.Offset > len(b) {
				t.Fatalf("fault at offset %d of a %d-byte datagram", pe.Offset, len(b))
			}
			return
		}
		checkEvent(t, e)
		out, err := e.MarshalBinary()
		if err != nil {
			t.Fatalf("an accepted event does not re-serialise: %v", err)
		}
		again, err := uevent.Parse(out)
		if err != nil {
			t.Fatalf("re-serialised event does not parse: %v\n%q", err, out)
		}
		if diff := cmp.Diff(e, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// checkEvent checks what every accepted event holds.
func checkEvent(t *testing.T, e *uevent.Event) {
	t.Helper()
	var raw strings.Builder
	for _, v := range e.Env {
		if v.Key == "" || strings.ContainsAny(v.Key, "=\x00") || strings.Contains(v.Value, "\x00") {
			t.Fatalf("Env holds %q", v.Key+"="+v.Value)
		}
		raw.WriteString(v.Key + "=" + v.Value + "\x00")
	}
	if raw.String() != e.Raw {
		t.Fatalf("Raw %q is not Env framed: %q", e.Raw, raw.String())
	}
	for _, f := range []struct{ key, field string }{{"ACTION", e.Action}, {"DEVPATH", e.DevPath}, {"SUBSYSTEM", e.Subsystem}} {
		if v, ok := e.Get(f.key); !ok || v != f.field || v == "" {
			t.Fatalf("%s is %q, but Get says %q, %v", f.key, f.field, v, ok)
		}
	}
	if !strings.HasPrefix(e.DevPath, "/") || e.Seqnum == 0 {
		t.Fatalf("DEVPATH %q, SEQNUM %d", e.DevPath, e.Seqnum)
	}
}
