package main

import (
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cngen/cngen/examples/proc"
)

// appendJSON appends l as a JSON object: the kernel's field names, then
// what the text shows beside them (name, uids, status, lifetime).
func (p *printer) appendJSON(b []byte, l *line) []byte {
	j := jsonObject{b: append(b, '{')}
	j.str("what", jsonWhat(l))
	j.time("time", l.wall)
	j.int("cpu", int64(int32(l.ev.CPU)))
	j.uint("timestamp_ns", l.ev.TimestampNS)
	kernelFields(&j, l.ev)
	if x := l.task; x != nil {
		p.taskFields(&j, x)
	}
	derivedFields(&j, l)
	return append(j.b, '}')
}

// jsonWhat is the what of an event: the kind, "none" for an ack as
// proc.cn names it, the number of an unknown event.
func jsonWhat(l *line) string {
	switch l.kind {
	case kindAck:
		return "none"
	case kindOther:
		return "0x" + strconv.FormatUint(uint64(l.ev.What), 16)
	}
	return l.kind.String()
}

// kernelFields adds the fields of the event's variant, as cn_proc.h
// names them.
func kernelFields(j *jsonObject, ev *proc.ProcEvent) {
	d := &ev.EventData
	switch ev.What {
	case proc.EventNone:
		j.uint("err", uint64(d.None.Err))
	case proc.EventFork:
		f := &d.Fork
		j.ints("parent_pid", f.ParentPID, "parent_tgid", f.ParentTGID)
		j.ints("child_pid", f.ChildPID, "child_tgid", f.ChildTGID)
	case proc.EventExec:
		j.ints("process_pid", d.Exec.ProcessPID, "process_tgid", d.Exec.ProcessTGID)
	case proc.EventUID:
		j.ints("process_pid", d.UID.ProcessPID, "process_tgid", d.UID.ProcessTGID)
		j.uint("ruid", uint64(d.UID.R.Ruid()))
		j.uint("euid", uint64(d.UID.E.Euid()))
	case proc.EventGID:
		j.ints("process_pid", d.GID.ProcessPID, "process_tgid", d.GID.ProcessTGID)
		j.uint("rgid", uint64(d.GID.R.Rgid()))
		j.uint("egid", uint64(d.GID.E.Egid()))
	case proc.EventSID:
		j.ints("process_pid", d.SID.ProcessPID, "process_tgid", d.SID.ProcessTGID)
	case proc.EventPtrace:
		t := &d.Ptrace
		j.ints("process_pid", t.ProcessPID, "process_tgid", t.ProcessTGID)
		j.ints("tracer_pid", t.TracerPID, "tracer_tgid", t.TracerTGID)
	case proc.EventComm:
		j.ints("process_pid", d.Comm.ProcessPID, "process_tgid", d.Comm.ProcessTGID)
		j.str("comm", d.Comm.Comm.String())
	case proc.EventCoredump:
		c := &d.Coredump
		j.ints("process_pid", c.ProcessPID, "process_tgid", c.ProcessTGID)
		j.ints("parent_pid", c.ParentPID, "parent_tgid", c.ParentTGID)
	case proc.EventExit:
		exitFields(j, &d.Exit)
	default:
		j.str("data", hex.EncodeToString(d.Default))
	}
}

// exitFields adds an exit's fields; exit_signal is signed: a thread's
// is -1, which the kernel stores in a __u32.
func exitFields(j *jsonObject, x *proc.ExitProcEvent) {
	j.ints("process_pid", x.ProcessPID, "process_tgid", x.ProcessTGID)
	j.uint("exit_code", uint64(x.ExitCode))
	j.int("exit_signal", int64(int32(x.ExitSignal)))
	j.ints("parent_pid", x.ParentPID, "parent_tgid", x.ParentTGID)
}

// taskFields adds the text's PROCESS, UID and EUID columns: "name" is
// the comm, or the command line with -c, without a kernel thread's
// brackets, and absent when unknown.
func (p *printer) taskFields(j *jsonObject, x *task) {
	if name := p.appendName(nil, x, false); string(name) != "?" {
		j.str("name", string(name))
	}
	if x.kthread {
		j.bool("kthread", true)
	}
	if x.uidKnown {
		j.uint("uid", uint64(x.uid))
		j.uint("euid", uint64(x.euid))
	}
}

// derivedFields adds the text's INFO that the kernel's fields do not
// spell out: an exit's code or signal and lifetime, a ptrace's op.
func derivedFields(j *jsonObject, l *line) {
	switch l.kind {
	case kindExit:
		status := l.ev.EventData.Exit.ExitCode
		if sig := status & 0x7f; sig != 0 {
			j.uint("signal", uint64(sig))
			j.bool("core", status&0x80 != 0)
		} else {
			j.uint("code", uint64(status>>8&0xff))
		}
		if l.lifetime >= 0 {
			j.int("lifetime_ns", int64(l.lifetime))
		}
	case kindPtrace:
		if l.ev.EventData.Ptrace.TracerPID == 0 {
			j.str("op", "detach")
		} else {
			j.str("op", "attach")
		}
	}
}

// jsonObject builds a JSON object whose keys keep their order, into b,
// without reflection: keys are ASCII constants, values are escaped.
type jsonObject struct{ b []byte }

func (j *jsonObject) key(k string) {
	if j.b[len(j.b)-1] != '{' {
		j.b = append(j.b, ',')
	}
	j.b = append(append(append(j.b, '"'), k...), '"', ':')
}

func (j *jsonObject) str(k, v string) {
	j.key(k)
	j.b = appendJSONString(j.b, v)
}

func (j *jsonObject) int(k string, v int64) {
	j.key(k)
	j.b = strconv.AppendInt(j.b, v, 10)
}

func (j *jsonObject) uint(k string, v uint64) {
	j.key(k)
	j.b = strconv.AppendUint(j.b, v, 10)
}

// ints adds two pid fields, the usual pair.
func (j *jsonObject) ints(k1 string, v1 int32, k2 string, v2 int32) {
	j.int(k1, int64(v1))
	j.int(k2, int64(v2))
}

func (j *jsonObject) bool(k string, v bool) {
	j.key(k)
	j.b = strconv.AppendBool(j.b, v)
}

// time adds t in RFC 3339 with nanoseconds and its zone's offset.
func (j *jsonObject) time(k string, t time.Time) {
	j.key(k)
	j.b = append(t.AppendFormat(append(j.b, '"'), time.RFC3339Nano), '"')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD, as
// encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}
