package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    procStat
		wantErr bool
	}{
		{
			name: "process",
			in:   "4336 (cat) R 4330 4330 30449 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 806607 3133440 394 18446744073709551615\n",
			want: procStat{comm: "cat", state: 'R', ppid: 4330, flags: 4194304, start: 806607},
		},
		{
			name: "kernel thread",
			in:   "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 18446744073709551615",
			want: procStat{comm: "kthreadd", state: 'S', flags: 2129984, start: 1},
		},
		{
			name: "comm with spaces and parentheses",
			in:   "7 (a) b (c)) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0",
			want: procStat{comm: "a) b (c)", state: 'S', ppid: 1, start: 55},
		},
		{
			name: "zombie",
			in:   "9 (sh) Z 1 9 9 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0",
			want: procStat{comm: "sh", state: 'Z', ppid: 1, flags: 4227084, start: 77},
		},
		{name: "short", in: "7 (x) S 1 7", wantErr: true},
		{name: "no comm", in: "7 x S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55", wantErr: true},
		{name: "not a number", in: "7 (x) S one 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(procStat{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseUIDs(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		ruid, euid uint32
		ok         bool
	}{
		{"root", "Name:\tcat\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n", 0, 0, true},
		{"setuid", "Name:\tpasswd\nTgid:\t9\nUid:\t1000\t0\t0\t0\n", 1000, 0, true},
		{"none", "Name:\tcat\n", 0, 0, false},
		{"short", "Uid:\t5\n", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, e, ok := parseUIDs([]byte(tt.in))
			if r != tt.ruid || e != tt.euid || ok != tt.ok {
				t.Errorf("parseUIDs = %d, %d, %v; want %d, %d, %v", r, e, ok, tt.ruid, tt.euid, tt.ok)
			}
		})
	}
}

func TestCmdlineString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sh\x00-c\x00exit 3\x00", "sh -c exit 3"},
		{"", ""},
		{"nginx: worker process\x00\x00\x00", "nginx: worker process"},
		{"evil\nline\x00", "evil line"},
	}
	for _, tt := range tests {
		if got := cmdlineString([]byte(tt.in)); got != tt.want {
			t.Errorf("cmdlineString(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePIDs(t *testing.T) {
	got := parsePIDs([]string{"1", "self", "42", "0", "sys", "2147483648", "7x", "99"})
	if diff := cmp.Diff([]int32{1, 42, 99}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
