package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"syscall"

	"github.com/cngen/cngen/examples/proc"
)

// printer writes events to w, one per line: text, or JSON objects.
type printer struct {
	w    io.Writer
	json bool
}

func (p printer) print(ev *proc.ProcEvent) error {
	if p.json {
		return p.line(appendJSON(nil, ev))
	}
	return p.line(appendText(nil, ev))
}

// lost reports n events lost on cpu, found from a gap in the cpu's
// sequence numbers: "lost 3 events on cpu 1", or
// {"what":"lost","cpu":1,"count":3}.
func (p printer) lost(cpu, n uint32) error {
	if p.json {
		return p.line(object{{"what", "lost"}, {"cpu", cpu}, {"count", n}}.appendJSON(nil))
	}
	s := "s"
	if n == 1 {
		s = ""
	}
	return p.line(fmt.Appendf(nil, "lost %d event%s on cpu %d", n, s, cpu))
}

// overrun reports that the receive queue overflowed, with the socket's
// count of dropped messages so far when known: "overrun: receive queue
// full (57 dropped so far)", or {"what":"overrun","dropped":57}.
func (p printer) overrun(dropped uint64, known bool) error {
	if p.json {
		o := object{{"what", "overrun"}}
		if known {
			o = append(o, field{"dropped", dropped})
		}
		return p.line(o.appendJSON(nil))
	}
	b := []byte("overrun: receive queue full")
	if known {
		b = fmt.Appendf(b, " (%d dropped so far)", dropped)
	}
	return p.line(b)
}

// line writes b and a newline.
func (p printer) line(b []byte) error {
	_, err := p.w.Write(append(b, '\n'))
	return err
}

// appendText appends ev as one line of text, without the newline.
func appendText(b []byte, ev *proc.ProcEvent) []byte {
	d := &ev.EventData
	switch ev.What {
	case proc.EventNone:
		b = fmt.Appendf(b, "ack err=%d", d.None.Err)
		if d.None.Err != 0 {
			b = fmt.Appendf(b, " (%v)", syscall.Errno(d.None.Err))
		}
	case proc.EventFork:
		f := d.Fork
		b = fmt.Appendf(b, "fork parent=%d/%d child=%d/%d", f.ParentPID, f.ParentTGID, f.ChildPID, f.ChildTGID)
	case proc.EventExec:
		b = fmt.Appendf(b, "exec pid=%d/%d", d.Exec.ProcessPID, d.Exec.ProcessTGID)
	case proc.EventUID:
		u := d.UID
		b = fmt.Appendf(b, "uid pid=%d/%d ruid=%d euid=%d", u.ProcessPID, u.ProcessTGID, u.R.Ruid(), u.E.Euid())
	case proc.EventGID:
		g := d.GID
		b = fmt.Appendf(b, "gid pid=%d/%d rgid=%d egid=%d", g.ProcessPID, g.ProcessTGID, g.R.Rgid(), g.E.Egid())
	case proc.EventSID:
		b = fmt.Appendf(b, "sid pid=%d/%d", d.SID.ProcessPID, d.SID.ProcessTGID)
	case proc.EventPtrace:
		t := d.Ptrace
		b = fmt.Appendf(b, "ptrace pid=%d/%d tracer=%d/%d", t.ProcessPID, t.ProcessTGID, t.TracerPID, t.TracerTGID)
	case proc.EventComm:
		c := d.Comm
		b = fmt.Appendf(b, "comm pid=%d/%d comm=%q", c.ProcessPID, c.ProcessTGID, c.Comm.String())
	case proc.EventCoredump:
		c := d.Coredump
		b = fmt.Appendf(b, "coredump pid=%d/%d parent=%d/%d", c.ProcessPID, c.ProcessTGID, c.ParentPID, c.ParentTGID)
	case proc.EventExit:
		x := d.Exit
		b = fmt.Appendf(b, "exit pid=%d/%d ", x.ProcessPID, x.ProcessTGID)
		b = appendStatus(b, x.ExitCode)
		b = fmt.Appendf(b, " parent=%d/%d", x.ParentPID, x.ParentTGID)
	default:
		b = fmt.Appendf(b, "event what=%#x data=%x", uint32(ev.What), d.Default)
	}
	return fmt.Appendf(b, " cpu=%d", ev.CPU)
}

