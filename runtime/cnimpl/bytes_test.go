package cnimpl

import (
	"bytes"
	"testing"
)

func TestExtend(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		n    int
	}{
		{"nil", nil, 8},
		{"zero bytes", []byte("ab"), 0},
		{"room in spare capacity", append(make([]byte, 0, 64), "ab"...), 8},
		{"grows", []byte("ab"), 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Dirty the spare capacity: the window must still be zeros.
			spare := tt.b[len(tt.b):cap(tt.b)]
			for i := range spare {
				spare[i] = 0xa5
			}
			prefix := bytes.Clone(tt.b)
			whole, window := Extend(tt.b, tt.n)
			if len(whole) != len(prefix)+tt.n || len(window) != tt.n {
				t.Fatalf("len(whole) %d, len(window) %d; want %d, %d", len(whole), len(window), len(prefix)+tt.n, tt.n)
			}
			if !bytes.Equal(whole[:len(prefix)], prefix) {
				t.Errorf("prefix %q, want %q", whole[:len(prefix)], prefix)
			}
			if !bytes.Equal(window, make([]byte, tt.n)) {
				t.Errorf("window %x, want zeros", window)
			}
			if tt.n > 0 {
				window[0] = 1
				if whole[len(prefix)] != 1 {
					t.Error("window is not the tail of whole")
				}
			}
		})
	}
}

func TestExtendAllocs(t *testing.T) {
	b := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { b, _ = Extend(b[:0], 40) }); n != 0 {
		t.Errorf("Extend within capacity allocated %v times", n)
	}
}
