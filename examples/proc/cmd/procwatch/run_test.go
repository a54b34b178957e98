package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

func TestParseEvents(t *testing.T) {
	tests := []struct {
		list    string
		want    proc.Event
		wantErr bool
	}{
		{list: "", want: proc.ProcEventAll},
		{list: "fork", want: proc.EventFork},
		{list: "fork, exit,nonzero_exit", want: proc.EventFork | proc.EventExit | proc.EventNonzeroExit},
		{list: "fork,bogus", wantErr: true},
		{list: "ack", wantErr: true},
		{list: "clone", wantErr: true}, // procwatch's, not the kernel's
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			got, err := parseEvents(tt.list)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseEvents(%q) = %#x, %v; want %#x, error %v", tt.list, uint32(got), err, uint32(tt.want), tt.wantErr)
			}
		})
	}
}

// TestParseFlags: the command line becomes these options.
func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want options
	}{
		{"none", nil, options{mask: proc.ProcEventAll, show: allKinds}},
		{"forkstat's", []string{"-c", "-S", "-q", "-l", "-D", "10", "-e", "fork,core,ptrce"}, options{
			mask: proc.ProcEventAll, cmdline: true, stats: true, quiet: true, flushAll: true, duration: 10 * time.Second,
			show: selection{kinds: 1<<kindFork | 1<<kindCoredump | 1<<kindPtrace},
		}},
		{"procwatch's", []string{"-json", "-n", "5", "-D", "1m30s", "-p", "42", "-comm", "^sh$", "-events", "fork,exit", "-rcvbuf", "4096"}, options{
			mask: proc.EventFork | proc.EventExit, show: allKinds, json: true, count: 5, duration: 90 * time.Second,
			root: 42, comm: regexp.MustCompile("^sh$"), rcvbuf: 4096,
		}},
		{"fractional seconds", []string{"-D", "0.25"}, options{mask: proc.ProcEventAll, show: allKinds, duration: 250 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFlags(tt.args, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			opt := cmp.Comparer(func(a, b *regexp.Regexp) bool {
				return (a == nil) == (b == nil) && (a == nil || a.String() == b.String())
			})
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(options{}, selection{}), opt); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-x"}, {"extra"}, {"-events", "nope"}, {"-n", "-1"}, {"-e", "fork,nope"},
		{"-comm", "("}, {"-p", "-1"}, {"-D", "-1s"}, {"-D", "soon"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(args, &bytes.Buffer{}, &stderr)
			var u usageError
			if !errors.As(err, &u) {
				t.Errorf("run(%q) = %v, want a usage error", args, err)
			}
			if !strings.Contains(stderr.String(), "usage: procwatch") {
				t.Errorf("run(%q) printed %q, want the usage", args, stderr.String())
			}
		})
	}
	if err := run([]string{"-h"}, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// skipUnlessKernel skips the test unless the proc connector is there
// and this process may join its group: any process from Linux 6.6, only
// one with CAP_NET_ADMIN before.
func skipUnlessKernel(t testing.TB) {
	t.Helper()
	if b, err := os.ReadFile("/proc/net/connector"); err != nil || !bytes.Contains(b, []byte("cn_proc")) {
		t.Skipf("skipping: /proc/net/connector does not list cn_proc (%v)", err)
	}
	c, err := cn.Dial(&cn.Config{Groups: []uint32{proc.ProcGroup}})
	if errors.Is(err, syscall.EPERM) {
		t.Skip("skipping: joining the proc connector's group needs CAP_NET_ADMIN before Linux 6.6")
	}
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// startRun runs procwatch with args in the background, starting
// processes (/bin/true) until it returns or 10 seconds have passed.
func startRun(t *testing.T, args ...string) (stdout *syncBuffer, done chan error) {
	stdout, done = &syncBuffer{}, make(chan error, 1)
	var stderr syncBuffer
	go func() { done <- run(args, stdout, &stderr) }()
	t.Cleanup(func() {
		if s := stderr.String(); s != "" {
			t.Logf("stderr: %s", s)
		}
	})
	return stdout, done
}

func waitRun(t *testing.T, done chan error) error {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-done:
			return err
		case <-deadline:
			t.Fatal("procwatch still running after 10s")
		case <-time.After(20 * time.Millisecond):
			exec.Command("/bin/true").Run()
		}
	}
}

// eventLines are the event lines of text output: not the header, and
// not the notices, whose second field is not a cpu.
func eventLines(out string) [][]string {
	var events [][]string
	for l := range strings.Lines(out) {
		f := strings.Fields(l)
		if len(f) < 3 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err == nil {
			events = append(events, f)
		}
	}
	return events
}

func TestKernelRunCount(t *testing.T) {
	skipUnlessKernel(t)
	stdout, done := startRun(t, "-n", "3", "-events", "exit")
	if err := waitRun(t, done); err != nil {
		t.Fatal(err)
	}
	events := eventLines(stdout.String())
	if len(events) != 3 {
		t.Fatalf("-n 3 printed %d events, want 3:\n%s", len(events), stdout)
	}
	for _, f := range events {
		if f[2] != "exit" {
			t.Errorf("-events exit printed %q", f)
		}
	}
}

// TestKernelRunDuration: -D ends the run, as a signal does.
func TestKernelRunDuration(t *testing.T) {
	skipUnlessKernel(t)
	start := time.Now()
	_, done := startRun(t, "-D", "300ms", "-e", "exec")
	if err := waitRun(t, done); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("-D 300ms returned after %v", d)
	}
}

func TestKernelRunJSON(t *testing.T) {
	skipUnlessKernel(t)
	stdout, done := startRun(t, "-json", "-n", "5")
	if err := waitRun(t, done); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	n := 0
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		for _, key := range []string{"what", "time"} {
			if _, ok := v[key]; !ok {
				t.Errorf("line %q has no %q", sc.Text(), key)
			}
		}
		switch v["what"] {
		case "none", "lost", "overrun", "resync": // acks and notices are not counted
		default:
			n++
		}
	}
	if n != 5 {
		t.Errorf("-n 5 printed %d events, want 5:\n%s", n, stdout)
	}
}

// TestKernelRunSignal sends SIGTERM to the test process once procwatch
// has printed the ack of a subscription: run returns nil.
func TestKernelRunSignal(t *testing.T) {
	skipUnlessKernel(t)
	stdout, done := startRun(t)
	deadline := time.Now().Add(10 * time.Second)
	// Any line means the socket is bound, so the signal handler is set.
	for !strings.Contains(stdout.String(), " ack ") {
		if time.Now().After(deadline) {
			t.Fatalf("no ack printed after 10s: %q", stdout)
		}
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run still going 10s after SIGTERM")
	}
}
