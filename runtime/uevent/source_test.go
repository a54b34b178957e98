package uevent

import (
	"errors"
	"strings"
	"testing"
)

// TestAccept checks the source check on its own, without a socket: only
// the source address and the credentials decide, never the datagram.
func TestAccept(t *testing.T) {
	const kernelBit, udevBit = 1 << (GroupKernel - 1), 1 << (GroupUdev - 1)
	both := SourceKernel | SourceUdev
	root := func(port, groups uint32) origin {
		return origin{port: port, groups: groups, creds: true, uid: 0, pid: 42}
	}
	for _, tc := range []struct {
		name    string
		o       origin
		sources Source
		want    Source // 0: forged
	}{
		{"kernel", origin{port: 0, groups: kernelBit}, SourceKernel, SourceKernel},
		{"kernel with credentials", root(0, kernelBit), both, SourceKernel},
		{"user space on the kernel's group", root(4242, kernelBit), both, 0},
		{"unicast from the kernel", root(0, 0), both, 0},
		{"unicast from user space", root(4242, 0), both, 0},
		{"udev", root(4242, udevBit), both, SourceUdev},
		{"udev not asked for", root(4242, udevBit), SourceKernel, 0},
		{"udev without credentials", origin{port: 4242, groups: udevBit}, both, 0},
		{"udev group from a non-root sender", origin{port: 4242, groups: udevBit, creds: true, uid: 1000}, both, 0},
		{"udev group from port 0", root(0, udevBit), both, 0},
		{"both groups at once", root(0, kernelBit|udevBit), both, 0},
		{"another group", root(0, 4), both, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, ok := accept(tc.o, tc.sources)
			if !ok {
				src = 0
			}
			if src != tc.want {
				t.Errorf("accept(%+v, %v) = %v, %v; want %v", tc.o, tc.sources, src, ok, tc.want)
			}
		})
	}
}

// TestDecodeFraming checks that a datagram must have the framing of the
// source that sent it, and that a truncated one is malformed.
func TestDecodeFraming(t *testing.T) {
	env := "ACTION=add\x00DEVPATH=/d\x00SUBSYSTEM=s\x00SEQNUM=1\x00"
	kernelDgram := []byte("add@/d\x00" + env)
	udevDgram, err := (&Event{Source: SourceUdev, Env: []Var{{"ACTION", "add"}, {"DEVPATH", "/d"}, {"SUBSYSTEM", "s"}, {"SEQNUM", "1"}}}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		b      []byte
		o      origin
		src    Source
		reason string // "" for success
	}{
		{"kernel", kernelDgram, origin{pid: 7}, SourceKernel, ""},
		{"udev", udevDgram, origin{pid: 7}, SourceUdev, ""},
		{"udev framing from the kernel", udevDgram, origin{}, SourceKernel, "a libudev header on the kernel's group"},
		{"kernel framing from udev", kernelDgram, origin{}, SourceUdev, "no libudev header on udev's group"},
		{"truncated", kernelDgram, origin{truncated: true}, SourceKernel, "larger than the receive buffer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l Listener
			e, err := l.decode(tc.b, tc.o, tc.src)
			if tc.reason == "" {
				if err != nil || e.Source != tc.src || e.PID != tc.o.pid || e.Raw != env {
					t.Errorf("decode = %+v, %v; want a %v event from pid %d", e, err, tc.src, tc.o.pid)
				}
				return
			}
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("decode = %v, %v; want a malformed datagram: %s", e, err, tc.reason)
			}
		})
	}
}

func TestSourceString(t *testing.T) {
	for s, want := range map[Source]string{SourceKernel: "kernel", SourceUdev: "udev", SourceKernel | SourceUdev: "kernel+udev", 0: "Source(0)", 8: "Source(8)"} {
		if got := s.String(); got != want {
			t.Errorf("Source(%d).String() = %q, want %q", uint8(s), got, want)
		}
	}
}
