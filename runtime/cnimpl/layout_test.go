package cnimpl

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/runtime/cn"
)

var (
	forkLayout = Layout{Type: "fork_event", Spans: []Span{
		{Name: "parent_pid", Off: 0, Need: 4}, {Name: "child_pid", Off: 4, Need: 4},
	}}
	outerLayout = Layout{Type: "outer", Spans: []Span{
		{Name: "what", Off: 0, Need: 4}, {Name: "fork", Off: 8, Need: 8, Nested: &forkLayout}, {Name: "tail", Off: 16, Need: 2},
	}}
)

func TestLayoutShort(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "cn: decode outer.what at offset 0: short buffer: need 4 bytes, have 0"},
		{3, "cn: decode outer.what at offset 0: short buffer: need 4 bytes, have 3"},
		{4, "cn: decode outer.fork.parent_pid at offset 8: short buffer: need 4 bytes, have 0"},
		{11, "cn: decode outer.fork.parent_pid at offset 8: short buffer: need 4 bytes, have 3"},
		{13, "cn: decode outer.fork.child_pid at offset 12: short buffer: need 4 bytes, have 1"},
		{17, "cn: decode outer.tail at offset 16: short buffer: need 2 bytes, have 1"},
	}
	for _, tc := range tests {
		err := outerLayout.Short(tc.n)
		if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
			t.Errorf("Short(%d): (-want +got)\n%s", tc.n, diff)
		}
		if !errors.Is(err, cn.ErrShort) {
			t.Errorf("Short(%d) is not ErrShort", tc.n)
		}
	}
}

func TestUnknownEnum(t *testing.T) {
	for _, tc := range []struct {
		zero bool
		want string
	}{
		{false, "cn: encode proc_input.mcast_op: unknown value mcast_op(7)"},
		{true, "cn: encode proc_input.mcast_op: unknown value mcast_op(0) (the enum declares no 0: set the field, or give the enum a value 0 in the schema)"},
	} {
		value := "mcast_op(7)"
		if tc.zero {
			value = "mcast_op(0)"
		}
		err := UnknownEnum("proc_input", "mcast_op", value, tc.zero)
		if got := err.Error(); got != tc.want || !errors.Is(err, cn.ErrUnknownValue) {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
