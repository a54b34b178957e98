package main

import "time"

// clock reads the time the way the kernel's clocks count it: the events'
// timestamp_ns is CLOCK_MONOTONIC (ktime_get_ns in
// drivers/connector/cn_proc.c), /proc's start times count
// CLOCK_BOOTTIME, and the time column is the wall clock.
type clock interface {
	// now returns CLOCK_MONOTONIC in nanoseconds and the wall clock, read
	// together.
	now() (mono int64, wall time.Time)
	// bootOffset is CLOCK_BOOTTIME - CLOCK_MONOTONIC: the time the machine
	// spent suspended.
	bootOffset() int64
}

// goClock is the clock of Go's time package: time.Now reads the wall
// clock and CLOCK_MONOTONIC through the vDSO, without a system call. The
// monotonic reading of a time.Time is relative to an unknown origin, so
// the clock is calibrated once against CLOCK_MONOTONIC itself
// (monotonic, from clock_linux.go).
type goClock struct {
	base  time.Time
	mono0 int64 // CLOCK_MONOTONIC at base
}

func newGoClock() *goClock {
	base := time.Now()
	return &goClock{base: base, mono0: monotonic()}
}

func (c *goClock) now() (int64, time.Time) {
	t := time.Now()
	return c.mono0 + int64(t.Sub(c.base)), t
}

func (c *goClock) bootOffset() int64 { return bootOffset() }

// wallAt is the wall-clock time of the monotonic instant ts, given mono
// and wall read together.
func wallAt(ts, mono int64, wall time.Time) time.Time {
	return wall.Add(time.Duration(ts - mono))
}
