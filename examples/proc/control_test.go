package proc_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

func TestWanted(t *testing.T) {
	exit := func(code uint32) *proc.ProcEvent {
		ev := &proc.ProcEvent{What: proc.EventExit}
		ev.EventData.Exit.ExitCode = code
		return ev
	}
	tests := []struct {
		name string
		mask proc.Event
		ev   *proc.ProcEvent
		want bool
	}{
		{"all: ack", proc.ProcEventAll, &proc.ProcEvent{What: proc.EventNone}, true},
		{"all: unknown", proc.ProcEventAll, &proc.ProcEvent{What: 0x8}, true},
		{"none means all", proc.EventNone, &proc.ProcEvent{What: proc.EventExec}, true},
		{"unknown bits only mean all", 0x8, &proc.ProcEvent{What: proc.EventExec}, true},
		{"fork: fork", proc.EventFork, &proc.ProcEvent{What: proc.EventFork}, true},
		{"fork: exec", proc.EventFork, &proc.ProcEvent{What: proc.EventExec}, false},
		{"fork: ack", proc.EventFork, &proc.ProcEvent{What: proc.EventNone}, false},
		{"nonzero_exit: exit 0", proc.EventNonzeroExit, exit(0), false},
		{"nonzero_exit: exit 1", proc.EventNonzeroExit, exit(1 << 8), true},
		{"nonzero_exit: killed", proc.EventNonzeroExit, exit(9), true},
		{"nonzero_exit|exit: exit 0", proc.EventNonzeroExit | proc.EventExit, exit(0), true},
	}
	for _, tt := range tests {
		if got := proc.Wanted(tt.mask, tt.ev); got != tt.want {
			t.Errorf("%s: Wanted = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestControlForms checks what Listen and Ignore send to the kernel: the
// 4-byte op alone for all events, which every kernel takes, and the
// 8-byte proc_input for a filter.
func TestControlForms(t *testing.T) {
	ne := func(words ...uint32) []byte {
		var b []byte
		for _, w := range words {
			b = binary.NativeEndian.AppendUint32(b, w)
		}
		return b
	}
	tests := []struct {
		name string
		send func(cn.Sender, proc.Event) error
		mask proc.Event
		want []byte
	}{
		{"listen all", proc.Listen, proc.ProcEventAll, ne(1)},
		{"listen none is all", proc.Listen, 0, ne(1)},
		{"ignore all", proc.Ignore, proc.ProcEventAll, ne(2)},
		{"listen fork|exit", proc.Listen, proc.EventFork | proc.EventExit, ne(1, 0x80000001)},
		{"ignore nonzero_exit", proc.Ignore, proc.EventNonzeroExit, ne(2, 0x20000000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bus := cntest.NewBus()
			kernel, listener := bus.Kernel(), bus.Dial()
			if err := tt.send(listener, tt.mask); err != nil {
				t.Fatal(err)
			}
			kernel.SetReadDeadline(time.Now().Add(5 * time.Second))
			msgs, err := kernel.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 {
				t.Fatalf("kernel got %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if want := (cn.ID{Idx: proc.ProcIdx, Val: proc.ProcControlVal}); m.ID != want || m.From != listener.Port() {
				t.Errorf("message %v from port %d, want %v from %d", m.ID, m.From, want, listener.Port())
			}
			if diff := cmp.Diff(tt.want, m.Data); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
		})
	}
}
