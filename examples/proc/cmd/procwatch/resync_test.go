package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestResync: a gap in the numbers makes the table resync from /proc,
// which had changed unseen: a process exited (101), one was forked (104),
// one was renamed (100), a pid was used again (102), and a task forked
// before had exec'd (103). Events queued from before the resync still
// find the old tasks: the exits of 101 and of the first 102 are printed
// with their names and lifetimes, and the second 102 stays.
func TestResync(t *testing.T) {
	fp := newFakeProc(initTask, shTask,
		fakeTask{pid: 101, ppid: 100, comm: "sleep", start: ticksAt(monoBase - int64(time.Second))},
		fakeTask{pid: 102, ppid: 100, comm: "sleep", start: ticksAt(monoBase - int64(time.Second))})
	clk := newFakeClock()
	w, out := direct(options{}, fp, clk)
	feed(w, 1, forkEv(at(1*ms), 0, 100, 103, 103))
	fp.remove(101)
	fp.remove(102)
	fp.add(fakeTask{pid: 102, ppid: 1, comm: "new", start: ticksAt(monoBase + int64(500*ms))})
	fp.add(fakeTask{pid: 103, ppid: 100, comm: "ls", uid: 1000, euid: 1000, start: ticksAt(monoBase + int64(1*ms))})
	fp.add(fakeTask{pid: 104, ppid: 1, comm: "cron", start: ticksAt(monoBase + int64(600*ms))})
	fp.add(fakeTask{pid: 100, ppid: 1, comm: "bash", uid: 1000, euid: 1000, start: shTask.start})
	clk.advance(time.Second)
	feed(w, 5, execEv(at(4*ms), 0, 103)) // 2, 3, 4 lost
	feed(w, 6, exitEv(at(5*ms), 0, 101, 101, 0, 17))
	feed(w, 7, exitEv(at(6*ms), 0, 102, 102, 9, 17))
	want := []string{
		header,
		row(hms(1*ms), 0, "fork", "103", "1000", "1000", "parent=100", "sh"),
		hms(4*ms) + " lost 3 events on cpu 0",
		hms(time.Second) + " resync: 5 tasks in /proc, 2 added, 2 gone, 2 changed",
		row(hms(4*ms), 0, "exec", "103", "1000", "1000", "", "ls"),
		row(hms(5*ms), 0, "exit", "101", "0", "0", "code=0 lifetime=1.005s", "sleep"),
		row(hms(6*ms), 0, "exit", "102", "0", "0", "signal=9 (killed) lifetime=1.006s", "sleep"),
	}
	if diff := cmp.Diff(want, lines(w, out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1 init", "100 bash", "102 new", "103 ls", "104 cron"}, slicesOf(w.tab)); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if len(w.tab.gone) != 0 {
		t.Errorf("gone still holds %d tasks after their exits", len(w.tab.gone))
	}
	if w.tab.tasks[103].start != int64(at(1*ms)) {
		t.Errorf("103 started at %d after the resync, want the fork's %d", w.tab.tasks[103].start, at(1*ms))
	}
}

// TestResyncTree: a process the resync finds below the -p root, whose
// fork was lost, is in the subtree; one elsewhere is not.
func TestResyncTree(t *testing.T) {
	fp := newFakeProc(initTask, shTask)
	clk := newFakeClock()
	w, _ := direct(options{root: 100}, fp, clk)
	fp.add(fakeTask{pid: 101, ppid: 100, comm: "make"})
	fp.add(fakeTask{pid: 102, ppid: 101, comm: "cc"})
	fp.add(fakeTask{pid: 103, ppid: 102, tgid: 102, comm: "cc"})
	fp.add(fakeTask{pid: 200, ppid: 1, comm: "cron"})
	clk.advance(time.Second)
	feed(w, 1, execEv(at(time.Second), 0, 1))
	feed(w, 3, execEv(at(time.Second), 0, 1))
	got := map[int32]bool{}
	for pid, x := range w.tab.tasks {
		got[pid] = x.inTree
	}
	want := map[int32]bool{1: false, 100: true, 101: true, 102: true, 103: true, 200: false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inTree (-want +got):\n%s", diff)
	}
}

// TestScanZombies: the table holds no zombies, whose exit events were
// sent, but the live threads of a process whose main thread exited.
func TestScanZombies(t *testing.T) {
	fp := newFakeProc(initTask,
		fakeTask{pid: 300, ppid: 1, comm: "app", state: 'Z'},
		fakeTask{pid: 301, tgid: 300, ppid: 1, comm: "app"},
		fakeTask{pid: 400, ppid: 1, comm: "sh", state: 'Z'})
	w, _ := direct(options{}, fp, newFakeClock())
	if diff := cmp.Diff([]string{"1 init", "301 app"}, slicesOf(w.tab)); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

// TestResyncSchedule: losses older than the last scan need no resync;
// others make one, as soon as the gap since the last scan allows.
func TestResyncSchedule(t *testing.T) {
	sec := int64(time.Second)
	tests := []struct {
		name       string
		start, end int64 // the last scan
		loss       int64 // when the lost events were
		now        int64
		wantResync bool
		wantLater  bool // a resync still pending
	}{
		{"loss before the scan", 10 * sec, 10*sec + 1000, 10*sec - 1, 20 * sec, false, false},
		{"loss after the scan", 10 * sec, 10*sec + 1000, 10 * sec, 20 * sec, true, false},
		{"too soon", 10 * sec, 10*sec + 1000, 10 * sec, 10*sec + 1000 + minResyncGap - 1, false, true},
		{"soon enough", 10 * sec, 10*sec + 1000, 10 * sec, 10*sec + 1000 + minResyncGap, true, false},
		{"a slow scan waits ten times longer", 10 * sec, 10*sec + sec/20, 10*sec + sec/20, 10*sec + sec/20 + sec/2 - 1, false, true},
		{"a slow scan, then", 10 * sec, 10*sec + sec/20, 10*sec + sec/20, 10*sec + sec/20 + sec/2, true, false},
		{"a very slow scan waits a second", 10 * sec, 12 * sec, 12 * sec, 13*sec - 1, false, true},
		{"a very slow scan, then", 10 * sec, 12 * sec, 12 * sec, 13 * sec, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := direct(options{}, newFakeProc(initTask), newFakeClock())
			w.rs.start, w.rs.end = tt.start, tt.end
			w.lossAt(tt.loss)
			w.maybeResync(tt.now, wallBase)
			if got := w.rs.count == 1; got != tt.wantResync {
				t.Errorf("resynced %v, want %v", got, tt.wantResync)
			}
			if w.rs.pending != tt.wantLater {
				t.Errorf("pending %v, want %v", w.rs.pending, tt.wantLater)
			}
		})
	}
}
