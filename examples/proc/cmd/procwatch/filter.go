package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cngen/cngen/examples/proc"
)

// kind is what an event line says happened: the kernel's event, with
// fork split in two, as forkstat does: a fork whose child pid is not its
// tgid made a thread, a clone.
type kind uint8

const (
	kindAck kind = iota // what = none: the kernel's answer to LISTEN
	kindFork
	kindClone
	kindExec
	kindExit
	kindUID
	kindGID
	kindSID
	kindPtrace
	kindComm
	kindCoredump
	kindOther // an event this build does not know
	nKinds
)

// kindNames are the kinds' names, as -e and the output spell them.
var kindNames = [nKinds]string{
	"ack", "fork", "clone", "exec", "exit", "uid", "gid", "sid", "ptrace", "comm", "coredump", "other",
}

func (k kind) String() string { return kindNames[k] }

// kindOf is the kind of ev.
func kindOf(ev *proc.ProcEvent) kind {
	switch ev.What {
	case proc.EventNone:
		return kindAck
	case proc.EventFork:
		if f := &ev.EventData.Fork; f.ChildPID != f.ChildTGID {
			return kindClone
		}
		return kindFork
	case proc.EventExec:
		return kindExec
	case proc.EventExit:
		return kindExit
	case proc.EventUID:
		return kindUID
	case proc.EventGID:
		return kindGID
	case proc.EventSID:
		return kindSID
	case proc.EventPtrace:
		return kindPtrace
	case proc.EventComm:
		return kindComm
	case proc.EventCoredump:
		return kindCoredump
	}
	return kindOther
}

// selection is the -e list: the kinds of events to show.
type selection struct {
	kinds       uint32 // bit 1<<kind
	nonzeroExit bool   // exits with a non-zero exit code, even without exit
}

// allKinds selects every kind, events of unknown kinds included.
var allKinds = selection{kinds: 1<<nKinds - 1}

func (s selection) has(k kind) bool { return s.kinds&(1<<k) != 0 }

// selects reports whether s shows ev, of kind k.
func (s selection) selects(k kind, ev *proc.ProcEvent) bool {
	if k == kindExit && s.nonzeroExit && ev.EventData.Exit.ExitCode != 0 {
		return true
	}
	return s.has(k)
}

// selectAliases are forkstat's names for the kinds, accepted by -e too.
var selectAliases = map[string]string{"core": "coredump", "ptrce": "ptrace", "nonzeroexit": "nonzero_exit"}

// parseSelection turns "fork,exit" into a selection; "" and "all" are
// every kind.
func parseSelection(list string) (selection, error) {
	if list == "" {
		return allKinds, nil
	}
	var s selection
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if a, ok := selectAliases[name]; ok {
			name = a
		}
		if err := s.add(name); err != nil {
			return selection{}, err
		}
	}
	return s, nil
}

func (s *selection) add(name string) error {
	switch name {
	case "all":
		*s = allKinds
		return nil
	case "nonzero_exit":
		s.nonzeroExit = true
		return nil
	}
	for k := kindFork; k < kindOther; k++ {
		if kindNames[k] == name {
			s.kinds |= 1 << k
			return nil
		}
	}
	return fmt.Errorf("unknown event %q", name)
}

// filter is what decides which events are shown: -events (the kernel's
// mask, for the events sent before the kernel applies it), -e, -p and
// -comm. Acks are always shown.
type filter struct {
	mask proc.Event
	show selection
	tree bool           // -p: only tasks of the subtree
	comm *regexp.Regexp // -comm; nil for any
}

// shows reports whether the line of ev, of kind k, about the task x, is
// shown.
func (f *filter) shows(ev *proc.ProcEvent, k kind, x *task) bool {
	switch {
	case !proc.Wanted(f.mask, ev):
		return false
	case k == kindAck:
		return true
	case !f.show.selects(k, ev):
		return false
	case f.tree && (x == nil || !x.inTree):
		return false
	}
	return f.comm == nil || x != nil && f.comm.MatchString(x.comm)
}
