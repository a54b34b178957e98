//go:build linux

package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// TestKernelLostEvents makes the kernel drop events for a listener, by
// shrinking its receive queue to the least the kernel allows during a
// burst of processes, and checks the losses procwatch reports from the
// gaps in each CPU's sequence numbers against the kernel's own count of
// messages the socket dropped (SO_MEMINFO): they must be equal, once
// every CPU has sent an event before the burst and one after it.
func TestKernelLostEvents(t *testing.T) {
	skipUnlessKernel(t)
	c, err := cn.Dial(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A big queue but during the burst: past net.core.rmem_max with
	// CAP_NET_ADMIN, up to it without.
	bigQueue := func() {
		t.Helper()
		if err := c.SetReadBuffer(8<<20, true); err != nil {
			if err := c.SetReadBuffer(8<<20, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	bigQueue()
	var stdout, stderr syncBuffer
	w := newWatcher(options{mask: proc.ProcEventAll}, &stdout, &stderr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.run(ctx, c) }()
	defer func() { t.Logf("stderr: %s", stderr.String()) }()

	waitLine(t, &stdout, regexp.MustCompile(`(?m)^ack err=0`))
	onEveryCPU(t, &stdout) // a first number of each CPU
	if err := c.SetReadBuffer(1, false); err != nil {
		t.Fatal(err)
	}
	burst := exec.Command("/bin/sh", "-c", "for i in $(seq 300); do /bin/true & done; wait")
	if out, err := burst.CombinedOutput(); err != nil {
		t.Fatalf("burst: %v\n%s", err, out)
	}
	bigQueue()
	onEveryCPU(t, &stdout) // a last number of each CPU
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	dropped, err := c.Drops()
	if err != nil {
		t.Fatal(err)
	}
	var lost, overruns uint64
	for _, line := range strings.Split(stdout.String(), "\n") {
		var n, cpu uint64
		if _, err := fmt.Sscanf(line, "lost %d events on cpu %d", &n, &cpu); err == nil {
			lost += n
		} else if _, err := fmt.Sscanf(line, "lost 1 event on cpu %d", &cpu); err == nil {
			lost++
		}
		if strings.HasPrefix(line, "overrun: ") {
			overruns++
		}
	}
	t.Logf("dropped %d (SO_MEMINFO), reported lost %d, %d overruns", dropped, lost, overruns)
	if dropped == 0 {
		t.Fatal("the burst made the kernel drop nothing: nothing to check")
	}
	if lost != dropped {
		t.Errorf("reported %d events lost, the kernel dropped %d", lost, dropped)
	}
	if lost != w.gaps.Lost() {
		t.Errorf("lost lines add up to %d, the summary says %d", lost, w.gaps.Lost())
	}
	if overruns == 0 {
		t.Error("no overrun reported")
	}
}

// waitLine waits until out has a line matching re.
func waitLine(t *testing.T, out *syncBuffer, re *regexp.Regexp) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !re.MatchString(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no line matching %s after 10s", re)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// onEveryCPU runs /bin/true on each CPU the test may use, and waits for
// the exit events: each CPU has then numbered an event this listener
// received.
func onEveryCPU(t *testing.T, out *syncBuffer) {
	t.Helper()
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	for cpu := range 1024 {
		if all.IsSet(cpu) {
			pid := runOn(t, cpu, &all)
			waitLine(t, out, regexp.MustCompile(`(?m)^exit pid=`+strconv.Itoa(pid)+`/.* cpu=`+strconv.Itoa(cpu)+`$`))
		}
	}
}

// runOn runs /bin/true pinned to cpu: forked from a thread pinned there,
// it inherits the thread's affinity. The thread gets back the set all.
func runOn(t *testing.T, cpu int, all *unix.CPUSet) int {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var one unix.CPUSet
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		t.Fatal(err)
	}
	defer unix.SchedSetaffinity(0, all)
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}