// appendStatus describes an exit event's exit_code, a wait status: the
// exit code in bits 8-15, or the terminating signal in bits 0-6 and a
// core dump in bit 7.
func appendStatus(b []byte, status uint32) []byte {
	sig := syscall.Signal(status & 0x7f)
	if sig == 0 {
		return fmt.Appendf(b, "code=%d", status>>8&0xff)
	}
	b = fmt.Appendf(b, "signal=%d (%v)", int(sig), sig)
	if status&0x80 != 0 {
		b = append(b, " core"...)
	}
	return b
}

// appendJSON appends ev as a JSON object with the kernel's field names,
// without the newline.
func appendJSON(b []byte, ev *proc.ProcEvent) []byte {
	what, ok := eventName(ev.What)
	if !ok {
		what = "0x" + strconv.FormatUint(uint64(ev.What), 16)
	}
	if ev.What == proc.EventNone {
		what = "none"
	}
	o := object{{"what", what}, {"cpu", ev.CPU}, {"timestamp_ns", ev.TimestampNS}}
	d := &ev.EventData
	switch ev.What {
	case proc.EventNone:
		o = append(o, field{"err", d.None.Err})
	case proc.EventFork:
		f := d.Fork
		o = append(o, field{"parent_pid", f.ParentPID}, field{"parent_tgid", f.ParentTGID},
			field{"child_pid", f.ChildPID}, field{"child_tgid", f.ChildTGID})
	case proc.EventExec:
		o = append(o, field{"process_pid", d.Exec.ProcessPID}, field{"process_tgid", d.Exec.ProcessTGID})
	case proc.EventUID:
		u := d.UID
		o = append(o, field{"process_pid", u.ProcessPID}, field{"process_tgid", u.ProcessTGID},
			field{"ruid", u.R.Ruid()}, field{"euid", u.E.Euid()})
	case proc.EventGID:
		g := d.GID
		o = append(o, field{"process_pid", g.ProcessPID}, field{"process_tgid", g.ProcessTGID},
			field{"rgid", g.R.Rgid()}, field{"egid", g.E.Egid()})
	case proc.EventSID:
		o = append(o, field{"process_pid", d.SID.ProcessPID}, field{"process_tgid", d.SID.ProcessTGID})
	case proc.EventPtrace:
		t := d.Ptrace
		o = append(o, field{"process_pid", t.ProcessPID}, field{"process_tgid", t.ProcessTGID},
			field{"tracer_pid", t.TracerPID}, field{"tracer_tgid", t.TracerTGID})
	case proc.EventComm:
		c := d.Comm
		o = append(o, field{"process_pid", c.ProcessPID}, field{"process_tgid", c.ProcessTGID},
			field{"comm", c.Comm.String()})
	case proc.EventCoredump:
		c := d.Coredump
		o = append(o, field{"process_pid", c.ProcessPID}, field{"process_tgid", c.ProcessTGID},
			field{"parent_pid", c.ParentPID}, field{"parent_tgid", c.ParentTGID})
	case proc.EventExit:
		x := d.Exit
		o = append(o, field{"process_pid", x.ProcessPID}, field{"process_tgid", x.ProcessTGID},
			field{"exit_code", x.ExitCode}, field{"exit_signal", x.ExitSignal},
			field{"parent_pid", x.ParentPID}, field{"parent_tgid", x.ParentTGID})
	default:
		o = append(o, field{"data", hex.EncodeToString(d.Default)})
	}
	return o.appendJSON(b)
}

// object is a JSON object whose keys keep their order.
type object []field

type field struct {
	key string
	val any // a string or an integer
}

func (o object) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, f := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, f.key)
		b = append(b, ':')
		v, _ := json.Marshal(f.val) // strings and integers always marshal
		b = append(b, v...)
	}
	return append(b, '}')
}
