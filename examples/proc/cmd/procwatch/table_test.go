package main

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
)

// step is an event fed to a watcher, after /proc changed as it says.
type step struct {
	add    []fakeTask // to /proc, before the event
	remove []int32    // from /proc, before the event
	ev     proc.ProcEvent
}

// runSteps feeds the steps to a watcher with o on /proc procs, and
// returns its lines, the header left out.
func runSteps(t *testing.T, o options, procs []fakeTask, steps []step) (*watcher, []string) {
	t.Helper()
	w, out := stepsWatcher(o, procs, steps)
	got := lines(w, out)
	if !o.json && !o.quiet && len(got) > 0 {
		got = got[1:]
	}
	return w, got
}

// stepsWatcher feeds the steps to a watcher with o on /proc procs,
// numbering the events of each cpu 1, 2, 3…, and returns it with its
// output.
func stepsWatcher(o options, procs []fakeTask, steps []step) (*watcher, *strings.Builder) {
	fp := newFakeProc(procs...)
	w, out := direct(o, fp, newFakeClock())
	seq := map[uint32]uint32{}
	for _, s := range steps {
		for _, x := range s.add {
			fp.add(x)
		}
		for _, pid := range s.remove {
			fp.remove(pid)
		}
		seq[s.ev.CPU]++
		feed(w, seq[s.ev.CPU], s.ev)
	}
	return w, out
}

const ms = time.Millisecond

// Tasks of the made-up machine: init, a shell of uid 1000 started 2 s
// before the tests' events, kthreadd and a kernel worker.
var (
	initTask     = fakeTask{pid: 1, comm: "init", cmdline: "/sbin/init\x00"}
	shTask       = fakeTask{pid: 100, ppid: 1, comm: "sh", cmdline: "sh\x00-c\x00make\x00", uid: 1000, euid: 1000, start: ticksAt(monoBase - int64(2*time.Second))}
	kthreaddTask = fakeTask{pid: 2, comm: "kthreadd", kthread: true}
	kworker      = fakeTask{pid: 50, ppid: 2, comm: "kworker/u4:1", kthread: true}
)

