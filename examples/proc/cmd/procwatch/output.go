package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// flushInterval is how long a line may wait in the output's buffer.
const flushInterval = 100 * time.Millisecond

// output is standard output, buffered: a write per line would cost a
// system call per event (forkstat's stdio buffers likewise). Lines are
// flushed within flushInterval, or each at once with -l. The watcher
// writes on the Dispatcher's goroutine and a ticker flushes on its own:
// a mutex keeps them apart.
type output struct {
	mu     sync.Mutex
	w      *bufio.Writer
	always bool // flush after each line
	dirty  bool
}

func newOutput(w io.Writer, always bool) *output {
	return &output{w: bufio.NewWriterSize(w, 64<<10), always: always}
}

// line writes b and a newline. The error is the first of any write so
// far: bufio.Writer keeps it.
func (o *output) line(b []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.w.Write(b)
	if err := o.w.WriteByte('\n'); err != nil || !o.always {
		o.dirty = true
		return err
	}
	return o.w.Flush()
}

func (o *output) flush() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dirty = false
	return o.w.Flush()
}

// flushEvery flushes the buffer every d, when it holds lines, until stop
// is called; stop flushes a last time and returns the first error.
func (o *output) flushEvery(d time.Duration) (stop func() error) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				o.flushDirty()
			}
		}
	}()
	return func() error {
		close(done)
		<-exited
		return o.flush()
	}
}

func (o *output) flushDirty() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dirty {
		o.dirty = false
		o.w.Flush()
	}
}
