package main

import (
	"bytes"
	"errors"
	"strconv"
)

// procFS reads the files of /proc: the real one (procfs_linux.go), or a
// fake in tests. Names are relative to /proc: "123/stat".
type procFS interface {
	// readFile appends the contents of name to buf.
	readFile(name string, buf []byte) ([]byte, error)
	// pids lists the numeric entries of the directory dir: "" for the
	// processes, "123/task" for the threads of process 123.
	pids(dir string) ([]int32, error)
}

// clockTicks is USER_HZ, the unit of the start times in /proc/PID/stat:
// 100 on every architecture Go supports (sysconf(_SC_CLK_TCK)).
const clockTicks = 100

// pfKthread is PF_KTHREAD (include/linux/sched.h) in the flags of
// /proc/PID/stat: the task is a kernel thread.
const pfKthread = 0x00200000

var errBadStat = errors.New("malformed stat")

// procStat is what procwatch takes from /proc/PID/stat (proc_pid_stat(5)).
type procStat struct {
	comm  string
	state byte // R, S, D, Z (zombie), X (dead)…
	ppid  int32
	flags uint32
	start uint64 // starttime: clock ticks since boot (CLOCK_BOOTTIME)
}

// parseStat parses a stat file. The comm, in parentheses, may hold
// spaces and parentheses itself: it ends at the last ')'.
func parseStat(b []byte) (procStat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return procStat{}, errBadStat
	}
	s := procStat{comm: string(b[open+1 : end])}
	// After the comm: state(3) ppid(4) … flags(9) … starttime(22).
	f := bytes.Fields(b[end+1:])
	if len(f) < 20 {
		return procStat{}, errBadStat
	}
	ppid, err1 := strconv.ParseInt(string(f[1]), 10, 32)
	flags, err2 := strconv.ParseUint(string(f[6]), 10, 32)
	start, err3 := strconv.ParseUint(string(f[19]), 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procStat{}, errBadStat
	}
	s.state, s.ppid, s.flags, s.start = f[0][0], int32(ppid), uint32(flags), start
	return s, nil
}

// exited reports whether the task has exited: a zombie, or dead.
func (s *procStat) exited() bool { return s.state == 'Z' || s.state == 'X' }

// parseUIDs returns the real and effective uid of a status file's
// "Uid:\treal\teffective\tsaved\tfs" line.
func parseUIDs(b []byte) (ruid, euid uint32, ok bool) {
	for line := range bytes.Lines(b) {
		rest, found := bytes.CutPrefix(line, []byte("Uid:"))
		if !found {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) < 2 {
			return 0, 0, false
		}
		r, err1 := strconv.ParseUint(string(f[0]), 10, 32)
		e, err2 := strconv.ParseUint(string(f[1]), 10, 32)
		return uint32(r), uint32(e), err1 == nil && err2 == nil
	}
	return 0, 0, false
}

// cmdlineString turns a cmdline file, the arguments each ended by a NUL,
// into one line: NULs (and newlines, which would break the output's
// lines) become spaces.
func cmdlineString(b []byte) string {
	b = bytes.TrimRight(b, "\x00")
	out := make([]byte, len(b))
	for i, c := range b {
		if c == 0 || c == '\n' || c == '\r' {
			c = ' '
		}
		out[i] = c
	}
	return string(out)
}

// parsePIDs keeps the names of directory entries that are pids.
func parsePIDs(names []string) []int32 {
	var pids []int32
	for _, n := range names {
		if n == "" || n[0] < '0' || n[0] > '9' {
			continue
		}
		if v, err := strconv.ParseInt(n, 10, 32); err == nil && v > 0 {
			pids = append(pids, int32(v))
		}
	}
	return pids
}
