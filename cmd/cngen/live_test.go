package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/runtime/cn"
)

// ne is the host byte order, the connector's.
var ne = binary.NativeEndian

// liveSchemas are the golden and example schemas.
func liveSchemas(t *testing.T) []string {
	t.Helper()
	golden, _ := filepath.Glob("../../golden/*/*.cn")
	examples, _ := filepath.Glob("../../examples/*/*.cn")
	if len(golden) < 10 || len(examples) < 2 {
		t.Fatalf("found %d golden and %d example schemas", len(golden), len(examples))
	}
	return append(golden, examples...)
}

// typeNames are the names -type takes for every layout of a schema that
// decodes alone, with the layout.
func typeNames(s *model.Schema, p *wire.Plan) map[string]*wire.Layout {
	out := map[string]*wire.Layout{}
	for _, l := range p.Layouts() {
		if !l.Payload && l.Type.Name != "" && l.Type.Kind != model.KindSwitch {
			out[l.Type.Name] = l
		}
	}
	for _, f := range s.Families {
		for _, m := range f.Messages {
			out[f.Name+"."+m.Name] = p.Payload(m, false)
			if m.Kind == model.Call {
				out[f.Name+"."+m.Name+".reply"] = p.Payload(m, true)
			}
		}
	}
	return out
}

// samples are payloads of l to round-trip: the zero value's encoding,
// and every pattern of bytes the codec decodes.
func samples(c *codec.Codec, l *wire.Layout) [][]byte {
	zero, err := c.Encode(nil, l, codec.Zero(l.Type))
	if err != nil {
		return nil
	}
	out := [][]byte{zero}
	n := max(len(zero), l.Type.Size, 16)
	for seed := 1; seed <= 4; seed++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*seed*37 + seed)
			if seed == 1 {
				b[i] %= 4 // small lengths, selectors and counts
			}
		}
		// What JSON keeps of the value: a cstring up to its NUL.
		if v, err := c.Decode(l, b); err == nil {
			if v, err = c.ParseJSON(l, codec.JSON(v)); err == nil {
				if enc, err := c.Encode(nil, l, v); err == nil {
					out = append(out, enc)
				}
			}
		}
	}
	return out
}

