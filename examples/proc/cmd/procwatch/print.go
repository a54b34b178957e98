package main

import (
	"encoding/hex"
	"strconv"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/cngen/cngen/examples/proc"
)

// printer writes the lines of the output, as text or JSON lines: events,
// the notices of losses and resyncs, and the -S table. It builds each
// line in one reused buffer, without fmt: procwatch spends most of its
// time here.
type printer struct {
	out     *output
	json    bool
	cmdline bool // -c: name processes by their command line
	quiet   bool // -q: no events and notices, only the -S table
	loc     *time.Location
	b       []byte
}

// line is an event to print, with what the table says of it.
type line struct {
	ev       *proc.ProcEvent
	kind     kind
	task     *task         // the task it is about; nil for an ack or an unknown event
	wall     time.Time     // when it happened
	lifetime time.Duration // an exit's time since the fork; < 0 when unknown
}

// The columns of the text, and their widths.
const (
	timeLayout = "15:04:05.000"
	wCPU       = 3
	wEvent     = 13 // "ptrace detach"
	wPID       = 7
	wUID       = 6
	wInfo      = 26
)

// header prints the line that names the text's columns.
func (p *printer) header() error {
	if p.json {
		return nil
	}
	b := padRight(p.b[:0], "TIME", len(timeLayout))
	b = append(padLeft(append(b, ' '), "CPU", wCPU), ' ')
	b = append(padRight(b, "EVENT", wEvent), ' ')
	b = appendColumns(b, "PID", "UID", "EUID")
	b = append(padRight(b, "INFO", wInfo), " PROCESS"...)
	return p.emit(b)
}

func (p *printer) event(l *line) error {
	if p.json {
		return p.emit(p.appendJSON(p.b[:0], l))
	}
	return p.emit(p.appendText(p.b[:0], l))
}

// emit writes the line b, unless -q.
func (p *printer) emit(b []byte) error {
	p.b = b
	if p.quiet {
		return nil
	}
	return p.out.line(b)
}

// appendText appends l as a line of text:
//
//	21:51:09.125   1 exit             1240      0      0 code=3 lifetime=1.9ms      sh
func (p *printer) appendText(b []byte, l *line) []byte {
	b = append(l.wall.In(p.loc).AppendFormat(b, timeLayout), ' ')
	b = append(padInt(b, int64(int32(l.ev.CPU)), wCPU), ' ')
	b = append(padRight(b, label(l), wEvent), ' ')
	if l.task == nil {
		b = appendColumns(b, "-", "-", "-")
		return appendInfo(b, l)
	}
	b = appendIDs(b, l.task)
	start := len(b)
	b = appendInfo(b, l)
	for range wInfo - utf8.RuneCount(b[start:]) { // "µs" is one column
		b = append(b, ' ')
	}
	return p.appendName(append(b, ' '), l.task, true)
}

// label is the EVENT column: the kind, a ptrace's direction with it.
func label(l *line) string {
	switch l.kind {
	case kindPtrace:
		if l.ev.EventData.Ptrace.TracerPID == 0 {
			return "ptrace detach" // the kernel's detach has tracer 0/0
		}
		return "ptrace attach"
	case kindOther:
		return "event"
	}
	return l.kind.String()
}

// appendIDs appends the PID, UID and EUID columns of x.
func appendIDs(b []byte, x *task) []byte {
	b = padInt(b, int64(x.pid), wPID)
	if !x.uidKnown {
		return append(padLeft(append(padLeft(append(b, ' '), "-", wUID), ' '), "-", wUID), ' ')
	}
	b = padInt(append(b, ' '), int64(x.uid), wUID)
	return append(padInt(append(b, ' '), int64(x.euid), wUID), ' ')
}

// appendColumns appends the PID, UID and EUID columns as texts.
func appendColumns(b []byte, pid, uid, euid string) []byte {
	b = padLeft(b, pid, wPID)
	b = padLeft(append(b, ' '), uid, wUID)
	return append(padLeft(append(b, ' '), euid, wUID), ' ')
}

// appendName appends how x is named: its comm or, with -c, its command
// line; a kernel thread's comm in brackets, as ps shows it, when
// brackets; "?" when unknown. Control characters in the text become
// '?': a name is any bytes its process chose.
func (p *printer) appendName(b []byte, x *task, brackets bool) []byte {
	name := x.comm
	if p.cmdline && x.cmdline != "" && !x.kthread {
		name = x.cmdline
	}
	if name == "" {
		return append(b, '?')
	}
	if x.kthread && brackets {
		return append(appendClean(append(b, '['), name), ']')
	}
	if !brackets {
		return append(b, name...) // JSON escapes it
	}
	return appendClean(b, name)
}

