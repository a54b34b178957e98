package main

import (
	"strconv"
	"time"
)

// The notices are lines about the watching rather than about a process:
// events lost, the receive queue overrun, the table resynchronised. They
// are shown whatever the filters, at the time they were found.

// lost reports n events lost on cpu, found from a gap in the cpu's
// sequence numbers at an event at wall:
//
//	21:51:09.500 lost 3 events on cpu 1
//	{"what":"lost","time":"…","cpu":1,"count":3}
func (p *printer) lost(wall time.Time, cpu, n uint32) error {
	if p.json {
		j := p.notice("lost", wall)
		j.uint("cpu", uint64(cpu))
		j.uint("count", uint64(n))
		return p.emit(append(j.b, '}'))
	}
	b := p.textNotice(wall, "lost ")
	b = strconv.AppendUint(b, uint64(n), 10)
	if n == 1 {
		b = append(b, " event on cpu "...)
	} else {
		b = append(b, " events on cpu "...)
	}
	return p.emit(strconv.AppendUint(b, uint64(cpu), 10))
}

// overrun reports that the receive queue overflowed, with the socket's
// count of dropped messages so far when known:
//
//	21:51:09.500 overrun: receive queue full (57 dropped so far)
//	{"what":"overrun","time":"…","dropped":57}
func (p *printer) overrun(wall time.Time, dropped uint64, known bool) error {
	if p.json {
		j := p.notice("overrun", wall)
		if known {
			j.uint("dropped", dropped)
		}
		return p.emit(append(j.b, '}'))
	}
	b := p.textNotice(wall, "overrun: receive queue full")
	if known {
		b = strconv.AppendUint(append(b, " ("...), dropped, 10)
		b = append(b, " dropped so far)"...)
	}
	return p.emit(b)
}

// resync reports what a resynchronisation from /proc found:
//
//	21:51:09.510 resync: 212 tasks in /proc, 17 added, 3 gone, 2 changed
//	{"what":"resync","time":"…","tasks":212,"added":17,"gone":3,"changed":2}
func (p *printer) resync(wall time.Time, r resyncResult) error {
	if p.json {
		j := p.notice("resync", wall)
		j.int("tasks", int64(r.tasks))
		j.int("added", int64(r.added))
		j.int("gone", int64(r.gone))
		j.int("changed", int64(r.changed))
		return p.emit(append(j.b, '}'))
	}
	b := strconv.AppendInt(p.textNotice(wall, "resync: "), int64(r.tasks), 10)
	b = strconv.AppendInt(append(b, " tasks in /proc, "...), int64(r.added), 10)
	b = strconv.AppendInt(append(b, " added, "...), int64(r.gone), 10)
	b = strconv.AppendInt(append(b, " gone, "...), int64(r.changed), 10)
	return p.emit(append(b, " changed"...))
}

// notice starts the JSON object of a notice.
func (p *printer) notice(what string, wall time.Time) jsonObject {
	j := jsonObject{b: append(p.b[:0], '{')}
	j.str("what", what)
	j.time("time", wall)
	return j
}

// textNotice starts the text of a notice: the time, then text.
func (p *printer) textNotice(wall time.Time, text string) []byte {
	b := wall.In(p.loc).AppendFormat(p.b[:0], timeLayout)
	return append(append(b, ' '), text...)
}
