package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/uevent"
	"github.com/google/go-cmp/cmp"
)

// fakeUevents stands in for a Listener: Receive returns its items in
// order, then waits until a deadline in the past wakes it, as
// listen uevent sets one when it is done. It counts what it returned as
// a Listener would.
type fakeUevents struct {
	mu    sync.Mutex
	items []fakeItem
	stats uevent.Stats
	wake  chan struct{}
	once  sync.Once
}

type fakeItem struct {
	e   *uevent.Event
	err error
}

func newFake(items ...fakeItem) *fakeUevents {
	return &fakeUevents{items: items, wake: make(chan struct{})}
}

func (f *fakeUevents) Receive() (*uevent.Event, error) {
	f.mu.Lock()
	if len(f.items) == 0 {
		f.mu.Unlock()
		<-f.wake
		return nil, &uevent.OpError{Op: "receive", Err: os.ErrDeadlineExceeded}
	}
	it := f.items[0]
	f.items = f.items[1:]
	f.count(it)
	f.mu.Unlock()
	return it.e, it.err
}

func (f *fakeUevents) count(it fakeItem) {
	switch {
	case it.e != nil:
		f.stats.Received++
		f.stats.Decoded++
	case errors.Is(it.err, uevent.ErrMalformed):
		f.stats.Received++
		f.stats.Malformed++
	case errors.Is(it.err, uevent.ErrOverrun):
		f.stats.Overruns++
	}
}

func (f *fakeUevents) SetReadDeadline(t time.Time) error {
	if !t.IsZero() && t.Before(time.Now()) {
		f.once.Do(func() { close(f.wake) })
	}
	return nil
}

func (f *fakeUevents) Stats() uevent.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

var (
	evLo = uevent.NewEvent("change", "/devices/virtual/net/lo", "net", 1250,
		uevent.Var{Key: "SYNTH_UUID", Value: "0"}, uevent.Var{Key: "INTERFACE", Value: "lo"}, uevent.Var{Key: "IFINDEX", Value: "1"})
	evUSB = uevent.NewEvent("add", "/devices/pci0000:00/usb1/1-1", "usb", 1251,
		uevent.Var{Key: "PRODUCT", Value: "a b\t\"c\""}, uevent.Var{Key: "EMPTY", Value: ""}, uevent.Var{Key: "K", Value: "1"}, uevent.Var{Key: "K", Value: "2"})
	evSda = uevent.NewEvent("remove", "/devices/virtual/block/loop0", "block", 1252, uevent.Var{Key: "DEVNAME", Value: "loop0"})
)

func event(e *uevent.Event) fakeItem { return fakeItem{e: e} }

var testTime = time.Date(2026, 12, 1, 10, 20, 30, 123456789, time.UTC)

// runUevent runs listen uevent's flags and loop over fake until ctx is
// done or the loop ends.
func runUevent(ctx context.Context, fake ueventSource, args ...string) (stdout, stderr string, err error) {
	var o, e bytes.Buffer
	opts, help, err := ueventFlags(args, &e)
	if help || err != nil {
		return o.String(), e.String(), err
	}
	opts.now = func() time.Time { return testTime }
	err = opts.listen(ctx, fake, &o, &e)
	return o.String(), e.String(), err
}

func TestListenUeventText(t *testing.T) {
	fake := newFake(event(evLo), event(evUSB), event(evSda))
	out, errs, err := runUevent(context.Background(), fake, "-n", "2")
	if err != nil {
		t.Fatal(err)
	}
	want := "10:20:30.123456  kernel change /devices/virtual/net/lo net 1250 SYNTH_UUID=0 INTERFACE=lo IFINDEX=1\n" +
		`10:20:30.123456  kernel add /devices/pci0000:00/usb1/1-1 usb 1251 PRODUCT="a b\t\"c\"" EMPTY= K=1 K=2` + "\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if want := "cngen: listen uevent: 2 received, 2 decoded, 0 malformed, 0 forged, 0 overruns\n"; errs != want {
		t.Errorf("stderr = %q, want %q", errs, want)
	}
}

