//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cngen/cngen/runtime/cn"
)

// TestKernelThreadsAndPtrace watches a helper process (this binary again)
// that starts threads, is traced and exits with code 7, through -p on
// this test's process: its threads are clones, each exits with
// exit_signal -1, the tracer's detach is a detach, names, uids and
// lifetimes are there, and nothing outside the subtree is shown.
func TestKernelThreadsAndPtrace(t *testing.T) {
	_, _, stdout, stop := kernelWatcher(t, options{root: int32(os.Getpid())})
	helper := exec.Command(os.Args[0])
	helper.Env = append(os.Environ(), asEnv+"=threads")
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(helper.Process.Pid)
	time.Sleep(100 * time.Millisecond)
	tracer := trace(t, helper.Process.Pid)
	err := helper.Wait()
	if code := helper.ProcessState.ExitCode(); code != 7 {
		t.Fatalf("helper: %v, exit code %d, want 7", err, code)
	}
	waitLine(t, stdout, regexp.MustCompile(`(?m) exit +`+pid+` .* code=7 `))
	stop()

	me := strconv.Itoa(os.Getpid())
	var clones []string
	// The subtree, as the lines show it: this process, its forks and
	// theirs, and their threads (a clone joins its tgid's process).
	subtree := map[string]bool{me: true}
	for _, f := range eventLines(stdout.String()) {
		if f[2] == "ack" {
			continue
		}
		if len(f) > 6 && (f[2] == "fork" || f[2] == "clone") {
			_, up, _ := strings.Cut(f[6], "=")
			if i := strings.LastIndexByte(up, '/'); i >= 0 {
				up = up[i+1:]
			}
			if subtree[up] {
				subtree[f[3]] = true
			}
		}
		task := f[3]
		if f[2] == "ptrace" { // "ptrace attach": two words
			task = f[4]
		}
		if !subtree[task] {
			t.Errorf("-p %s shows a task outside its subtree: %q", me, f)
		}
		if f[2] == "clone" && f[6] == "tgid="+pid {
			clones = append(clones, f[3])
		}
	}
	if len(clones) < 3 {
		t.Errorf("%d clones of %s, want at least its 3 threads", len(clones), pid)
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`(?m) fork +` + pid + ` +0 +0 parent=(\d+/)?` + me + ` +procwatch.test$`),
		regexp.MustCompile(`(?m) exec +` + pid + ` +0 +0 +procwatch.test$`),
		regexp.MustCompile(`(?m) ptrace attach +` + pid + ` +0 +0 tracer=` + tracer + ` +procwatch.test$`),
		regexp.MustCompile(`(?m) ptrace detach +` + pid + ` +0 +0 +procwatch.test$`),
		regexp.MustCompile(`(?m) exit +` + pid + ` +0 +0 code=7 lifetime=[0-9.]+(ms|s) +procwatch.test$`),
	}
	for _, tid := range clones {
		// A thread ends when its goroutine does (code 0), or with the rest.
		want = append(want, regexp.MustCompile(`(?m) exit +`+tid+` +0 +0 code=[07] exit_signal=-1 lifetime=\S+ +procwatch.test$`))
	}
	for _, re := range want {
		if !re.MatchString(stdout.String()) {
			t.Errorf("no line matching %s in:\n%s", re, stdout)
		}
	}
}

// trace attaches to pid with ptrace, waits for it to stop and detaches,
// from a thread of its own; it returns the tracer as procwatch shows it,
// thread/process.
func trace(t *testing.T, pid int) string {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.PtraceAttach(pid); err != nil {
		t.Fatalf("ptrace attach: %v", err)
	}
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil || !ws.Stopped() {
		t.Fatalf("wait for the tracee: %v, status %v", err, ws)
	}
	if err := unix.PtraceDetach(pid); err != nil {
		t.Fatalf("ptrace detach: %v", err)
	}
	return string(appendPair(nil, int32(unix.Gettid()), int32(os.Getpid())))
}

