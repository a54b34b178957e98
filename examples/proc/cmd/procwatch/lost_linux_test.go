//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cngen/cngen/runtime/cn"
)

// kernelWatcher runs a watcher with o on a real connector socket with a
// big queue, until the returned stop; it has printed the kernel's ack
// and seen an event of every CPU when kernelWatcher returns.
func kernelWatcher(t *testing.T, o options) (w *watcher, c *cn.Conn, stdout *syncBuffer, stop func()) {
	t.Helper()
	skipUnlessKernel(t)
	c, err := cn.Dial(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	bigQueue(t, c)
	stdout = &syncBuffer{}
	var stderr syncBuffer
	w = newWatcher(o, stdout, &stderr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.run(ctx, c) }()
	t.Cleanup(func() { t.Logf("stderr: %s", stderr.String()) })
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	waitLine(t, stdout, regexp.MustCompile(`(?m) ack +- +- +- err=0$`))
	onEveryCPU(t, stdout) // a first number of each CPU
	return w, c, stdout, stop
}

// bigQueue gives c a big queue: past net.core.rmem_max with
// CAP_NET_ADMIN, up to it without.
func bigQueue(t *testing.T, c *cn.Conn) {
	t.Helper()
	if err := c.SetReadBuffer(8<<20, true); err != nil {
		if err := c.SetReadBuffer(8<<20, false); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKernelLostEvents makes the kernel drop events for a listener, by
// shrinking its receive queue to the least the kernel allows during a
// burst of processes, and checks the losses procwatch reports from the
// gaps in each CPU's sequence numbers against the kernel's own count of
// messages the socket dropped (SO_MEMINFO): they must be equal, once
// every CPU has sent an event before the burst and one after it.
func TestKernelLostEvents(t *testing.T) {
	w, c, stdout, stop := kernelWatcher(t, options{})
	if err := c.SetReadBuffer(1, false); err != nil {
		t.Fatal(err)
	}
	burst(t, "for i in $(seq 300); do /bin/true & done; wait")
	bigQueue(t, c)
	onEveryCPU(t, stdout) // a last number of each CPU
	stop()
	dropped, err := c.Drops()
	if err != nil {
		t.Fatal(err)
	}
	lost, overruns := losses(stdout.String())
	t.Logf("dropped %d (SO_MEMINFO), reported lost %d, %d overruns, %d resyncs", dropped, lost, overruns, w.rs.count)
	if dropped == 0 {
		t.Fatal("the burst made the kernel drop nothing: nothing to check")
	}
	if lost != dropped {
		t.Errorf("reported %d events lost, the kernel dropped %d", lost, dropped)
	}
	if lost != w.gaps.Lost() {
		t.Errorf("lost lines add up to %d, the summary says %d", lost, w.gaps.Lost())
	}
	if overruns == 0 {
		t.Error("no overrun reported")
	}
}

// burst runs the shell script, and returns its output.
func burst(t *testing.T, script string) string {
	t.Helper()
	out, err := exec.Command("/bin/sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("burst: %v\n%s", err, out)
	}
	return string(out)
}

// losses adds up the lost lines of the text output, and counts the
// overrun lines.
func losses(out string) (lost, overruns uint64) {
	for line := range strings.Lines(out) {
		_, notice, _ := strings.Cut(line, " ") // after the time
		var n, cpu uint64
		if _, err := fmt.Sscanf(notice, "lost %d events on cpu %d", &n, &cpu); err == nil {
			lost += n
		} else if _, err := fmt.Sscanf(notice, "lost 1 event on cpu %d", &cpu); err == nil {
			lost++
		}
		if strings.HasPrefix(notice, "overrun: ") {
			overruns++
		}
	}
	return lost, overruns
}

// TestKernelResync loses events the table needs, and checks that the
// resync after the loss made the table right: processes that exited
// during the loss (their exits lost) are gone, processes started during
// it (their forks lost) are there, and the table agrees with /proc on
// every task, its name and its uids.
func TestKernelResync(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"pwvictim", "pwnewcomer"} { // their comm
		if err := os.Symlink("/bin/sleep", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	w, c, stdout, stop := kernelWatcher(t, options{})
	victims := startVictims(t, stdout, filepath.Join(dir, "pwvictim"), 5)
	if err := c.SetReadBuffer(1, false); err != nil {
		t.Fatal(err)
	}
	const trues = "for i in $(seq 150); do /bin/true & done; "
	script := trues + "kill " + pidList(victims) + "; " + trues +
		"for i in $(seq 5); do (" + filepath.Join(dir, "pwnewcomer") + " 60 </dev/null >/dev/null 2>&1 & echo $!); done; " + trues + "wait"
	newcomers := atois(t, burst(t, script))
	t.Cleanup(func() { killAll(newcomers) })
	for _, v := range victims {
		v.Wait() // no zombies left: their exits are real in /proc too
	}
	bigQueue(t, c)
	onEveryCPU(t, stdout) // find the gaps …
	time.Sleep(time.Duration(maxResyncGap) + 100*time.Millisecond)
	onEveryCPU(t, stdout) // … and resync at the next event, if not done yet
	before := liveTasks(t)
	stop()
	after := liveTasks(t)

	dropped, _ := c.Drops()
	t.Logf("dropped %d events, %d resyncs; %d tasks, %d learned from /proc", dropped, w.rs.count, len(w.tab.tasks), fromProc(w.tab))
	if dropped == 0 || w.rs.count == 0 {
		t.Fatalf("dropped %d, resynced %d times: nothing to check", dropped, w.rs.count)
	}
	for _, v := range victims {
		if x := w.tab.tasks[int32(v.Process.Pid)]; x != nil {
			t.Errorf("victim %d, killed during the loss, is in the table: %+v", v.Process.Pid, *x)
		}
	}
	for _, pid := range newcomers {
		if x := w.tab.tasks[int32(pid)]; x == nil || x.comm != "pwnewcomer" {
			t.Errorf("newcomer %d, started during the loss, is %+v in the table", pid, x)
		}
	}
	compareTable(t, w.tab, before, after)
}

// startVictims starts n processes of path and waits until the watcher
// has printed their execs: the table knows them from the events.
func startVictims(t *testing.T, stdout *syncBuffer, path string, n int) []*exec.Cmd {
	t.Helper()
	var cmds []*exec.Cmd
	for range n {
		cmd := exec.Command(path, "60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		cmds = append(cmds, cmd)
		waitLine(t, stdout, regexp.MustCompile(`(?m) exec +`+strconv.Itoa(cmd.Process.Pid)+` .* pwvictim$`))
	}
	return cmds
}

func pidList(cmds []*exec.Cmd) string {
	var s []string
	for _, c := range cmds {
		s = append(s, strconv.Itoa(c.Process.Pid))
	}
	return strings.Join(s, " ")
}

func atois(t *testing.T, out string) []int {
	t.Helper()
	var pids []int
	for _, f := range strings.Fields(out) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("burst printed %q", out)
		}
		pids = append(pids, pid)
	}
	return pids
}

func killAll(pids []int) {
	for _, pid := range pids {
		unix.Kill(pid, unix.SIGKILL)
	}
}

func fromProc(tab *table) (n int) {
	for _, x := range tab.tasks {
		if x.fromProc {
			n++
		}
	}
	return n
}

// procTask is a live task as /proc shows it.
type procTask struct {
	comm      string
	kthread   bool
	uid, euid uint32
}

// liveTasks reads every task in /proc that has not exited, as the table
// does but with code of its own.
func liveTasks(t *testing.T) map[int32]procTask {
	t.Helper()
	tasks := map[int32]procTask{}
	paths, err := filepath.Glob("/proc/[0-9]*/task/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		stat, err1 := os.ReadFile(p + "/stat")
		status, err2 := os.ReadFile(p + "/status")
		s, err3 := parseStat(stat)
		if err1 != nil || err2 != nil || err3 != nil || s.exited() {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(p))
		uid, euid, _ := parseUIDs(status)
		tasks[int32(pid)] = procTask{comm: s.comm, kthread: s.flags&pfKthread != 0, uid: uid, euid: euid}
	}
	return tasks
}

// compareTable checks the table against /proc read just before and just
// after it stopped changing: a task live both times is in the table,
// with /proc's name (but a kernel thread's: a kworker's comm in /proc
// names the work it runs at the time) and uids; a task in the table was
// live at one of the times.
func compareTable(t *testing.T, tab *table, before, after map[int32]procTask) {
	t.Helper()
	for pid, b := range before {
		a, ok := after[pid]
		if !ok || a != b {
			continue // changed while the table stopped: either is right
		}
		x := tab.tasks[pid]
		switch {
		case x == nil:
			t.Errorf("task %d (%s) is in /proc, not in the table", pid, a.comm)
		case !a.kthread && x.comm != a.comm:
			t.Errorf("task %d is %q in /proc, %q in the table", pid, a.comm, x.comm)
		case !a.kthread && x.uidKnown && (x.uid != a.uid || x.euid != a.euid):
			t.Errorf("task %d (%s) has uids %d/%d in /proc, %d/%d in the table", pid, a.comm, a.uid, a.euid, x.uid, x.euid)
		}
	}
	for pid, x := range tab.tasks {
		_, b := before[pid]
		_, a := after[pid]
		if !a && !b {
			t.Errorf("task %d (%s) is in the table, not in /proc", pid, x.comm)
		}
	}
}

// waitLine waits until out has a line matching re.
func waitLine(t *testing.T, out *syncBuffer, re *regexp.Regexp) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !re.MatchString(out.String()) {
		if time.Now().After(deadline) {
			s := out.String()
			t.Fatalf("no line matching %s after 10s; the output ends:\n%s", re, s[max(len(s)-2000, 0):])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// onEveryCPU runs /bin/true on each CPU the test may use, and waits for
// the exit events: each CPU has then numbered an event this listener
// received. A socket that overran drops everything until its queue has
// drained, so an exit may be lost too: then it runs another.
func onEveryCPU(t *testing.T, out *syncBuffer) {
	t.Helper()
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	for cpu := range 1024 {
		if !all.IsSet(cpu) {
			continue
		}
		for try := 0; ; try++ {
			pid := runOn(t, cpu, &all)
			re := regexp.MustCompile(`(?m)^\S+ +` + strconv.Itoa(cpu) + ` exit +` + strconv.Itoa(pid) + ` `)
			if try == 10 {
				waitLine(t, out, re)
				break
			}
			if waitFor(out, re, time.Second) {
				break
			}
		}
	}
}

// waitFor waits up to d for a line of out matching re.
func waitFor(out *syncBuffer, re *regexp.Regexp, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if re.MatchString(out.String()) {
			return true
		}
	}
	return false
}

// runOn runs /bin/true pinned to cpu: forked from a thread pinned there,
// it inherits the thread's affinity. The thread gets back the set all.
func runOn(t *testing.T, cpu int, all *unix.CPUSet) int {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var one unix.CPUSet
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		t.Fatal(err)
	}
	defer unix.SchedSetaffinity(0, all)
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}
