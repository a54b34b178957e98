package cn

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSeqGaps(t *testing.T) {
	type obs struct{ source, seq uint32 }
	tests := []struct {
		name     string
		seen     []obs
		want     []uint32
		wantLost uint64
	}{
		{"in order", []obs{{0, 5}, {0, 6}, {0, 7}}, []uint32{0, 0, 0}, 0},
		{"gap", []obs{{0, 5}, {0, 9}}, []uint32{0, 3}, 3},
		{"per source", []obs{{0, 1}, {1, 100}, {0, 2}, {1, 102}}, []uint32{0, 0, 0, 1}, 1},
		{"wraps", []obs{{0, 0xfffffffe}, {0, 0xffffffff}, {0, 0}, {0, 2}}, []uint32{0, 0, 0, 1}, 1},
		{"duplicate", []obs{{0, 5}, {0, 5}}, []uint32{0, 0}, 0},
		{"backwards: a restart", []obs{{0, 5}, {0, 1}, {0, 3}}, []uint32{0, 0, 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g SeqGaps
			var got []uint32
			for _, o := range tt.seen {
				got = append(got, g.Observe(o.source, o.seq))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
			if g.Lost() != tt.wantLost {
				t.Errorf("Lost = %d, want %d", g.Lost(), tt.wantLost)
			}
		})
	}
}
