package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/cntest"
)

// TestOutput: lines wait in the buffer until a flush: the ticker's, or
// at once with -l; the last flush comes when the ticker stops.
func TestOutput(t *testing.T) {
	t.Run("buffered", func(t *testing.T) {
		var out syncBuffer
		o := newOutput(&out, false)
		stop := o.flushEvery(10 * time.Millisecond)
		o.line([]byte("one"))
		if out.String() != "" {
			t.Errorf("written before a flush: %q", out.String())
		}
		deadline := time.Now().Add(5 * time.Second)
		for out.String() == "" && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		o.line([]byte("two"))
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != "one\ntwo\n" {
			t.Errorf("got %q, want both lines", got)
		}
	})
	t.Run("-l", func(t *testing.T) {
		var out strings.Builder
		o := newOutput(&out, true)
		o.line([]byte("one"))
		if got := out.String(); got != "one\n" {
			t.Errorf("got %q, want the line at once", got)
		}
	})
}

// TestNoRoot: -p of a pid that /proc does not have is an error, before
// subscribing.
func TestNoRoot(t *testing.T) {
	w := newWatcher(options{root: 42, proc: newFakeProc(initTask)}, &strings.Builder{}, &strings.Builder{})
	if err := w.run(t.Context(), cntest.NewBus().Dial()); err == nil || err.Error() != "-p 42: no such process" {
		t.Errorf("run = %v, want -p 42: no such process", err)
	}
}
