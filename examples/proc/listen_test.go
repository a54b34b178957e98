package proc

import "testing"

func TestListenerWanted(t *testing.T) {
	exit := func(code uint32) *ProcEvent {
		ev := &ProcEvent{What: EventExit}
		ev.EventData.Exit.ExitCode = code
		return ev
	}
	tests := []struct {
		name string
		mask Event
		ev   *ProcEvent
		want bool
	}{
		{"all: ack", ProcEventAll, &ProcEvent{What: EventNone}, true},
		{"all: unknown", ProcEventAll, &ProcEvent{What: 0x8}, true},
		{"fork: fork", EventFork, &ProcEvent{What: EventFork}, true},
		{"fork: exec", EventFork, &ProcEvent{What: EventExec}, false},
		{"fork: ack", EventFork, &ProcEvent{What: EventNone}, false},
		{"nonzero_exit: exit 0", EventNonzeroExit, exit(0), false},
		{"nonzero_exit: exit 1", EventNonzeroExit, exit(1 << 8), true},
		{"nonzero_exit: killed", EventNonzeroExit, exit(9), true},
		{"nonzero_exit|exit: exit 0", EventNonzeroExit | EventExit, exit(0), true},
	}
	for _, tt := range tests {
		l := &Listener{mask: tt.mask}
		if got := l.wanted(tt.ev); got != tt.want {
			t.Errorf("%s: wanted = %v, want %v", tt.name, got, tt.want)
		}
	}
}
