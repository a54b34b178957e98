package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// statsSteps: sh forks twice, one child execs true, both exit; a
// comm change and a clone in another process.
var statsSteps = []step{
	{ev: forkEv(at(1*ms), 0, 100, 101, 101)},
	{ev: forkEv(at(2*ms), 0, 100, 102, 102)},
	{add: []fakeTask{{pid: 102, ppid: 100, comm: "true"}}, ev: execEv(at(3*ms), 0, 102)},
	{ev: exitEv(at(4*ms), 0, 102, 102, 0, 17)},
	{ev: exitEv(at(5*ms), 0, 101, 101, 0, 17)},
	{ev: forkEv(at(6*ms), 0, 1, 201, 200)},
	{ev: commEv(at(7*ms), 0, 200, 200, "app")},
}

// TestStats: -S counts the events shown per name, the busiest first,
// in a table after the events, or as JSON lines; -q prints the table
// alone.
func TestStats(t *testing.T) {
	procs := []fakeTask{initTask, shTask, {pid: 200, ppid: 1, comm: "app"}}
	text := []string{
		"",
		"    Fork     Exec     Exit Coredump     Comm    Clone   Ptrace      Uid      Gid      Sid    Total Process",
		"       2        0        1        0        0        0        0        0        0        0        3 sh",
		"       0        0        0        0        1        1        0        0        0        0        2 app",
		"       0        1        1        0        0        0        0        0        0        0        2 true",
	}
	tests := []struct {
		name string
		o    options
		want []string
	}{
		{"text", options{stats: true}, text},
		{"quiet", options{quiet: true}, text},
		{"json", options{stats: true, json: true}, []string{
			`{"what":"stats","name":"sh","fork":2,"exec":0,"exit":1,"coredump":0,"comm":0,"clone":0,"ptrace":0,"uid":0,"gid":0,"sid":0,"total":3}`,
			`{"what":"stats","name":"app","fork":0,"exec":0,"exit":0,"coredump":0,"comm":1,"clone":1,"ptrace":0,"uid":0,"gid":0,"sid":0,"total":2}`,
			`{"what":"stats","name":"true","fork":0,"exec":1,"exit":1,"coredump":0,"comm":0,"clone":0,"ptrace":0,"uid":0,"gid":0,"sid":0,"total":2}`,
		}},
		{"filtered", options{stats: true, show: selection{kinds: 1 << kindExit}}, []string{
			"",
			"    Fork     Exec     Exit Coredump     Comm    Clone   Ptrace      Uid      Gid      Sid    Total Process",
			"       0        0        1        0        0        0        0        0        0        0        1 sh",
			"       0        0        1        0        0        0        0        0        0        0        1 true",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, out := stepsWatcher(tt.o, procs, statsSteps)
			w.check(w.p.printStats(w.stats))
			got := lines(w, out)
			if !tt.o.quiet {
				got = got[max(len(got)-len(tt.want), 0):]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
