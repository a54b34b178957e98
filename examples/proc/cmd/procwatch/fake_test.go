package main

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// fakeProc is a /proc of made-up tasks, safe to change while a watcher
// reads it.
type fakeProc struct {
	mu      sync.Mutex
	files   map[string]string // "123/stat": contents
	threads map[int32]bool    // not listed in /proc, as Linux hides them
}

// fakeTask is a task of a fakeProc. A thread has tgid ≠ pid.
type fakeTask struct {
	pid, tgid, ppid int32
	comm, cmdline   string
	uid, euid       uint32
	start           uint64 // clock ticks since boot
	kthread         bool
	state           byte // 0 for S
}

func newFakeProc(tasks ...fakeTask) *fakeProc {
	f := &fakeProc{files: map[string]string{}, threads: map[int32]bool{}}
	for _, t := range tasks {
		f.add(t)
	}
	return f
}

// add writes the files of t, as Linux shows them: a process at /proc/PID
// and /proc/PID/task/PID, a thread at /proc/TGID/task/TID and, hidden
// from the listing, /proc/TID.
func (f *fakeProc) add(t fakeTask) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t.tgid == 0 {
		t.tgid = t.pid
	}
	f.threads[t.pid] = t.pid != t.tgid
	var flags uint32
	if t.kthread {
		flags = pfKthread
	}
	if t.state == 0 {
		t.state = 'S'
	}
	stat := fmt.Sprintf("%d (%s) %c %d %d %d 0 -1 %d 0 0 0 0 0 0 0 0 20 0 1 0 %d 1000 10 0\n",
		t.pid, t.comm, t.state, t.ppid, t.tgid, t.tgid, flags, t.start)
	status := fmt.Sprintf("Name:\t%s\nTgid:\t%d\nPPid:\t%d\nUid:\t%d\t%d\t%d\t%d\n", t.comm, t.tgid, t.ppid, t.uid, t.euid, t.euid, t.euid)
	files := map[string]string{"stat": stat, "status": status, "comm": t.comm + "\n", "cmdline": t.cmdline}
	for name, s := range files {
		f.files[fmt.Sprintf("%d/task/%d/%s", t.tgid, t.pid, name)] = s
		f.files[fmt.Sprintf("%d/%s", t.pid, name)] = s
	}
}

// remove makes pid exit: a process with its threads.
func (f *fakeProc) remove(pid int32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := strconv.Itoa(int(pid)) + "/"
	for name := range f.files {
		if strings.HasPrefix(name, p) || strings.Contains(name, "/task/"+p) {
			delete(f.files, name)
		}
	}
}

func (f *fakeProc) readFile(name string, buf []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.files[name]
	if !ok {
		return buf, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return append(buf, s...), nil
}

// pids lists what Linux lists: processes in "", all threads of a process
// in "PID/task".
func (f *fakeProc) pids(dir string) ([]int32, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for name := range f.files {
		if dir == "" && !strings.Contains(name, "/task/") && strings.HasSuffix(name, "/stat") {
			if pid, _ := strconv.Atoi(strings.TrimSuffix(name, "/stat")); !f.threads[int32(pid)] {
				names = append(names, strings.TrimSuffix(name, "/stat"))
			}
		}
		if rest, ok := strings.CutPrefix(name, dir+"/"); ok && dir != "" && strings.HasSuffix(rest, "/stat") {
			names = append(names, strings.TrimSuffix(rest, "/stat"))
		}
	}
	slices.Sort(names)
	return parsePIDs(slices.Compact(names)), nil
}

// monoBase is the fake clock's CLOCK_MONOTONIC at the start of a test:
// 1000 s after boot, at wallBase.
const monoBase = int64(1000 * time.Second)

var wallBase = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// ticksAt is the /proc start time of a task started at the monotonic
// instant mono (the fake machine never slept).
func ticksAt(mono int64) uint64 { return uint64(mono / (1e9 / clockTicks)) }

// fakeClock is a clock that moves when told to.
type fakeClock struct{ mono atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.mono.Store(monoBase)
	return c
}

func (c *fakeClock) now() (int64, time.Time) {
	m := c.mono.Load()
	return m, wallBase.Add(time.Duration(m - monoBase))
}

func (c *fakeClock) bootOffset() int64 { return 0 }

func (c *fakeClock) advance(d time.Duration) { c.mono.Add(int64(d)) }

// at is the timestamp_ns of an event d after monoBase.
func at(d time.Duration) uint64 { return uint64(monoBase + int64(d)) }

// Events, as the kernel would send them, for the tests to feed.

func forkEv(ts uint64, cpu uint32, parent, child, childTGID int32) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.EventFork, CPU: cpu, TimestampNS: ts}
	ev.EventData.Fork = proc.ForkProcEvent{ParentPID: parent, ParentTGID: parent, ChildPID: child, ChildTGID: childTGID}
	return ev
}

func execEv(ts uint64, cpu uint32, pid int32) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.EventExec, CPU: cpu, TimestampNS: ts}
	ev.EventData.Exec = proc.ExecProcEvent{ProcessPID: pid, ProcessTGID: pid}
	return ev
}

func exitEv(ts uint64, cpu uint32, pid, tgid int32, code, signal uint32) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.EventExit, CPU: cpu, TimestampNS: ts}
	ev.EventData.Exit = proc.ExitProcEvent{ProcessPID: pid, ProcessTGID: tgid, ExitCode: code, ExitSignal: signal}
	return ev
}

func commEv(ts uint64, cpu uint32, pid, tgid int32, name string) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.EventComm, CPU: cpu, TimestampNS: ts}
	ev.EventData.Comm = proc.CommProcEvent{ProcessPID: pid, ProcessTGID: tgid, Comm: comm(name)}
	return ev
}

func uidEv(ts uint64, cpu uint32, pid int32, ruid, euid uint32) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.EventUID, CPU: cpu, TimestampNS: ts}
	ev.EventData.UID = proc.IDProcEvent{ProcessPID: pid, ProcessTGID: pid, R: idR(ruid), E: idE(euid)}
	return ev
}

func ptraceEv(ts uint64, cpu uint32, pid, tracer int32) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.EventPtrace, CPU: cpu, TimestampNS: ts}
	ev.EventData.Ptrace = proc.PtraceProcEvent{ProcessPID: pid, ProcessTGID: pid, TracerPID: tracer, TracerTGID: tracer}
	return ev
}

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

// feed hands the watcher ev as the Dispatcher would, numbered seq.
func feed(w *watcher, seq uint32, ev proc.ProcEvent) {
	w.Event(&cn.Request{Message: cn.Message{Msg: cn.Msg{Seq: seq}}}, &ev)
}

// direct makes a watcher with o on a fake /proc and clock, that is fed
// events by hand, started as watch starts it: its table loaded, the
// header printed.
func direct(o options, fp *fakeProc, clk *fakeClock) (w *watcher, out *strings.Builder) {
	out = &strings.Builder{}
	o.proc, o.clock, o.loc = fp, clk, time.UTC
	w = newWatcher(o, out, &strings.Builder{})
	w.stop = func() {}
	w.rs.start, _ = clk.now()
	w.tab.load()
	w.rs.end = w.rs.start
	w.p.header()
	return w, out
}

// lines is what w has written so far, a line each.
func lines(w *watcher, out *strings.Builder) []string {
	w.out.flush()
	s := strings.TrimSuffix(out.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