// TestDecodeEncodeEverySchema runs cngen decode and cngen encode on
// payloads of every type and message of every golden and example schema:
// decode prints the codec's JSON of the bytes (which the golden
// differential test holds to the generated decoder's values), and encode
// of that JSON gives the bytes back.
func TestDecodeEncodeEverySchema(t *testing.T) {
	var checked int
	for _, path := range liveSchemas(t) {
		s, err := loadSchema(path)
		if err != nil {
			t.Fatal(err)
		}
		l := newLive(s)
		for name, lay := range typeNames(s, l.plan) {
			for _, b := range samples(l.codec, lay) {
				var out, errOut bytes.Buffer
				in := strings.NewReader(hex.EncodeToString(b) + "\n")
				if err := decodeStdin([]string{"-schema", path, "-type", name, "-hex"}, in, &out, &errOut); err != nil {
					t.Fatalf("%s %s: decode %x: %v\n%s", path, name, b, err, errOut.String())
				}
				v, err := l.codec.Decode(lay, b)
				if err != nil {
					t.Fatal(err)
				}
				if want := string(codec.JSON(v)) + "\n"; out.String() != want {
					t.Fatalf("%s %s: decode %x printed %s, want %s", path, name, b, out.String(), want)
				}
				var enc bytes.Buffer
				if err := encodeStdin([]string{"-schema", path, "-type", name, strings.TrimSpace(out.String())}, nil, &enc, &errOut); err != nil {
					t.Fatalf("%s %s: encode %s: %v", path, name, out.String(), err)
				}
				if !bytes.Equal(enc.Bytes(), b) {
					t.Fatalf("%s %s: encode of %s gave %x, want %x", path, name, out.String(), enc.Bytes(), b)
				}
				checked++
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d payloads round-tripped", checked)
	}
	t.Logf("%d payloads round-tripped", checked)
}

func TestDecodeErrors(t *testing.T) {
	procPath := "../../examples/proc/proc.cn"
	for _, tc := range []struct {
		args  []string
		input string
		want  string
	}{
		// A short buffer names its field and the offset.
		{[]string{"proc", "-type", "proc_event", "-hex"}, "0100000000000000", "timestamp_ns"},
		// An unknown selector value names the value and the field.
		{[]string{"-schema", "../../golden/switches/switches.cn", "-type", "request", "-hex"}, "0700" + strings.Repeat("00", 18), "request.o"},
		{[]string{"-schema", procPath, "-type", "proc_evnt"}, "", "did you mean proc_event?"},
		{[]string{"proc", "-type", "proc_evnt"}, "", "did you mean proc_event?"},
		{[]string{"proc", "-type", "proc_event", "-hex"}, "zz", "not hex"},
		{[]string{"prok", "-type", "proc_event"}, "", "did you mean proc?"},
		{[]string{"proc"}, "", "no -type"},
		{[]string{"-type", "x"}, "", "no schema"},
		{[]string{"-schema", "missing.cn", "-type", "x"}, "", "cannot read the schema"},
	} {
		var out, errOut bytes.Buffer
		err := decodeStdin(tc.args, strings.NewReader(tc.input), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("decode %v < %q: %v, want an error with %q", tc.args, tc.input, err, tc.want)
		}
	}
	// Bytes after the value are said, not dropped silently.
	var out, errOut bytes.Buffer
	payload := "01000000" + strings.Repeat("00", 36) + "ffff"
	if err := decodeStdin([]string{"proc", "-type", "proc_event", "-hex"}, strings.NewReader(payload), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "2 bytes after the proc_event") || !strings.Contains(out.String(), `"fork"`) {
		t.Errorf("decode with 2 bytes more: %s / %s", out.String(), errOut.String())
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"proc", "-type", "proc_input", `{"mcast_op":"listn"}`}, "listn"},
		{[]string{"proc", "-type", "proc_input", `{"mcast_op":1,"extra":2}`}, "extra"},
		{[]string{"proc", "-type", "proc_input", `{`}, "proc_input"},
		{[]string{"proc", "-type", "proc_input", `{}`, `{}`}, "too many arguments"},
	} {
		var out, errOut bytes.Buffer
		err := encodeStdin(tc.args, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("encode %v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
	// The value may come on stdin; -hex writes text.
	var out, errOut bytes.Buffer
	if err := encodeStdin([]string{"proc", "-type", "proc.control", "-hex"}, strings.NewReader(`{"mcast_op":"ignore","event_type":"fork|exit"}`), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(ne.AppendUint32(ne.AppendUint32(nil, 2), 0x80000001)) + "\n"
	if out.String() != want {
		t.Errorf("encode proc.control = %q, want %q", out.String(), want)
	}
}

func TestList(t *testing.T) {
	out, _, err := runCLI("list", "-v")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"proc ", "w1 ", "uvesafb ", "dm ", "kvp ", "vss ", "linux/cn_proc.h", "event  event    val 1  proc_event", "sender kernel"} {
		if !strings.Contains(out, want) {
			t.Errorf("list -v lacks %q:\n%s", want, out)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for a command writing in one
// goroutine while a test reads in another.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor waits until b holds want.
func waitFor(t *testing.T, b *lockedBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(b.String(), want) {
			return
		}
	}
	t.Fatalf("no %q after 5s in:\n%s", want, b.String())
}

// startListen runs cngen listen in the background until it stops.
func startListen(t *testing.T, args ...string) (stdout, stderr *lockedBuffer, done chan error) {
	t.Helper()
	stdout, stderr, done = &lockedBuffer{}, &lockedBuffer{}, make(chan error, 1)
	go func() { done <- run(append([]string{"listen"}, args...), stdout, stderr) }()
	return stdout, stderr, done
}

func wait(t *testing.T, done chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("listen did not stop")
	}
}

func dialUsersock(t *testing.T) *cn.Conn {
	t.Helper()
	c, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock})
	if err != nil {
		t.Skipf("no NETLINK_USERSOCK socket here: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestListenUsersock listens to the echo family's group on a bus between
// processes: ticks print as aligned text, a short one is malformed and
// said with its field.
func TestListenUsersock(t *testing.T) {
	srv := dialUsersock(t)
	stdout, stderr, done := startListen(t, "-schema", "../../examples/echo/echo.cn", "-proto", "usersock", "-n", "3", "-duration", "10s")
	waitFor(t, stderr, "listening to echo")
	tick := cn.ID{Idx: echo.EchoIdx, Val: echo.EchoTickVal}
	if err := srv.Send(&cn.Msg{ID: tick, Data: []byte{1, 2, 3}}, cn.Addr{Group: echo.EchoGroup}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		data, _ := (&echo.Tick{N: uint64(i), UptimeNS: 5, ServerPID: 42}).AppendBinary(nil)
		if err := srv.Send(&cn.Msg{ID: tick, Data: data}, cn.Addr{Group: echo.EchoGroup}); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, done)
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), stdout.String())
	}
	for i, l := range lines {
		if _, err := time.Parse("15:04:05.000000", l[:15]); err != nil {
			t.Errorf("line %q has no time column: %v", l, err)
		}
		if want := fmt.Sprintf("tick  seq=%d", 0); !strings.Contains(l, "tick  seq=") || !strings.Contains(l, fmt.Sprintf("n=%d uptime_ns=5 server_pid=42", i+1)) {
			t.Errorf("line %d = %q, want %s… n=%d uptime_ns=5 server_pid=42", i, l, want, i+1)
		}
	}
	for _, want := range []string{"tick: ", "4 received, 3 decoded, 1 malformed, 0 forged, 0 lost"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestListenForged: a message of a family only the kernel sends, from a
// process, is counted as forged and never printed.
func TestListenForged(t *testing.T) {
	forger := dialUsersock(t)
	stdout, stderr, done := startListen(t, "-schema", "../../examples/proc/proc.cn", "-proto", "usersock", "-json", "-duration", "1s")
	waitFor(t, stderr, "listening to proc")
	ev, _ := hex.DecodeString("01000000" + strings.Repeat("00", 36))
	if err := forger.Send(&cn.Msg{ID: cn.ID{Idx: 1, Val: 1}, Data: ev}, cn.Addr{Group: 1}); err != nil {
		t.Fatal(err)
	}
	wait(t, done)
	if stdout.String() != "" {
		t.Errorf("a forged event was printed: %s", stdout.String())
	}
	for _, want := range []string{fmt.Sprintf("from port %d, not the kernel", forger.Port()), "1 received, 0 decoded, 0 malformed, 1 forged"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestListenGaps: a payload with a cpu field is numbered per CPU; gaps
// in a CPU's numbers are lost messages, said at once and summed.
func TestListenGaps(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "bus.cn")
	src := "package bus\n\nstruct ev {\n    cpu u32\n    n   u32\n}\n\nfamily bus idx 0x200 {\n    group 5\n    event ev val 1 ev\n}\n"
	if err := os.WriteFile(schema, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := dialUsersock(t)
	stdout, stderr, done := startListen(t, "-schema", schema, "-proto", "usersock", "-json", "-n", "5", "-duration", "10s")
	waitFor(t, stderr, "listening to bus")
	for _, m := range []struct{ cpu, seq uint32 }{{0, 10}, {1, 7}, {0, 11}, {0, 14}, {1, 9}} {
		data := ne.AppendUint32(ne.AppendUint32(nil, m.cpu), m.seq)
		if err := srv.Send(&cn.Msg{ID: cn.ID{Idx: 0x200, Val: 1}, Seq: m.seq, Ack: 1, Data: data}, cn.Addr{Group: 5}); err != nil {
			t.Fatal(err)
		}
	}
	wait(t, done)
	for _, want := range []string{"lost 2 messages on cpu 0 (seq 14 follows 11)", "lost 1 messages on cpu 1 (seq 9 follows 7)", "5 received, 5 decoded, 0 malformed, 0 forged, 3 lost"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	var first struct {
		Message string
		Seq     uint32
		Data    struct{ CPU, N uint32 }
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	if err := json.Unmarshal([]byte(line), &first); err != nil || first.Message != "ev" || first.Seq != 10 || first.Data.N != 10 {
		t.Errorf("first line %s: %+v, %v", line, first, err)
	}
}

// TestCallAndSend calls the echo family's ping on a server on a bus
// between processes, and sends it one.
func TestCallAndSend(t *testing.T) {
	srv := dialUsersock(t)
	got := make(chan echo.PingReq, 2)
	go func() {
		for {
			msgs, err := srv.Receive()
			if err != nil {
				return
			}
			for _, m := range msgs {
				var req echo.PingReq
				if err := req.UnmarshalBinary(m.Data); err != nil {
					continue
				}
				got <- req
				data, _ := (&echo.PingReply{ID: req.ID, ServerPID: 42, Pings: 1, Payload: req.Payload}).AppendBinary(nil)
				reply := cn.ReplyTo(&m.Msg, data)
				srv.Send(&reply, cn.Addr{Port: m.From})
			}
		}
	}()
	port := fmt.Sprint(srv.Port())
	out, errOut, err := runCLI("call", "-schema", "../../examples/echo/echo.cn", "-proto", "usersock", "-port", port, "ping", `{"id":7,"payload":"6869"}`)
	if err != nil {
		t.Fatalf("call: %v\n%s", err, errOut)
	}
	if want := `{"id":7,"server_pid":42,"server_time_ns":0,"pings":1,"payload":"6869"}` + "\n"; out != want {
		t.Errorf("call printed %s, want %s", out, want)
	}
	if req := <-got; req.ID != 7 || string(req.Payload) != "hi" {
		t.Errorf("the server got %+v", req)
	}
	if _, errOut, err = runCLI("send", "-schema", "../../examples/echo/echo.cn", "-proto", "usersock", "-port", port, "ping", `{"id":8}`); err != nil {
		t.Fatalf("send: %v", err)
	}
	if req := <-got; req.ID != 8 {
		t.Errorf("the server got %+v", req)
	}
	if !strings.Contains(errOut, "echo.ping, 4 bytes") {
		t.Errorf("send said %q", errOut)
	}
	// No reply: the call gives up after its timeout, and says so.
	mute := dialUsersock(t)
	_, _, err = runCLI("call", "-schema", "../../examples/echo/echo.cn", "-proto", "usersock", "-port", fmt.Sprint(mute.Port()), "-timeout", "100ms", "ping", `{"id":9}`)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("no reply to ping from port %d within 100ms", mute.Port())) {
		t.Errorf("call of nobody: %v", err)
	}
}

func TestLiveUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"listen", "prok"}, "did you mean proc?"},
		{[]string{"listen", "proc", "w1"}, "too many arguments"},
		{[]string{"listen", "proc", "-schema", "x.cn"}, "both -schema and the built-in family proc"},
		{[]string{"listen", "-schema", "../../examples/echo/echo.cn", "-family", "ecko"}, "did you mean echo?"},
		{[]string{"listen", "proc", "-group", "33"}, "groups 1 to 32"},
		{[]string{"listen", "proc", "-proto", "route"}, "want one of connector, usersock"},
		{[]string{"call", "proc", "control", "{}"}, "not a call"},
		{[]string{"send", "proc", "contrl", "{}"}, "did you mean control?"},
		{[]string{"send", "proc"}, "no message named"},
	} {
		_, _, err := runCLI(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := newFlags("x", "", &bytes.Buffer{})
	n := fs.Int("n", 0, "")
	j := fs.Bool("json", false, "")
	pos, _, err := parseInterspersed(fs, []string{"proc", "-json", "-n", "3", "more", "--", "-n"})
	if err != nil || *n != 3 || !*j || strings.Join(pos, " ") != "proc more -n" {
		t.Errorf("parseInterspersed: %v %d %v %v", pos, *n, *j, err)
	}
	for _, tc := range []struct {
		args []string
		rest string
		ok   bool
	}{
		{[]string{"uevent", "-json"}, "-json", true},
		{[]string{"-n", "3", "uevent"}, "-n 3", true},
		{[]string{"-n", "uevent"}, "", false}, // uevent is -n's value
		{[]string{"proc", "uevent"}, "", false},
		{[]string{"-json", "-n=2", "uevent", "-duration", "1s"}, "-json -n=2 -duration 1s", true},
	} {
		rest, ok := ueventArgs(tc.args)
		if ok != tc.ok || strings.Join(rest, " ") != tc.rest {
			t.Errorf("ueventArgs(%q) = %q, %v; want %q, %v", tc.args, rest, ok, tc.rest, tc.ok)
		}
	}
}

// TestListenProc runs cngen listen proc -json -n 3 as root, on the
// kernel's process events, and has a shell fork a child that execs and
// exits: the three lines are the child's fork, exec and exit, by pid.
// Another process may fork in between (go test runs other packages, and
// the compiler, at the same time): then it tries again, and when the
// machine stays too busy, it listens with no -n for a while instead and
// looks for the child's three events in order among the others.
func TestListenProc(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("listening to the proc connector needs root (CAP_NET_ADMIN) before Linux 6.6")
	}
	if _, err := os.Stat("/bin/true"); err != nil {
		t.Skipf("no /bin/true to run: %v", err)
	}
	for try := 1; try <= 10; try++ {
		if events, ok := procRound(t, "-n", "3"); ok {
			t.Logf("try %d: %v", try, events)
			return
		}
	}
	events, ok := procRound(t, "-duration", "2s")
	if !ok {
		t.Fatalf("the child's fork, exec and exit are not among the events:\n%s", strings.Join(events, "\n"))
	}
	t.Logf("too busy for -n 3; found the child's events among %d", len(events))
}

// procRound is one try of TestListenProc, listening with args: the events
// listen printed, and whether they show the child's fork, exec and exit
// in order — alone, with -n.
func procRound(t *testing.T, args ...string) ([]string, bool) {
	sh := exec.Command("sh", "-c", "read line; /bin/true; exit 0")
	in, err := sh.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	defer sh.Wait()
	defer in.Close()
	stdout, stderr, done := startListen(t, append([]string{"proc", "-json", "-duration", "10s"}, args...)...)
	waitFor(t, stderr, "the kernel answered the subscription")
	fmt.Fprintln(in)
	wait(t, done)
	if !strings.Contains(stderr.String(), " decoded, 0 malformed, 0 forged, ") {
		t.Errorf("summary: %s", stderr.String())
	}
	type event struct {
		Message string
		From    uint32
		Data    struct {
			What      string
			EventData map[string]struct {
				ParentPID  int `json:"parent_pid"`
				ChildPID   int `json:"child_pid"`
				ChildTGID  int `json:"child_tgid"`
				ProcessPID int `json:"process_pid"`
			} `json:"event_data"`
		}
	}
	var got []string
	child, step, alone := 0, 0, true
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var e event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if e.Message != "event" || e.From != 0 {
			t.Errorf("line %q: not an event from the kernel", line)
		}
		d := e.Data.EventData[e.Data.What]
		got = append(got, fmt.Sprintf("%s %+v", e.Data.What, d))
		switch {
		case step == 0 && e.Data.What == "fork" && d.ParentPID == sh.Process.Pid && d.ChildTGID == d.ChildPID:
			child, step = d.ChildPID, 1
		case step == 1 && e.Data.What == "exec" && d.ProcessPID == child,
			step == 2 && e.Data.What == "exit" && d.ProcessPID == child && d.ParentPID == sh.Process.Pid:
			step++
		default:
			alone = false
		}
	}
	if len(args) > 0 && args[0] == "-n" {
		return got, step == 3 && alone && len(got) == 3
	}
	return got, step == 3
}

// TestListenProcSignal: SIGINT and SIGTERM end listen proc as -n does:
// it unsubscribes, prints its summary and succeeds.
func TestListenProcSignal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("listening to the proc connector needs root (CAP_NET_ADMIN) before Linux 6.6")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		_, stderr, done := startListen(t, "proc", "-duration", "20s")
		waitFor(t, stderr, "the kernel answered the subscription")
		if err := syscall.Kill(os.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%v: listen = %v", sig, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v did not stop listen", sig)
		}
		if !strings.Contains(stderr.String(), " received, ") {
			t.Errorf("%v: no summary:\n%s", sig, stderr.String())
		}
	}
}