// skipUnlessForkstat skips the test unless forkstat is installed and
// this process is root, which forkstat insists on.
func skipUnlessForkstat(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("forkstat")
	if err != nil {
		tb.Skip("skipping: forkstat is not installed (apt-get install forkstat)")
	}
	if os.Geteuid() != 0 {
		tb.Skip("skipping: forkstat needs root")
	}
	return path
}

// record is an event as both tools report it: its kind, the task, the
// parent of a fork, the wait status of an exit.
type record struct {
	kind   string
	pid    int
	parent int
	code   int
}

// workload forks a shell per exit status, each of which prints its pid
// and status, forks and execs a sleep, and exits with the status, or
// kills itself: fork, exec and exit events of known pids, the sleeps'
// below them.
const workload = `for st in 0 1 3 42 kill; do
	sh -c "echo \$\$ $st; sleep 0.2; [ $st = kill ] && kill -9 \$\$; exit $st" &
done; wait`

// shellStatuses parses the workload's output: each shell's pid, and the
// wait status its exit event must have.
func shellStatuses(t *testing.T, out string) map[int]int {
	t.Helper()
	shells := map[int]int{}
	for line := range strings.Lines(out) {
		var pid, code int
		var st string
		if _, err := fmt.Sscan(line, &pid, &st); err != nil {
			t.Fatalf("workload printed %q", line)
		}
		if _, err := fmt.Sscan(st, &code); err == nil {
			shells[pid] = code << 8
		} else {
			shells[pid] = int(syscall.SIGKILL)
		}
	}
	return shells
}

// TestKernelForkstat runs forkstat and procwatch side by side on the
// same workload and checks that procwatch reports every event forkstat
// reports about the workload's processes, with the same pids, parents
// and exit statuses; and that procwatch reports all of them.
func TestKernelForkstat(t *testing.T) {
	skipUnlessKernel(t)
	path := skipUnlessForkstat(t)
	fs, fsOut := startForkstat(t, path)
	pwOut, stopPW := startJSONWatcher(t)

	shells := shellStatuses(t, burst(t, workload))
	time.Sleep(300 * time.Millisecond) // both drain their queues
	fs.Process.Signal(os.Interrupt)
	fs.Wait()
	stopPW()

	fsRecs := forkstatRecords(t, fsOut.String())
	pwRecs := procwatchRecords(t, pwOut.String())
	ours := related(shells, pwRecs)
	compareTools(t, shells, ours, fsRecs, pwRecs)
}

// startForkstat starts forkstat for forks, execs and exits, line
// buffered, and waits for its heading: it prints it once subscribed.
func startForkstat(t *testing.T, path string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	fs := exec.Command(path, "-l", "-e", "fork,exec,exit")
	fs.Stdout, fs.Stderr = out, out
	if err := fs.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Process.Kill(); fs.Wait() })
	waitLine(t, out, regexp.MustCompile(`(?m)^Time +Event`))
	return fs, out
}

// startJSONWatcher runs procwatch -json on a connector socket with a big
// queue, and waits for the kernel's ack.
func startJSONWatcher(t *testing.T) (*syncBuffer, func()) {
	t.Helper()
	c, err := cn.Dial(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	bigQueue(t, c)
	out, stderr := &syncBuffer{}, &syncBuffer{}
	w := newWatcher(options{json: true}, out, stderr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.run(ctx, c) }()
	waitLine(t, out, regexp.MustCompile(`"what":"none"`))
	return out, func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		t.Logf("%s", stderr)
	}
}

