package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

func comm(s string) (c proc.CString16) {
	copy(c[:], s)
	return c
}

func idR(v uint32) (r proc.IDR) {
	r.SetRuid(v)
	return r
}

func idE(v uint32) (e proc.IDE) {
	e.SetEuid(v)
	return e
}

var printTests = []struct {
	name string
	ev   proc.ProcEvent
	text string
	json string
}{
	{
		name: "ack",
		ev:   proc.ProcEvent{What: proc.EventNone, CPU: 1, TimestampNS: 5, EventData: proc.EventData{None: proc.EventDataNone{Err: 22}}},
		text: "ack err=22 (invalid argument) cpu=1",
		json: `{"what":"none","cpu":1,"timestamp_ns":5,"err":22}`,
	},
	{
		name: "fork",
		ev: proc.ProcEvent{What: proc.EventFork, CPU: 1, TimestampNS: 7, EventData: proc.EventData{
			Fork: proc.ForkProcEvent{ParentPID: 1234, ParentTGID: 1234, ChildPID: 1240, ChildTGID: 1240},
		}},
		text: "fork parent=1234/1234 child=1240/1240 cpu=1",
		json: `{"what":"fork","cpu":1,"timestamp_ns":7,"parent_pid":1234,"parent_tgid":1234,"child_pid":1240,"child_tgid":1240}`,
	},
	{
		name: "exec",
		ev:   proc.ProcEvent{What: proc.EventExec, EventData: proc.EventData{Exec: proc.ExecProcEvent{ProcessPID: 9, ProcessTGID: 8}}},
		text: "exec pid=9/8 cpu=0",
		json: `{"what":"exec","cpu":0,"timestamp_ns":0,"process_pid":9,"process_tgid":8}`,
	},
	{
		name: "uid",
		ev: proc.ProcEvent{What: proc.EventUID, EventData: proc.EventData{
			UID: proc.IDProcEvent{ProcessPID: 9, ProcessTGID: 9, R: idR(0), E: idE(1000)},
		}},
		text: "uid pid=9/9 ruid=0 euid=1000 cpu=0",
		json: `{"what":"uid","cpu":0,"timestamp_ns":0,"process_pid":9,"process_tgid":9,"ruid":0,"euid":1000}`,
	},
	{
		name: "gid",
		ev: proc.ProcEvent{What: proc.EventGID, EventData: proc.EventData{
			GID: proc.IDProcEvent{ProcessPID: 9, ProcessTGID: 9, R: idR(100), E: idE(5)},
		}},
		text: "gid pid=9/9 rgid=100 egid=5 cpu=0",
		json: `{"what":"gid","cpu":0,"timestamp_ns":0,"process_pid":9,"process_tgid":9,"rgid":100,"egid":5}`,
	},
	{
		name: "sid",
		ev:   proc.ProcEvent{What: proc.EventSID, EventData: proc.EventData{SID: proc.SIDProcEvent{ProcessPID: 3, ProcessTGID: 3}}},
		text: "sid pid=3/3 cpu=0",
		json: `{"what":"sid","cpu":0,"timestamp_ns":0,"process_pid":3,"process_tgid":3}`,
	},
	{
		name: "ptrace",
		ev: proc.ProcEvent{What: proc.EventPtrace, EventData: proc.EventData{
			Ptrace: proc.PtraceProcEvent{ProcessPID: 3, ProcessTGID: 3, TracerPID: 4, TracerTGID: 4},
		}},
		text: "ptrace pid=3/3 tracer=4/4 cpu=0",
		json: `{"what":"ptrace","cpu":0,"timestamp_ns":0,"process_pid":3,"process_tgid":3,"tracer_pid":4,"tracer_tgid":4}`,
	},
	{
		name: "comm",
		ev: proc.ProcEvent{What: proc.EventComm, CPU: 2, EventData: proc.EventData{
			Comm: proc.CommProcEvent{ProcessPID: 1240, ProcessTGID: 1243, Comm: comm(`wo"rker`)},
		}},
		text: `comm pid=1240/1243 comm="wo\"rker" cpu=2`,
		json: `{"what":"comm","cpu":2,"timestamp_ns":0,"process_pid":1240,"process_tgid":1243,"comm":"wo\"rker"}`,
	},
	{
		name: "coredump",
		ev: proc.ProcEvent{What: proc.EventCoredump, EventData: proc.EventData{
			Coredump: proc.CoredumpProcEvent{ProcessPID: 5, ProcessTGID: 5, ParentPID: 1, ParentTGID: 1},
		}},
		text: "coredump pid=5/5 parent=1/1 cpu=0",
		json: `{"what":"coredump","cpu":0,"timestamp_ns":0,"process_pid":5,"process_tgid":5,"parent_pid":1,"parent_tgid":1}`,
	},
	{
		name: "exit code",
		ev: proc.ProcEvent{What: proc.EventExit, CPU: 1, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 1240, ProcessTGID: 1240, ExitCode: 3 << 8, ExitSignal: 17, ParentPID: 1234, ParentTGID: 1234},
		}},
		text: "exit pid=1240/1240 code=3 parent=1234/1234 cpu=1",
		json: `{"what":"exit","cpu":1,"timestamp_ns":0,"process_pid":1240,"process_tgid":1240,"exit_code":768,"exit_signal":17,"parent_pid":1234,"parent_tgid":1234}`,
	},
	{
		name: "exit signal core",
		ev: proc.ProcEvent{What: proc.EventExit, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 7, ProcessTGID: 7, ExitCode: 0x80 | 11, ExitSignal: 17, ParentPID: 1, ParentTGID: 1},
		}},
		text: "exit pid=7/7 signal=11 (segmentation fault) core parent=1/1 cpu=0",
		json: `{"what":"exit","cpu":0,"timestamp_ns":0,"process_pid":7,"process_tgid":7,"exit_code":139,"exit_signal":17,"parent_pid":1,"parent_tgid":1}`,
	},
	{
		name: "unknown",
		ev:   proc.ProcEvent{What: 0x400, EventData: proc.EventData{Default: []byte{1, 2, 0xff}}},
		text: "event what=0x400 data=0102ff cpu=0",
		json: `{"what":"0x400","cpu":0,"timestamp_ns":0,"data":"0102ff"}`,
	},
}

