package main

import (
	"strconv"
	"time"

	"github.com/cngen/cngen/examples/proc"
)

// kthreadd is the pid of the kernel's thread creator, the parent of every
// kernel thread.
const kthreadd = 2

// task is what the table knows of one task: a process (pid == tgid) or a
// thread of one.
type task struct {
	pid, tgid int32
	ppid      int32  // the parent process: parent_tgid of the fork, or PPid
	comm      string // "" when unknown
	cmdline   string // with -c only; "" for kernel threads and zombies
	uid, euid uint32
	uidKnown  bool
	kthread   bool
	start     int64 // CLOCK_MONOTONIC of the fork, in ns; 0 when unknown
	inTree    bool  // -p: the root process, or forked from its subtree
	stale     bool  // the comm may have changed silently: read /proc when shown
	fromProc  bool  // learned from /proc rather than from its fork event
}

// table is the live process table, kept from the events and, at start
// and after a loss, from /proc. It runs on the Dispatcher's goroutine,
// like the watcher that owns it.
type table struct {
	fs      procFS
	clock   clock
	cmdline bool  // -c: keep each process's command line
	root    int32 // -p: the root of the subtree; 0 for none
	tasks   map[int32]*task
	// gone holds the tasks the last resync found exited: their exit
	// events, still queued, find their names there.
	gone map[int32]*task
	buf  []byte // file contents, reused
}

func newTable(fs procFS, c clock, cmdline bool, root int32) *table {
	return &table{fs: fs, clock: c, cmdline: cmdline, root: root, tasks: map[int32]*task{}, gone: map[int32]*task{}}
}

// apply updates the table with ev, of kind k, and returns the task the
// event is about as it is after the event (for an exit, the task just
// removed); nil for an ack or an event of unknown kind.
func (t *table) apply(ev *proc.ProcEvent, k kind) *task {
	d, ts := &ev.EventData, int64(ev.TimestampNS)
	switch k {
	case kindFork, kindClone:
		return t.fork(&d.Fork, ts)
	case kindExec:
		return t.exec(d.Exec.ProcessPID, d.Exec.ProcessTGID, ts)
	case kindUID:
		x := t.lookup(d.UID.ProcessPID, d.UID.ProcessTGID, ts)
		x.uid, x.euid, x.uidKnown = d.UID.R.Ruid(), d.UID.E.Euid(), true
		return x
	case kindComm:
		x := t.lookup(d.Comm.ProcessPID, d.Comm.ProcessTGID, ts)
		x.comm, x.stale = d.Comm.Comm.String(), false
		return x
	case kindExit:
		return t.exit(d.Exit.ProcessPID, d.Exit.ProcessTGID, ts)
	case kindGID:
		return t.lookup(d.GID.ProcessPID, d.GID.ProcessTGID, ts)
	case kindSID:
		return t.lookup(d.SID.ProcessPID, d.SID.ProcessTGID, ts)
	case kindPtrace:
		return t.lookup(d.Ptrace.ProcessPID, d.Ptrace.ProcessTGID, ts)
	case kindCoredump:
		return t.lookup(d.Coredump.ProcessPID, d.Coredump.ProcessTGID, ts)
	}
	return nil
}

// fork adds the child of f, forked at ts.
func (t *table) fork(f *proc.ForkProcEvent, ts int64) *task {
	// A thread's event names its process's parent, not its creator: the
	// creator's process is the best guess of where it came from.
	src := t.tasks[f.ChildTGID]
	if f.ChildPID == f.ChildTGID {
		if src = t.tasks[f.ParentPID]; src == nil {
			src = t.tasks[f.ParentTGID]
		}
	}
	c := t.child(f, src)
	c.pid, c.tgid, c.ppid, c.start, c.fromProc = f.ChildPID, f.ChildTGID, f.ParentTGID, ts, false
	c.inTree = c.inTree || c.tgid == t.root || src != nil && src.inTree
	t.tasks[c.pid] = c
	return c
}

// child is the new task of a fork from src (nil if unknown). A child is
// its parent's copy (name, command line, uids) until it execs, so /proc
// is read only when the parent is unknown or a kernel thread: the
// children of kthreadd are kernel threads, named once created, and those
// of other kernel threads are user-mode helpers, about to exec.
func (t *table) child(f *proc.ForkProcEvent, src *task) *task {
	if src != nil && !src.kthread {
		return &task{comm: src.comm, cmdline: src.cmdline, uid: src.uid, euid: src.euid, uidKnown: src.uidKnown}
	}
	c := t.read(f.ChildPID, f.ChildTGID)
	if src == nil {
		return c
	}
	if c.comm == "" { // exited already
		c.comm, c.kthread = src.comm, f.ParentTGID == kthreadd
	}
	c.stale = c.stale || c.comm == src.comm // not named yet: look again when shown
	return c
}