// forkstatRecords parses forkstat's lines: "TIME fork PPID parent NAME"
// and "TIME fork PID child NAME" (one event), "TIME exec PID NAME",
// "TIME exit PID STATUS DURATION NAME".
func forkstatRecords(t *testing.T, out string) []record {
	var recs []record
	parent := 0
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		pid, err := strconv.Atoi(f[2])
		if err != nil {
			continue // the heading, or a nobufs line
		}
		switch {
		case f[1] == "fork" && f[3] == "parent":
			parent = pid
		case f[1] == "fork" && f[3] == "child":
			recs = append(recs, record{kind: "fork", pid: pid, parent: parent})
		case f[1] == "exec":
			recs = append(recs, record{kind: "exec", pid: pid})
		case f[1] == "exit":
			code, _ := strconv.Atoi(f[3])
			recs = append(recs, record{kind: "exit", pid: pid, code: code})
		}
	}
	t.Logf("forkstat: %d events", len(recs))
	return recs
}

// procwatchRecords parses procwatch's JSON lines.
func procwatchRecords(t *testing.T, out string) []record {
	t.Helper()
	var recs []record
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		num := func(k string) int { f, _ := m[k].(float64); return int(f) }
		switch m["what"] {
		case "fork":
			recs = append(recs, record{kind: "fork", pid: num("child_pid"), parent: num("parent_tgid")})
		case "exec":
			recs = append(recs, record{kind: "exec", pid: num("process_pid")})
		case "exit":
			recs = append(recs, record{kind: "exit", pid: num("process_pid"), code: num("exit_code")})
		}
	}
	return recs
}

// related are the workload's shells and the processes they forked, as
// procwatch saw them.
func related(shells map[int]int, recs []record) map[int]bool {
	ours := map[int]bool{}
	for pid := range shells {
		ours[pid] = true
	}
	for _, r := range recs {
		if r.kind == "fork" && ours[r.parent] {
			ours[r.pid] = true
		}
	}
	return ours
}

// compareTools checks that procwatch has each of forkstat's records about
// the workload with the same values (a fork's parent only when forkstat
// knew it: it reads it from /proc, and writes 0 once the child is gone),
// and that procwatch saw each shell's fork, exec and exit with its
// status, and each shell's fork of its sleep.
func compareTools(t *testing.T, shells map[int]int, ours map[int]bool, fsRecs, pwRecs []record) {
	t.Helper()
	compared := 0
	for _, r := range fsRecs {
		if !ours[r.pid] {
			continue
		}
		compared++
		if !slices.ContainsFunc(pwRecs, func(p record) bool { return sameRecord(r, p) }) {
			t.Errorf("forkstat reports %+v, procwatch does not", r)
		}
	}
	if compared == 0 {
		t.Fatal("forkstat reported nothing about the workload: nothing to compare")
	}
	for pid, status := range shells {
		for _, want := range []record{{kind: "exec", pid: pid}, {kind: "exit", pid: pid, code: status}} {
			if !slices.Contains(pwRecs, want) {
				t.Errorf("procwatch does not report %+v", want)
			}
		}
	}
	missed := 0
	for _, p := range pwRecs {
		if ours[p.pid] && !slices.ContainsFunc(fsRecs, func(r record) bool { return sameRecord(r, p) }) {
			missed++
		}
	}
	t.Logf("%d events of forkstat's about the workload compared; forkstat missed %d of procwatch's", compared, missed)
}

func sameRecord(fs, pw record) bool {
	return fs.kind == pw.kind && fs.pid == pw.pid && fs.code == pw.code && (fs.parent == 0 || fs.parent == pw.parent)
}

// tools are the programs BenchmarkKernelCPUPerEvent compares: procwatch
// (this binary, as main) and forkstat, each in the forms people run.
var tools = []struct {
	name string
	args []string
}{
	{"procwatch", nil},
	{"procwatch-c", []string{"-c"}},
	{"procwatch-json", []string{"-json"}},
	{"forkstat", nil},
	{"forkstat-c", []string{"-c"}},
	{"forkstat-x", []string{"-x"}},
}

// workloads are the fork workloads of BenchmarkKernelCPUPerEvent: N runs
// of /bin/true from a shell, one after the other (the tool wakes for
// each event), or all at once (events queue up, and a tool may lose
// some: the default receive queue holds some 270).
var workloads = []struct{ name, script string }{
	{"serial", "i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done"},
	{"burst", "i=0; while [ $i -lt %d ]; do /bin/true & i=$((i+1)); done; wait"},
}

