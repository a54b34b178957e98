package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
)

// row is a line of text as the columns say it should look, written with
// fmt as a check on the printer's own padding.
func row(clock string, cpu int, event, pid, uid, euid, info, name string) string {
	s := fmt.Sprintf("%s %3d %-13s %7s %6s %6s %-26s %s", clock, cpu, event, pid, uid, euid, info, name)
	if name == "" {
		s = strings.TrimRight(s, " ")
	}
	return s
}

// header is the text's first line.
var header = fmt.Sprintf("%-12s %3s %-13s %7s %6s %6s %-26s %s", "TIME", "CPU", "EVENT", "PID", "UID", "EUID", "INFO", "PROCESS")

var sh = &task{pid: 1240, tgid: 1240, ppid: 1234, comm: "sh", cmdline: "sh -c exit 3", uid: 1000, euid: 0, uidKnown: true}

var printTests = []struct {
	name string
	l    line
	text string
	json string
}{
	{
		name: "ack",
		l:    line{ev: &proc.ProcEvent{What: proc.EventNone, CPU: 1, TimestampNS: 5, EventData: proc.EventData{None: proc.EventDataNone{Err: 22}}}},
		text: "03:04:05.000   1 ack                 -      -      - err=22 (invalid argument)",
		json: `{"what":"none","time":"2026-01-02T03:04:05Z","cpu":1,"timestamp_ns":5,"err":22}`,
	},
	{
		name: "fork",
		l: line{ev: &proc.ProcEvent{What: proc.EventFork, CPU: 1, TimestampNS: 7, EventData: proc.EventData{
			Fork: proc.ForkProcEvent{ParentPID: 1234, ParentTGID: 1234, ChildPID: 1240, ChildTGID: 1240},
		}}, task: sh},
		text: "03:04:05.000   1 fork             1240   1000      0 parent=1234                sh",
		json: `{"what":"fork","time":"2026-01-02T03:04:05Z","cpu":1,"timestamp_ns":7,"parent_pid":1234,"parent_tgid":1234,"child_pid":1240,"child_tgid":1240,"name":"sh","uid":1000,"euid":0}`,
	},
	{
		name: "fork from a thread",
		l: line{ev: &proc.ProcEvent{What: proc.EventFork, EventData: proc.EventData{
			Fork: proc.ForkProcEvent{ParentPID: 1236, ParentTGID: 1234, ChildPID: 1240, ChildTGID: 1240},
		}}, task: sh},
		text: row("03:04:05.000", 0, "fork", "1240", "1000", "0", "parent=1236/1234", "sh"),
		json: `{"what":"fork","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"parent_pid":1236,"parent_tgid":1234,"child_pid":1240,"child_tgid":1240,"name":"sh","uid":1000,"euid":0}`,
	},
	{
		name: "clone",
		l: line{kind: kindClone, ev: &proc.ProcEvent{What: proc.EventFork, EventData: proc.EventData{
			Fork: proc.ForkProcEvent{ParentPID: 1234, ParentTGID: 1234, ChildPID: 1241, ChildTGID: 1240},
		}}, task: &task{pid: 1241, tgid: 1240, comm: "worker"}},
		text: row("03:04:05.000", 0, "clone", "1241", "-", "-", "tgid=1240", "worker"),
		json: `{"what":"clone","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"parent_pid":1234,"parent_tgid":1234,"child_pid":1241,"child_tgid":1240,"name":"worker"}`,
	},
	{
		name: "exec",
		l:    line{ev: &proc.ProcEvent{What: proc.EventExec, EventData: proc.EventData{Exec: proc.ExecProcEvent{ProcessPID: 9, ProcessTGID: 8}}}, task: &task{pid: 9, comm: "true"}},
		text: row("03:04:05.000", 0, "exec", "9", "-", "-", "", "true"),
		json: `{"what":"exec","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":9,"process_tgid":8,"name":"true"}`,
	},
	{
		name: "uid",
		l: line{ev: &proc.ProcEvent{What: proc.EventUID, EventData: proc.EventData{
			UID: proc.IDProcEvent{ProcessPID: 9, ProcessTGID: 9, R: idR(0), E: idE(1000)},
		}}, task: &task{pid: 9, comm: "su", euid: 1000, uidKnown: true}},
		text: row("03:04:05.000", 0, "uid", "9", "0", "1000", "ruid=0 euid=1000", "su"),
		json: `{"what":"uid","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":9,"process_tgid":9,"ruid":0,"euid":1000,"name":"su","uid":0,"euid":1000}`,
	},
	{
		name: "gid",
		l: line{ev: &proc.ProcEvent{What: proc.EventGID, EventData: proc.EventData{
			GID: proc.IDProcEvent{ProcessPID: 9, ProcessTGID: 9, R: idR(100), E: idE(5)},
		}}, task: &task{pid: 9, comm: "sg"}},
		text: row("03:04:05.000", 0, "gid", "9", "-", "-", "rgid=100 egid=5", "sg"),
		json: `{"what":"gid","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":9,"process_tgid":9,"rgid":100,"egid":5,"name":"sg"}`,
	},
	{
		name: "sid",
		l:    line{ev: &proc.ProcEvent{What: proc.EventSID, EventData: proc.EventData{SID: proc.SIDProcEvent{ProcessPID: 3, ProcessTGID: 3}}}, task: &task{pid: 3, comm: "setsid"}},
		text: row("03:04:05.000", 0, "sid", "3", "-", "-", "", "setsid"),
		json: `{"what":"sid","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":3,"process_tgid":3,"name":"setsid"}`,
	},
	{
		name: "ptrace attach",
		l: line{ev: &proc.ProcEvent{What: proc.EventPtrace, EventData: proc.EventData{
			Ptrace: proc.PtraceProcEvent{ProcessPID: 3, ProcessTGID: 3, TracerPID: 4, TracerTGID: 4},
		}}, task: &task{pid: 3, comm: "sleep"}},
		text: row("03:04:05.000", 0, "ptrace attach", "3", "-", "-", "tracer=4", "sleep"),
		json: `{"what":"ptrace","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":3,"process_tgid":3,"tracer_pid":4,"tracer_tgid":4,"name":"sleep","op":"attach"}`,
	},
	{
		name: "ptrace detach",
		l: line{ev: &proc.ProcEvent{What: proc.EventPtrace, EventData: proc.EventData{
			Ptrace: proc.PtraceProcEvent{ProcessPID: 3, ProcessTGID: 3},
		}}, task: &task{pid: 3, comm: "sleep"}},
		text: "03:04:05.000   0 ptrace detach       3      -      -                            sleep",
		json: `{"what":"ptrace","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":3,"process_tgid":3,"tracer_pid":0,"tracer_tgid":0,"name":"sleep","op":"detach"}`,
	},
	{
		name: "comm",
		l: line{ev: &proc.ProcEvent{What: proc.EventComm, CPU: 2, EventData: proc.EventData{
			Comm: proc.CommProcEvent{ProcessPID: 1240, ProcessTGID: 1243, Comm: comm(`wo"rker`)},
		}}, task: &task{pid: 1240, comm: `wo"rker`}},
		text: row("03:04:05.000", 2, "comm", "1240", "-", "-", `comm="wo\"rker"`, `wo"rker`),
		json: `{"what":"comm","time":"2026-01-02T03:04:05Z","cpu":2,"timestamp_ns":0,"process_pid":1240,"process_tgid":1243,"comm":"wo\"rker","name":"wo\"rker"}`,
	},
	{
		name: "coredump",
		l: line{ev: &proc.ProcEvent{What: proc.EventCoredump, EventData: proc.EventData{
			Coredump: proc.CoredumpProcEvent{ProcessPID: 5, ProcessTGID: 5, ParentPID: 1, ParentTGID: 1},
		}}, task: &task{pid: 5, comm: "crash"}},
		text: row("03:04:05.000", 0, "coredump", "5", "-", "-", "parent=1", "crash"),
		json: `{"what":"coredump","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":5,"process_tgid":5,"parent_pid":1,"parent_tgid":1,"name":"crash"}`,
	},
	{
		name: "exit code",
		l: line{ev: &proc.ProcEvent{What: proc.EventExit, CPU: 1, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 1240, ProcessTGID: 1240, ExitCode: 3 << 8, ExitSignal: 17, ParentPID: 1234, ParentTGID: 1234},
		}}, task: sh, lifetime: 1900 * time.Microsecond},
		text: "03:04:05.000   1 exit             1240   1000      0 code=3 lifetime=1.9ms      sh",
		json: `{"what":"exit","time":"2026-01-02T03:04:05Z","cpu":1,"timestamp_ns":0,"process_pid":1240,"process_tgid":1240,"exit_code":768,"exit_signal":17,"parent_pid":1234,"parent_tgid":1234,"name":"sh","uid":1000,"euid":0,"code":3,"lifetime_ns":1900000}`,
	},
	{
		name: "exit in µs",
		l: line{ev: &proc.ProcEvent{What: proc.EventExit, CPU: 1, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 1240, ProcessTGID: 1240, ExitSignal: 17},
		}}, task: sh, lifetime: 966 * time.Microsecond},
		text: "03:04:05.000   1 exit             1240   1000      0 code=0 lifetime=966µs      sh",
		json: `{"what":"exit","time":"2026-01-02T03:04:05Z","cpu":1,"timestamp_ns":0,"process_pid":1240,"process_tgid":1240,"exit_code":0,"exit_signal":17,"parent_pid":0,"parent_tgid":0,"name":"sh","uid":1000,"euid":0,"code":0,"lifetime_ns":966000}`,
	},
	{
		name: "exit signal core",
		l: line{ev: &proc.ProcEvent{What: proc.EventExit, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 7, ProcessTGID: 7, ExitCode: 0x80 | 11, ExitSignal: 17, ParentPID: 1, ParentTGID: 1},
		}}, task: &task{pid: 7}, lifetime: -1},
		text: row("03:04:05.000", 0, "exit", "7", "-", "-", "signal=11 (segmentation fault) core", "?"),
		json: `{"what":"exit","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":7,"process_tgid":7,"exit_code":139,"exit_signal":17,"parent_pid":1,"parent_tgid":1,"signal":11,"core":true}`,
	},
	{
		name: "thread exit",
		l: line{ev: &proc.ProcEvent{What: proc.EventExit, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 1241, ProcessTGID: 1240, ExitSignal: ^uint32(0)},
		}}, task: &task{pid: 1241, tgid: 1240, comm: "worker"}, lifetime: 90 * time.Second},
		text: row("03:04:05.000", 0, "exit", "1241", "-", "-", "code=0 exit_signal=-1 lifetime=1m30s", "worker"),
		json: `{"what":"exit","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":1241,"process_tgid":1240,"exit_code":0,"exit_signal":-1,"parent_pid":0,"parent_tgid":0,"name":"worker","code":0,"lifetime_ns":90000000000}`,
	},
	{
		name: "kernel thread",
		l:    line{ev: &proc.ProcEvent{What: proc.EventExec, EventData: proc.EventData{Exec: proc.ExecProcEvent{ProcessPID: 50, ProcessTGID: 50}}}, task: &task{pid: 50, comm: "kworker/0:1", kthread: true, uidKnown: true}},
		text: row("03:04:05.000", 0, "exec", "50", "0", "0", "", "[kworker/0:1]"),
		json: `{"what":"exec","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":50,"process_tgid":50,"name":"kworker/0:1","kthread":true,"uid":0,"euid":0}`,
	},
	{
		name: "name with control characters",
		l:    line{ev: &proc.ProcEvent{What: proc.EventExec}, task: &task{comm: "a\nb\x7f\xff"}},
		text: row("03:04:05.000", 0, "exec", "0", "-", "-", "", "a?b?\xff"),
		json: `{"what":"exec","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"process_pid":0,"process_tgid":0,"name":"a\u000ab` + "\x7f" + `\ufffd"}`,
	},
	{
		name: "unknown",
		l:    line{kind: kindOther, ev: &proc.ProcEvent{What: 0x400, EventData: proc.EventData{Default: []byte{1, 2, 0xff}}}},
		text: "03:04:05.000   0 event               -      -      - what=0x400 data=0102ff",
		json: `{"what":"0x400","time":"2026-01-02T03:04:05Z","cpu":0,"timestamp_ns":0,"data":"0102ff"}`,
	},
}

