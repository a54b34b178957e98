package main

import (
	"cmp"
	"slices"
)

// statKinds are the columns of the -S table, in forkstat's order where
// it has them.
var statKinds = []kind{kindFork, kindExec, kindExit, kindCoredump, kindComm, kindClone, kindPtrace, kindUID, kindGID, kindSID}

// statLabels head the columns.
var statLabels = [nKinds]string{
	kindFork: "Fork", kindExec: "Exec", kindExit: "Exit", kindCoredump: "Coredump", kindComm: "Comm",
	kindClone: "Clone", kindPtrace: "Ptrace", kindUID: "Uid", kindGID: "Gid", kindSID: "Sid",
}

// stats counts the events shown per process name, for -S: as forkstat
// does, processes that share a name share a row, and each event counts
// for the name on its line (a fork, its parent's, which is the child's
// until it execs).
type stats map[string]*[nKinds]uint64

func (s stats) count(name []byte, k kind) {
	row := s[string(name)] // no allocation for a name seen before
	if row == nil {
		row = new([nKinds]uint64)
		s[string(name)] = row
	}
	row[k]++
}

// statRow is a row of the table, with its total.
type statRow struct {
	name   string
	counts *[nKinds]uint64
	total  uint64
}

// rows are the table's rows, the busiest first, then by name.
func (s stats) rows() []statRow {
	rows := make([]statRow, 0, len(s))
	for name, c := range s {
		r := statRow{name: name, counts: c}
		for _, k := range statKinds {
			r.total += c[k]
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b statRow) int {
		return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.name, b.name))
	})
	return rows
}

// printStats writes the -S table, after the events: in text, a blank
// line and a table like forkstat's,
//
//	Fork     Exec     Exit Coredump     Comm    Clone   Ptrace      Uid      Gid      Sid    Total Process
//	   2        2        1        0        0        0        0        0        0        0        5 sh
//
// or in JSON a line per row:
//
//	{"what":"stats","name":"sh","fork":2,"exec":2,"exit":1,…,"total":5}
func (p *printer) printStats(s stats) error {
	rows := s.rows()
	if p.json {
		return p.statsJSON(rows)
	}
	if err := p.out.line(nil); err != nil {
		return err
	}
	b := p.b[:0]
	for _, k := range statKinds {
		b = append(padLeft(b, statLabels[k], 8), ' ')
	}
	if err := p.out.line(append(b, "   Total Process"...)); err != nil {
		return err
	}
	for _, r := range rows {
		b = b[:0]
		for _, k := range statKinds {
			b = append(padInt(b, int64(r.counts[k]), 8), ' ')
		}
		b = append(append(padInt(b, int64(r.total), 8), ' '), r.name...)
		if err := p.out.line(b); err != nil {
			return err
		}
	}
	p.b = b
	return nil
}

func (p *printer) statsJSON(rows []statRow) error {
	for _, r := range rows {
		j := jsonObject{b: append(p.b[:0], '{')}
		j.str("what", "stats")
		j.str("name", r.name)
		for _, k := range statKinds {
			j.uint(k.String(), r.counts[k])
		}
		j.uint("total", r.total)
		p.b = append(j.b, '}')
		if err := p.out.line(p.b); err != nil {
			return err
		}
	}
	return nil
}

// statName is the name a task counts under: the PROCESS column.
func (p *printer) statName(b []byte, x *task) []byte {
	if x == nil {
		return append(b, '?')
	}
	return p.appendName(b, x, true)
}