// BenchmarkKernelCPUPerEvent measures the CPU time (user and system, from
// the rusage of its process) each tool spends per event it reports on a
// fork workload of b.N runs of /bin/true, three events each (fork, exec,
// exit), its output going to a pipe that is drained. The tool's start
// (loading /proc: a run with no workload) is measured apart and taken
// off. Run it with -benchtime Nx: b.N is the workload's size.
func BenchmarkKernelCPUPerEvent(b *testing.B) {
	skipUnlessKernel(b)
	for _, wl := range workloads {
		for _, tool := range tools {
			b.Run(wl.name+"/"+tool.name, func(b *testing.B) {
				if b.N < 100 {
					return // the first run, b.N = 1: too short to tell
				}
				idle, _ := toolCPU(b, tool.name, tool.args, fmt.Sprintf(wl.script, 0))
				busy, events := toolCPU(b, tool.name, tool.args, fmt.Sprintf(wl.script, b.N))
				b.ReportMetric(float64(busy-idle)/float64(events), "cpu-ns/event")
				b.ReportMetric(float64(events)/float64(b.N), "events/op")
				b.ReportMetric(float64(idle)/1e3, "start-cpu-µs")
			})
		}
	}
}

// toolCPU runs the tool over the workload script and returns its CPU
// time in ns and the count of process events it reported.
func toolCPU(b *testing.B, name string, args []string, script string) (cpu int64, events int) {
	b.Helper()
	cmd := toolCommand(b, name, args)
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	waitSubscribed(b, cmd.Process.Pid)
	counted := make(chan int, 1)
	go func() { counted <- countEvents(out, name) }()
	if err := exec.Command("/bin/sh", "-c", script).Run(); err != nil {
		b.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the tool drains its queue
	cmd.Process.Signal(os.Interrupt)
	events = <-counted
	cmd.Wait()
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime), events
}

// countEvents reads a tool's output to its end and counts the process
// events in it: forkstat writes a fork (or clone) as two lines, its
// parent's and its child's; procwatch writes notices and acks too.
func countEvents(r io.Reader, tool string) int {
	notEvent := regexp.MustCompile(`^\{"what":"(none|lost|overrun|resync|stats)"`)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case strings.HasSuffix(tool, "-json"):
			if !notEvent.MatchString(sc.Text()) {
				n++
			}
		case len(f) < 3:
		case strings.HasPrefix(tool, "forkstat"):
			if f[1] == "exec" || f[1] == "exit" || (f[1] == "fork" || f[1] == "clone") && slices.Contains(f, "parent") {
				n++
			}
		default:
			if _, err := strconv.Atoi(f[1]); err == nil && f[2] != "ack" {
				n++
			}
		}
	}
	return n
}

// waitSubscribed waits until the process pid has a connector socket in
// the proc group (/proc/net/netlink: protocol 11, groups 1), and then a
// little: forkstat sends LISTEN right after binding, procwatch after
// joining. Their output, buffered in a pipe, cannot tell.
func waitSubscribed(b *testing.B, pid int) {
	b.Helper()
	want := regexp.MustCompile(`(?m)^\S+ +11 +` + strconv.Itoa(pid) + ` +00000001 `)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		nl, err := os.ReadFile("/proc/net/netlink")
		if err != nil {
			b.Fatal(err)
		}
		if want.Match(nl) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("process %d has no socket in the proc connector's group after 10s:\n%s", pid, nl)
		}
	}
	time.Sleep(100 * time.Millisecond)
}

func toolCommand(b *testing.B, name string, args []string) *exec.Cmd {
	if strings.HasPrefix(name, "forkstat") {
		return exec.Command(skipUnlessForkstat(b), args...)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asEnv+"=procwatch")
	return cmd
}