func TestPrint(t *testing.T) {
	for _, tt := range printTests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []struct {
				json bool
				want string
			}{{false, tt.text}, {true, tt.json}} {
				var out bytes.Buffer
				if err := (printer{w: &out, json: format.json}).print(&tt.ev); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(format.want+"\n", out.String()); diff != "" {
					t.Errorf("json=%v (-want +got):\n%s", format.json, diff)
				}
			}
			if !json.Valid([]byte(tt.json)) {
				t.Errorf("want %s is not valid JSON", tt.json)
			}
		})
	}
}

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
	}
	for _, tt := range tests {
		got, err := parseEvents(tt.list)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseEvents(%q) = %#x, %v; want %#x, error %v", tt.list, uint32(got), err, uint32(tt.want), tt.wantErr)
		}
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"-x"}, {"extra"}, {"-events", "nope"}, {"-n", "-1"}} {
		var stderr bytes.Buffer
		err := run(args, &bytes.Buffer{}, &stderr)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
		if !strings.Contains(stderr.String(), "usage: procwatch") {
			t.Errorf("run(%q) printed %q, want the usage", args, stderr.String())
		}
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
func skipUnlessKernel(t *testing.T) {
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

func TestKernelRunCount(t *testing.T) {
	skipUnlessKernel(t)
	stdout, done := startRun(t, "-n", "3", "-events", "exit")
	if err := waitRun(t, done); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		if !strings.HasPrefix(l, "overrun: ") { // unlikely, but not this test's business
			lines = append(lines, l)
		}
	}
	if len(lines) != 3 {
		t.Fatalf("-n 3 printed %d lines, want 3:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "exit pid=") {
			t.Errorf("-events exit printed %q", l)
		}
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
		if _, ok := v["what"]; !ok {
			t.Errorf("line %q has no \"what\"", sc.Text())
		}
		switch v["what"] {
		case "none", "lost", "overrun": // acks and losses are not counted
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
	for !strings.Contains(stdout.String(), "ack err=0") {
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