func appendClean(b []byte, s string) []byte {
	for i := range len(s) {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			c = '?'
		}
		b = append(b, c)
	}
	return b
}

// appendInfo appends the INFO column: the event's own facts.
func appendInfo(b []byte, l *line) []byte {
	d := &l.ev.EventData
	switch l.kind {
	case kindAck:
		b = strconv.AppendUint(append(b, "err="...), uint64(d.None.Err), 10)
		if d.None.Err != 0 {
			b = append(append(append(b, " ("...), syscall.Errno(d.None.Err).Error()...), ')')
		}
	case kindFork:
		b = appendPair(append(b, "parent="...), d.Fork.ParentPID, d.Fork.ParentTGID)
	case kindClone:
		b = strconv.AppendInt(append(b, "tgid="...), int64(d.Fork.ChildTGID), 10)
	case kindExit:
		b = appendExit(b, &d.Exit, l.lifetime)
	case kindUID:
		b = appendIDPair(b, "ruid=", d.UID.R.Ruid(), " euid=", d.UID.E.Euid())
	case kindGID:
		b = appendIDPair(b, "rgid=", d.GID.R.Rgid(), " egid=", d.GID.E.Egid())
	case kindPtrace:
		if t := &d.Ptrace; t.TracerPID != 0 {
			b = appendPair(append(b, "tracer="...), t.TracerPID, t.TracerTGID)
		}
	case kindComm:
		b = strconv.AppendQuote(append(b, "comm="...), d.Comm.Comm.String())
	case kindCoredump:
		b = appendPair(append(b, "parent="...), d.Coredump.ParentPID, d.Coredump.ParentTGID)
	case kindOther:
		b = strconv.AppendUint(append(b, "what=0x"...), uint64(l.ev.What), 16)
		b = hex.AppendEncode(append(b, " data="...), d.Default)
	}
	return b
}

// appendPair appends a thread as pid/tgid, or a process as its pid.
func appendPair(b []byte, pid, tgid int32) []byte {
	b = strconv.AppendInt(b, int64(pid), 10)
	if pid != tgid {
		b = strconv.AppendInt(append(b, '/'), int64(tgid), 10)
	}
	return b
}

func appendIDPair(b []byte, k1 string, v1 uint32, k2 string, v2 uint32) []byte {
	b = strconv.AppendUint(append(b, k1...), uint64(v1), 10)
	return strconv.AppendUint(append(b, k2...), uint64(v2), 10)
}

// appendExit appends an exit's status, its exit_signal when it is not
// SIGCHLD (a thread's is -1: the kernel stores -1 in the __u32), and
// the task's lifetime when known.
func appendExit(b []byte, x *proc.ExitProcEvent, life time.Duration) []byte {
	b = appendStatus(b, x.ExitCode)
	if sig := int32(x.ExitSignal); sig != int32(syscall.SIGCHLD) {
		b = strconv.AppendInt(append(b, " exit_signal="...), int64(sig), 10)
	}
	if life >= 0 {
		b = appendLifetime(append(b, " lifetime="...), life)
	}
	return b
}

// appendStatus describes an exit event's exit_code, a wait status: the
// exit code in bits 8-15, or the terminating signal in bits 0-6 and a
// core dump in bit 7.
func appendStatus(b []byte, status uint32) []byte {
	sig := syscall.Signal(status & 0x7f)
	if sig == 0 {
		return strconv.AppendUint(append(b, "code="...), uint64(status>>8&0xff), 10)
	}
	b = strconv.AppendInt(append(b, "signal="...), int64(sig), 10)
	b = append(append(append(b, " ("...), sig.String()...), ')')
	if status&0x80 != 0 {
		b = append(b, " core"...)
	}
	return b
}

// appendLifetime appends d to a precision that suits it: µs under a
// second, ms under a minute, s beyond.
func appendLifetime(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Second:
		d = d.Round(time.Microsecond)
	case d < time.Minute:
		d = d.Round(time.Millisecond)
	default:
		d = d.Round(time.Second)
	}
	return append(b, d.String()...)
}

// padRight appends s and spaces to make width bytes.
func padRight(b []byte, s string, width int) []byte {
	b = append(b, s...)
	for range width - len(s) {
		b = append(b, ' ')
	}
	return b
}

// padLeft appends spaces and s to make width bytes.
func padLeft(b []byte, s string, width int) []byte {
	for range width - len(s) {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// padInt appends v right-aligned in width bytes.
func padInt(b []byte, v int64, width int) []byte {
	var num [20]byte
	n := strconv.AppendInt(num[:0], v, 10)
	for range width - len(n) {
		b = append(b, ' ')
	}
	return append(b, n...)
}