func TestListenUeventJSON(t *testing.T) {
	odd := uevent.NewEvent("add", "/devices/x<y>", "s", 7, uevent.Var{Key: "V", Value: "\x01\xff\n\"\\é"})
	out, _, err := runUevent(context.Background(), newFake(event(evLo), event(evUSB), event(odd)), "-json", "-n", "3")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), out)
	}
	want := `{"time":"2026-12-01T10:20:30.123456789Z","source":"kernel","action":"change","devpath":"/devices/virtual/net/lo","subsystem":"net","seqnum":1250,` +
		`"env":{"ACTION":"change","DEVPATH":"/devices/virtual/net/lo","SUBSYSTEM":"net","SYNTH_UUID":"0","INTERFACE":"lo","IFINDEX":"1","SEQNUM":"1250"}}`
	if lines[0] != want {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want)
	}
	type line struct {
		Time      time.Time
		Source    string
		Action    string
		DevPath   string
		Subsystem string
		Seqnum    uint64
		Env       map[string]string
	}
	for i, e := range []*uevent.Event{evLo, evUSB, odd} {
		var got line
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, lines[i])
		}
		env := e.Map()
		if v, ok := env["V"]; ok {
			env["V"] = strings.ToValidUTF8(v, "\uFFFD")
		}
		want := line{testTime, "kernel", e.Action, e.DevPath, e.Subsystem, e.Seqnum, env}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("line %d (-want +got):\n%s", i+1, diff)
		}
	}
}

func TestListenUeventSubsystem(t *testing.T) {
	fake := newFake(event(evUSB), event(evLo), event(evUSB), event(evSda), event(evLo))
	out, errs, err := runUevent(context.Background(), fake, "-subsystem", "net", "-subsystem", "block", "-n", "2")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != 2 || !strings.Contains(out, " net 1250 ") || !strings.Contains(out, " block 1252 ") || strings.Contains(out, " usb ") {
		t.Errorf("stdout holds %d lines; want the net and the block event:\n%s", n, out)
	}
	if !strings.Contains(errs, "4 received, 4 decoded") {
		t.Errorf("stderr = %q; want the two usb events counted too", errs)
	}
}

// TestListenUeventSurvives checks that malformed datagrams and overruns
// are reported and survived, and that another error ends the command
// with the summary still printed.
func TestListenUeventSurvives(t *testing.T) {
	bad := &uevent.OpError{Op: "receive", Err: &uevent.ParseError{Offset: 0, Reason: "no @ in the ACTION@DEVPATH header"}}
	overrun := &uevent.OpError{Op: "receive", Err: uevent.ErrOverrun}
	fatal := &uevent.OpError{Op: "receive", Err: net.ErrClosed}
	fake := newFake(fakeItem{err: bad}, event(evLo), fakeItem{err: overrun}, event(evSda), fakeItem{err: fatal}, event(evUSB))
	out, errs, err := runUevent(context.Background(), fake)
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("err = %v, want the closed listener's", err)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("stdout holds %d lines, want 2:\n%s", n, out)
	}
	want := "cngen: listen uevent: " + bad.Error() + "\n" + "cngen: listen uevent: " + overrun.Error() + "\n" +
		"cngen: listen uevent: 3 received, 2 decoded, 1 malformed, 0 forged, 1 overruns\n"
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

// TestListenUeventEnds checks that -duration and a done context (an
// interrupt) end the command cleanly while it waits.
func TestListenUeventEnds(t *testing.T) {
	t.Run("duration", func(t *testing.T) {
		out, errs, err := runUevent(context.Background(), newFake(event(evLo)), "-duration", "20ms")
		if err != nil || strings.Count(out, "\n") != 1 || !strings.HasSuffix(errs, "1 received, 1 decoded, 0 malformed, 0 forged, 0 overruns\n") {
			t.Errorf("= %q, %q, %v; want one event, the summary and no error", out, errs, err)
		}
	})
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		if _, errs, err := runUevent(ctx, newFake()); err != nil || !strings.HasPrefix(errs, "cngen: listen uevent: 0 received") {
			t.Errorf("= %q, %v; want the summary and no error", errs, err)
		}
	})
}

func TestListenUeventUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"argument", []string{"net"}, `takes flags only, not "net"`},
		{"negative n", []string{"-n", "-1"}, "-n must not be negative"},
		{"negative duration", []string{"-duration", "-1s"}, "-duration must not be negative"},
		{"bad duration", []string{"-duration", "soon"}, "invalid value"},
		{"empty subsystem", []string{"-subsystem", ""}, "empty subsystem"},
		{"unknown flag", []string{"-rcvbuf", "1"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, err := runUevent(context.Background(), newFake(), tc.args...)
			var u usageError
			if !errors.As(err, &u) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a usage error with %q", err, tc.want)
			}
			if !strings.HasPrefix(errs, "usage: cngen listen uevent "+listenUeventArgs+"\n") {
				t.Errorf("stderr does not start with the usage line:\n%s", errs)
			}
		})
	}
	var e bytes.Buffer
	if err := listenUevent([]string{"-h"}, &e, &e); err != nil || !strings.Contains(e.String(), "-subsystem S") {
		t.Errorf("-h = %v\n%s", err, e.String())
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "<&>", "quote\" back\\slash", "\x00\x01\x1f\x7f\t\n\r", "é\u2028", "\xff\xfe bad", "a\xc3"} {
		got := appendJSONString(nil, s)
		want, _ := json.Marshal(s) // which replaces each invalid byte
		var back, wantBack string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: %s is not JSON: %v", s, got, err)
			continue
		}
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: %s decodes to %q, want %q", s, got, back, wantBack)
		}
	}
}

// TestListenUeventSignal runs the command on a real listener (which
// needs no privilege) and ends it with SIGINT and SIGTERM. The test
// catches both signals itself throughout, so that one that comes before
// the command's own handler does not kill the test binary; it sends
// them until the command returns.
func TestListenUeventSignal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("kobject uevents are Linux's")
	}
	guard := make(chan os.Signal, 16)
	signal.Notify(guard, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(guard)
	self, _ := os.FindProcess(os.Getpid())
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			var out, errs bytes.Buffer
			done := make(chan error, 1)
			go func() { done <- listenUevent([]string{"-udev"}, &out, &errs) }()
			for deadline := time.Now().Add(10 * time.Second); ; {
				if err := self.Signal(sig); err != nil {
					t.Fatal(err)
				}
				select {
				case err := <-done:
					if err != nil || !strings.HasPrefix(errs.String(), "cngen: listen uevent: ") {
						t.Errorf("= %v; stderr %q; want a clean end with the summary", err, errs.String())
					}
					return
				case <-time.After(50 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("%v did not end listen uevent", sig)
				}
			}
		})
	}
}

// TestKernelListenUevent runs the command against the kernel, writing
// lo's uevent file until the event is printed: the command's socket is
// ready at a moment the test cannot see.
func TestKernelListenUevent(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux: writing /sys/class/net/lo/uevent")
	}
	var out, errs bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- listenUevent([]string{"-json", "-n", "1", "-subsystem", "net", "-duration", "20s"}, &out, &errs)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for {
		if err := os.WriteFile("/sys/class/net/lo/uevent", []byte("change\n"), 0); err != nil {
			t.Fatal(err)
		}
		select {
		case err = <-done:
			break wait
		case <-tick.C:
		}
	}
	if err != nil {
		t.Fatalf("listen uevent: %v\n%s", err, errs.String())
	}
	var got struct {
		Source, Action, DevPath, Subsystem string
		Seqnum                             uint64
		Env                                map[string]string
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not a JSON line: %v\n%s", err, out.String())
	}
	if got.Source != "kernel" || got.Action != "change" || got.DevPath != "/devices/virtual/net/lo" || got.Subsystem != "net" ||
		got.Seqnum == 0 || got.Env["INTERFACE"] != "lo" || got.Env["SEQNUM"] != fmt.Sprint(got.Seqnum) {
		t.Errorf("printed %s", out.String())
	}
	if !strings.Contains(errs.String(), " decoded, ") {
		t.Errorf("no summary: %q", errs.String())
	}
	t.Logf("%s%s", out.String(), errs.String())
}