func TestPrint(t *testing.T) {
	for _, tt := range printTests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.l
			if l.kind == 0 {
				l.kind = kindOf(l.ev)
			}
			l.wall = wallBase
			for _, format := range []struct {
				json bool
				want string
			}{{false, tt.text}, {true, tt.json}} {
				var out strings.Builder
				p := printer{out: newOutput(&out, true), json: format.json, loc: time.UTC}
				if err := p.event(&l); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(format.want+"\n", out.String()); diff != "" {
					t.Errorf("json=%v (-want +got):\n%s", format.json, diff)
				}
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(tt.json), &v); err != nil {
				t.Errorf("want %s is not valid JSON: %v", tt.json, err)
			}
		})
	}
}

// TestPrintCmdline: with -c a process is named by its command line, a
// kernel thread (which has none) still by its comm in brackets.
func TestPrintCmdline(t *testing.T) {
	tests := []struct {
		name string
		x    *task
		want string
	}{
		{"command line", sh, "sh -c exit 3"},
		{"kernel thread", &task{comm: "kworker/0:1", kthread: true}, "[kworker/0:1]"},
		{"zombie", &task{comm: "sh"}, "sh"},
		{"unknown", &task{}, "?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := printer{cmdline: true}
			if diff := cmp.Diff(tt.want, string(p.appendName(nil, tt.x, true))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestHeader: the header names the columns where the rows put them.
func TestHeader(t *testing.T) {
	var out strings.Builder
	p := printer{out: newOutput(&out, true), loc: time.UTC}
	if err := p.header(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(header+"\n", out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\x00\x1f\t\n", "é€😀", "bad\xffutf8\xc3", "<&>"} {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			got := appendJSONString(nil, s)
			want, _ := json.Marshal(s)
			var back, wantBack string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			json.Unmarshal(want, &wantBack)
			if diff := cmp.Diff(wantBack, back); diff != "" {
				t.Errorf("decodes differently from encoding/json's (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLifetime(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{850*time.Microsecond + 400, "850µs"},
		{1523456789, "1.523s"},
		{time.Hour + 2*time.Minute + 3*time.Second + 400*time.Millisecond, "1h2m3s"},
	}
	for _, tt := range tests {
		if got := string(appendLifetime(nil, tt.d)); got != tt.want {
			t.Errorf("appendLifetime(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
