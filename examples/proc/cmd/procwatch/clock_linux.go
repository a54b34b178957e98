package main

import "golang.org/x/sys/unix"

// monotonic is CLOCK_MONOTONIC in nanoseconds.
func monotonic() int64 { return clockNano(unix.CLOCK_MONOTONIC) }

// bootOffset is CLOCK_BOOTTIME - CLOCK_MONOTONIC in nanoseconds.
func bootOffset() int64 {
	mono := clockNano(unix.CLOCK_MONOTONIC)
	return clockNano(unix.CLOCK_BOOTTIME) - mono
}

func clockNano(id int32) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(id, &ts); err != nil {
		return 0 // not on Linux 2.6.39 and later, which every connector has
	}
	return ts.Nano()
}