// exec renames the task after the program it runs now. When the task has
// exited already, /proc has nothing to say: the name is unknown then,
// rather than the old one, which would say the wrong program ran.
func (t *table) exec(pid, tgid int32, ts int64) *task {
	x, gone := t.find(pid, ts)
	if x == nil {
		return t.lookup(pid, tgid, ts) // read from /proc: the new name
	}
	if !gone && !t.readName(x) {
		x.comm, x.cmdline = "", ""
	}
	return x
}

// exit removes the task and returns it. A task unknown to the table may
// still be a zombie in /proc, with its name.
func (t *table) exit(pid, tgid int32, ts int64) *task {
	x, gone := t.find(pid, ts)
	switch {
	case x == nil:
		return t.read(pid, tgid)
	case gone:
		delete(t.gone, pid)
	default:
		delete(t.tasks, pid)
	}
	return x
}

// lookup returns the task, adding it from /proc when the table does not
// know it: a task seen first.
func (t *table) lookup(pid, tgid int32, ts int64) *task {
	if x, _ := t.find(pid, ts); x != nil {
		return x
	}
	x := t.read(pid, tgid)
	t.tasks[pid] = x
	return x
}

// find returns the task pid that an event at ts is about: the table's,
// unless the last resync found that one with this pid had exited and the
// table's started after ts: the event, queued from before the resync,
// is the old one's.
func (t *table) find(pid int32, ts int64) (x *task, gone bool) {
	x = t.tasks[pid]
	if g := t.gone[pid]; g != nil && (x == nil || ts < x.start-int64(time.Millisecond)) {
		return g, true
	}
	return x, false
}

// read learns a task from /proc; what /proc cannot tell (the task has
// exited) stays unknown, and a name is looked for again when the task is
// shown.
func (t *table) read(pid, tgid int32) *task {
	x := &task{pid: pid, tgid: tgid, fromProc: true}
	dir := strconv.Itoa(int(pid))
	if ok, _ := t.readStat(x, dir, t.clock.bootOffset()); !ok {
		x.stale = true
		return x
	}
	t.readUIDs(x, dir)
	if t.cmdline {
		t.readCmdline(x, dir)
	}
	x.inTree = t.inTree(x)
	return x
}

// readName reads the comm (and with -c the command line) of x again,
// and reports whether it could.
func (t *table) readName(x *task) bool {
	dir := strconv.Itoa(int(x.pid))
	b, err := t.fs.readFile(dir+"/comm", t.buf[:0])
	t.buf = b
	if err != nil || len(b) == 0 {
		return false
	}
	x.comm, x.stale = string(trimNewline(b)), false
	if t.cmdline {
		t.readCmdline(x, dir)
	}
	return true
}

// refresh reads a stale task's name again, before it is shown.
func (t *table) refresh(x *task) {
	if x.stale {
		old := x.comm
		t.readName(x)
		x.stale = x.comm == old // a kernel thread not named yet
	}
}

// readStat fills x from dir/stat, and reports whether there was one
// and whether the task has exited (a zombie, still in /proc).
func (t *table) readStat(x *task, dir string, bootOff int64) (ok, exited bool) {
	b, err := t.fs.readFile(dir+"/stat", t.buf[:0])
	t.buf = b
	if err != nil {
		return false, false
	}
	s, err := parseStat(b)
	if err != nil {
		return false, false
	}
	x.comm, x.ppid, x.kthread = s.comm, s.ppid, s.flags&pfKthread != 0
	x.start = max(int64(s.start)*(1e9/clockTicks)-bootOff, 1)
	return true, s.exited()
}

func (t *table) readUIDs(x *task, dir string) {
	b, err := t.fs.readFile(dir+"/status", t.buf[:0])
	t.buf = b
	if err == nil {
		x.uid, x.euid, x.uidKnown = parseUIDs(b)
	}
}

func (t *table) readCmdline(x *task, dir string) {
	b, err := t.fs.readFile(dir+"/cmdline", t.buf[:0])
	t.buf = b
	x.cmdline = ""
	if err == nil {
		x.cmdline = cmdlineString(b)
	}
}

// inTree reports whether x, read from /proc, descends from the -p root
// by its chain of parents in the table.
func (t *table) inTree(x *task) bool {
	if t.root == 0 {
		return false
	}
	if x.tgid == t.root || x.ppid == t.root {
		return true
	}
	p := t.tasks[x.ppid]
	return p != nil && p.inTree
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return b[:n-1]
	}
	return b
}