// tableTests are event sequences and the lines they make.
var tableTests = []struct {
	name  string
	o     options
	procs []fakeTask
	steps []step
	want  []string
}{{
	name:  "fork exec exit",
	procs: []fakeTask{initTask, shTask},
	steps: []step{
		{ev: forkEv(at(1*ms), 0, 100, 101, 101)},
		{add: []fakeTask{{pid: 101, ppid: 100, comm: "true", uid: 1000, euid: 1000}}, ev: execEv(at(2*ms), 1, 101)},
		{remove: []int32{101}, ev: exitEv(at(5*ms), 1, 101, 101, 3<<8, 17)},
		{ev: exitEv(at(10*ms), 0, 100, 100, 0, 17)},
	},
	want: []string{
		row(hms(1*ms), 0, "fork", "101", "1000", "1000", "parent=100", "sh"),
		row(hms(2*ms), 1, "exec", "101", "1000", "1000", "", "true"),
		row(hms(5*ms), 1, "exit", "101", "1000", "1000", "code=3 lifetime=4ms", "true"),
		row(hms(10*ms), 0, "exit", "100", "1000", "1000", "code=0 lifetime=2.01s", "sh"),
	},
}, {
	name:  "exec of a process gone already",
	procs: []fakeTask{initTask, shTask},
	steps: []step{
		{ev: forkEv(at(1*ms), 0, 100, 101, 101)},
		{ev: execEv(at(2*ms), 0, 101)},
		{ev: exitEv(at(3*ms), 0, 101, 101, 0, 17)},
	},
	want: []string{
		row(hms(1*ms), 0, "fork", "101", "1000", "1000", "parent=100", "sh"),
		row(hms(2*ms), 0, "exec", "101", "1000", "1000", "", "?"), // not sh
		row(hms(3*ms), 0, "exit", "101", "1000", "1000", "code=0 lifetime=2ms", "?"),
	},
}, {
	name:  "command lines",
	o:     options{cmdline: true},
	procs: []fakeTask{initTask, shTask},
	steps: []step{
		{ev: forkEv(at(1*ms), 0, 100, 101, 101)},
		{add: []fakeTask{{pid: 101, ppid: 100, comm: "make", cmdline: "make\x00-j4\x00"}}, ev: execEv(at(2*ms), 0, 101)},
		{remove: []int32{101}, ev: exitEv(at(3*ms), 0, 101, 101, 0, 17)},
	},
	want: []string{
		row(hms(1*ms), 0, "fork", "101", "1000", "1000", "parent=100", "sh -c make"),
		row(hms(2*ms), 0, "exec", "101", "1000", "1000", "", "make -j4"),
		row(hms(3*ms), 0, "exit", "101", "1000", "1000", "code=0 lifetime=2ms", "make -j4"),
	},
}, {
	name:  "threads",
	procs: []fakeTask{initTask, {pid: 200, ppid: 1, comm: "app"}},
	steps: []step{
		{ev: forkEv(at(1*ms), 0, 1, 201, 200)},
		{ev: commEv(at(2*ms), 0, 201, 200, "worker")},
		{ev: exitEv(at(9*ms), 0, 201, 200, 0, ^uint32(0))},
	},
	want: []string{
		row(hms(1*ms), 0, "clone", "201", "0", "0", "tgid=200", "app"),
		row(hms(2*ms), 0, "comm", "201", "0", "0", `comm="worker"`, "worker"),
		row(hms(9*ms), 0, "exit", "201", "0", "0", "code=0 exit_signal=-1 lifetime=8ms", "worker"),
	},
}, {
	name:  "uids",
	procs: []fakeTask{initTask, shTask},
	steps: []step{
		{ev: uidEv(at(1*ms), 0, 100, 0, 0)},
		{ev: forkEv(at(2*ms), 0, 100, 101, 101)},
		{add: []fakeTask{{pid: 500, ppid: 1, comm: "daemon", uid: 7, euid: 8}}, ev: uidEv(at(3*ms), 0, 500, 7, 9)},
	},
	want: []string{
		row(hms(1*ms), 0, "uid", "100", "0", "0", "ruid=0 euid=0", "sh"),
		row(hms(2*ms), 0, "fork", "101", "0", "0", "parent=100", "sh"),
		row(hms(3*ms), 0, "uid", "500", "7", "9", "ruid=7 euid=9", "daemon"),
	},
}, {
	name:  "seen first",
	procs: []fakeTask{initTask},
	steps: []step{
		{add: []fakeTask{{pid: 500, ppid: 1, comm: "daemon", uid: 7, euid: 8, start: ticksAt(monoBase - int64(time.Minute))}}, ev: exitEv(at(0), 0, 500, 500, 0, 17)},
		{ev: execEv(at(1*ms), 0, 999)},
	},
	want: []string{
		row(hms(0), 0, "exit", "500", "7", "8", "code=0 lifetime=1m0s", "daemon"),
		row(hms(1*ms), 0, "exec", "999", "-", "-", "", "?"),
	},
}, {
	name:  "kernel threads",
	procs: []fakeTask{initTask, kthreaddTask, kworker},
	steps: []step{
		{add: []fakeTask{{pid: 60, ppid: 2, comm: "kworker/0:2", kthread: true}}, ev: forkEv(at(1*ms), 0, 2, 60, 60)},
		{add: []fakeTask{{pid: 61, ppid: 50, comm: "kworker/u4:1"}}, ev: forkEv(at(2*ms), 0, 50, 61, 61)},
		{add: []fakeTask{{pid: 61, ppid: 50, comm: "modprobe"}}, ev: execEv(at(3*ms), 0, 61)},
	},
	want: []string{
		row(hms(1*ms), 0, "fork", "60", "0", "0", "parent=2", "[kworker/0:2]"),
		row(hms(2*ms), 0, "fork", "61", "0", "0", "parent=50", "kworker/u4:1"),
		row(hms(3*ms), 0, "exec", "61", "0", "0", "", "modprobe"),
	},
}, {
	name:  "ptrace",
	procs: []fakeTask{initTask, shTask},
	steps: []step{
		{ev: ptraceEv(at(1*ms), 0, 100, 1)},
		{ev: ptraceEv(at(2*ms), 0, 100, 0)},
	},
	want: []string{
		row(hms(1*ms), 0, "ptrace attach", "100", "1000", "1000", "tracer=1", "sh"),
		row(hms(2*ms), 0, "ptrace detach", "100", "1000", "1000", "", "sh"),
	},
}}

