package main

import (
	"strconv"
	"time"
)

// startSlack is how far apart two start times of one task may be: a
// fork event's timestamp is exact, /proc's start time is in clock ticks
// (10 ms), rounded down, and converted with an offset between clocks.
const startSlack = int64(25 * time.Millisecond)

// resyncResult is what a resync found: the tasks in /proc, those the
// table lacked (forks lost, or a pid used again), those it had that had
// exited, and those whose name or uid had changed unseen.
type resyncResult struct {
	tasks, added, gone, changed int
}

// load fills the table from /proc, at start.
func (t *table) load() {
	t.tasks = t.scan()
	t.markTree(nil)
}

// resync makes the table /proc's view again, after events were lost:
// tasks that exited meanwhile are dropped (kept aside in gone, for their
// exit events still queued), new ones are added, and names and uids are
// read again. Tasks it knew keep their start time, which a fork event
// gave more precisely, and their place in the -p subtree.
func (t *table) resync() resyncResult {
	fresh := t.scan()
	r := resyncResult{tasks: len(fresh)}
	kept := make(map[int32]bool, len(fresh))
	t.gone = make(map[int32]*task)
	for pid, old := range t.tasks {
		f := fresh[pid]
		if f == nil || !sameTask(old, f) {
			t.gone[pid] = old
			r.gone++
			continue
		}
		if f.comm != old.comm || f.cmdline != old.cmdline || f.uid != old.uid || f.euid != old.euid {
			r.changed++
		}
		f.start, f.inTree, f.fromProc = old.start, old.inTree, old.fromProc
		kept[pid] = true
	}
	r.added = len(fresh) - len(kept)
	t.tasks = fresh
	t.markTree(kept)
	return r
}

// sameTask reports whether f, read from /proc, is the task old and not
// a new one that got its pid.
func sameTask(old, f *task) bool {
	if old.tgid != f.tgid {
		return false
	}
	d := old.start - f.start
	return old.start == 0 || -startSlack <= d && d <= startSlack
}

// scan reads every process and thread in /proc that has not exited: a
// zombie's exit event was sent. The threads of a process whose main
// thread has exited live on, and are read.
func (t *table) scan() map[int32]*task {
	pids, _ := t.fs.pids("")
	off := t.clock.bootOffset()
	fresh := make(map[int32]*task, len(pids))
	for _, pid := range pids {
		dir := strconv.Itoa(int(pid))
		p := &task{pid: pid, tgid: pid, fromProc: true}
		ok, exited := t.readStat(p, dir, off)
		if !ok {
			continue // gone meanwhile
		}
		t.readUIDs(p, dir)
		if t.cmdline {
			t.readCmdline(p, dir)
		}
		if !exited {
			fresh[pid] = p
		}
		t.scanThreads(fresh, p, dir, off)
	}
	return fresh
}

// scanThreads adds the threads of p but its main one, which share its
// command line and, as far as procwatch cares, its uids.
func (t *table) scanThreads(fresh map[int32]*task, p *task, dir string, off int64) {
	tids, _ := t.fs.pids(dir + "/task")
	for _, tid := range tids {
		if tid == p.pid {
			continue
		}
		th := &task{pid: tid, tgid: p.pid, fromProc: true, cmdline: p.cmdline, uid: p.uid, euid: p.euid, uidKnown: p.uidKnown}
		if ok, exited := t.readStat(th, dir+"/task/"+strconv.Itoa(int(tid)), off); ok && !exited {
			th.ppid = p.ppid
			fresh[tid] = th
		}
	}
}

// markTree decides, for -p, which tasks not in kept descend from the
// root, by /proc's chain of parents. Those in kept keep what the table
// knew: an orphan, reparented to init, stays in the subtree it was
// forked in.
func (t *table) markTree(kept map[int32]bool) {
	if t.root == 0 {
		return
	}
	for pid, x := range t.tasks {
		if !kept[pid] {
			x.inTree = t.descends(x, kept)
		}
	}
}

// descends walks up from x's process to the root, a task whose place is
// known (in kept), or the top.
func (t *table) descends(x *task, kept map[int32]bool) bool {
	p := x.tgid
	for range 1 << 12 { // /proc read while it changed might hold a loop
		if p == t.root {
			return true
		}
		y := t.tasks[p]
		switch {
		case y == nil || p <= 1:
			return false
		case kept[p]:
			return y.inTree
		}
		p = y.ppid
	}
	return false
}

// A scan of /proc takes a while (a few ms for a few hundred tasks, more
// under load) during which no event is read: resyncing at every loss
// would make a flood of losses worse. So a resync waits, after the end of
// the last, at least minResyncGap and ten times as long as that one
// took, which keeps scanning to a tenth of the time; but never more than
// maxResyncGap, so that the table is right again soon.
const (
	minResyncGap = int64(100 * time.Millisecond)
	maxResyncGap = int64(time.Second)
)

// resyncState schedules the resyncs of the table from /proc.
type resyncState struct {
	pending    bool  // events were lost after the last scan began
	start, end int64 // CLOCK_MONOTONIC when the last scan began and ended
	count      int   // resyncs so far, the load at start not counted
}

// lossAt notes that events were lost, the last of them at or before the
// monotonic instant ts. Those lost before the last scan began need no
// other: /proc showed what they did.
func (w *watcher) lossAt(ts int64) {
	if ts >= w.rs.start {
		w.rs.pending = true
	}
}

// maybeResync resyncs the table if events were lost since the last scan
// and the gap since it is long enough; else a later event will. Events
// the socket still holds from before the scan are then applied on top:
// each sets what it says as of when it happened, and later ones follow,
// so the table ends up right.
func (w *watcher) maybeResync(mono int64, now time.Time) {
	gap := min(max(minResyncGap, 10*(w.rs.end-w.rs.start)), maxResyncGap)
	if !w.rs.pending || mono-w.rs.end < gap {
		return
	}
	w.rs.pending, w.rs.start = false, mono
	r := w.tab.resync()
	w.rs.end, _ = w.clock.now()
	w.rs.count++
	w.check(w.p.resync(now, r))
}
