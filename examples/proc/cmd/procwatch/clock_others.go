//go:build !linux

package main

import "time"

var start = time.Now()

// monotonic stands in for CLOCK_MONOTONIC where there is none.
func monotonic() int64 { return int64(time.Since(start)) }

func bootOffset() int64 { return 0 }