// TestTableEvents: what the table makes of the events, as the lines
// show it: names inherited on fork and read on exec, comm events,
// lifetimes from the fork or from /proc's start time, uids from events
// and from /proc for a task seen first, clones and threads' exits, kernel
// threads in brackets, ptrace directions, and tasks nobody knows.
func TestTableEvents(t *testing.T) {
	for _, tt := range tableTests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := runSteps(t, tt.o, tt.procs, tt.steps)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestFilters: -e, -p and -comm choose the lines; the table learns from
// every event all the same (the exec of 103, not shown, names its exit).
func TestFilters(t *testing.T) {
	procs := []fakeTask{initTask, shTask, {pid: 300, ppid: 1, comm: "cron"}}
	steps := []step{
		{ev: forkEv(at(1*ms), 0, 100, 101, 101)},
		{ev: forkEv(at(2*ms), 0, 101, 102, 102)},
		{ev: forkEv(at(3*ms), 0, 300, 103, 103)},
		{ev: forkEv(at(4*ms), 0, 1, 104, 100)},
		{add: []fakeTask{{pid: 103, ppid: 300, comm: "worker"}}, ev: execEv(at(5*ms), 0, 103)},
		{ev: exitEv(at(6*ms), 0, 102, 102, 1<<8, 17)},
		{ev: exitEv(at(7*ms), 0, 101, 101, 0, 17)},
		{ev: exitEv(at(8*ms), 0, 103, 103, 0, 17)},
	}
	all := []string{"fork 101", "fork 102", "fork 103", "clone 104", "exec 103", "exit 102", "exit 101", "exit 103"}
	tests := []struct {
		name string
		o    options
		want []string
	}{
		{"all", options{}, all},
		{"-e exit,clone", options{show: selection{kinds: 1<<kindExit | 1<<kindClone}}, []string{"clone 104", "exit 102", "exit 101", "exit 103"}},
		{"-e nonzero_exit", options{show: selection{nonzeroExit: true}}, []string{"exit 102"}},
		{"-p 100", options{root: 100}, []string{"fork 101", "fork 102", "clone 104", "exit 102", "exit 101"}},
		{"-p 101", options{root: 101}, []string{"fork 101", "fork 102", "exit 102", "exit 101"}}, // 101 is the root: its fork is about it
		{"-comm", options{comm: regexp.MustCompile("^wor")}, []string{"exec 103", "exit 103"}},
		{"-p -e -comm", options{root: 100, show: selection{kinds: 1 << kindExit}, comm: regexp.MustCompile("sh")}, []string{"exit 102", "exit 101"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, out := runSteps(t, tt.o, procs, steps)
			var got []string
			for _, f := range eventLines(strings.Join(out, "\n")) {
				got = append(got, f[2]+" "+f[3])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// slicesOf lists the table's tasks as "pid comm", by pid.
func slicesOf(tab *table) []string {
	var s []string
	for _, pid := range slices.Sorted(maps.Keys(tab.tasks)) {
		s = append(s, fmt.Sprintf("%d %s", pid, tab.tasks[pid].comm))
	}
	return s
}

func TestParseSelection(t *testing.T) {
	tests := []struct {
		list    string
		want    selection
		wantErr bool
	}{
		{list: "", want: allKinds},
		{list: "all", want: allKinds},
		{list: "fork, clone", want: selection{kinds: 1<<kindFork | 1<<kindClone}},
		{list: "core,ptrce,nonzeroexit", want: selection{kinds: 1<<kindCoredump | 1<<kindPtrace, nonzeroExit: true}},
		{list: "exit,nonzero_exit", want: selection{kinds: 1 << kindExit, nonzeroExit: true}},
		{list: "ack", wantErr: true},
		{list: "other", wantErr: true},
		{list: "fork,", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			got, err := parseSelection(tt.list)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseSelection(%q) = %+v, %v; want %+v, error %v", tt.list, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
