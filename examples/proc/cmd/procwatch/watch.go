package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"syscall"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// options are what the command line asks for.
type options struct {
	mask   proc.Event // the events to subscribe to
	count  int        // process events to print before exiting; 0: no limit
	rcvbuf int        // receive buffer in bytes; 0 keeps the system's
	json   bool       // JSON lines instead of text
}

// watcher prints the events of one subscription. It is the subscription's
// proc.ProcHandler and its Dispatcher's OnError, which both run on the
// goroutine of Serve, one call at a time: it needs no lock.
type watcher struct {
	o      options
	out    printer
	stderr io.Writer
	stop   context.CancelFunc // ends Serve

	received uint64                 // events handed to Event, acks included
	printed  int                    // process events printed, acks not included
	filtered uint64                 // events outside the subscription's mask
	gaps     cn.SeqGaps             // per CPU, with a subscription to all events
	lost     map[uint32]uint64      // per CPU: the gaps, for the summary
	drops    func() (uint64, error) // the socket's count of dropped messages, if it keeps one
	err      error                  // the first error writing the output
}

func newWatcher(o options, stdout, stderr io.Writer) *watcher {
	return &watcher{o: o, out: printer{w: stdout, json: o.json}, stderr: stderr, lost: make(map[uint32]uint64)}
}

// run subscribes on ep and prints until ctx is done, the count is
// reached, the output fails or ep does. It always unsubscribes (IGNORE)
// before returning, and writes the summary to stderr.
func (w *watcher) run(ctx context.Context, ep cn.Endpoint) error {
	ctx, w.stop = context.WithCancel(ctx)
	defer w.stop()
	if c, ok := ep.(interface{ Drops() (uint64, error) }); ok {
		w.drops = c.Drops // a *cn.Conn: the kernel's count, SO_MEMINFO
	}
	var d cn.Dispatcher
	d.OnError = w.onError
	pc := proc.NewProcClient(ep, &d)
	if err := pc.Subscribe(w); err != nil {
		if errors.Is(err, syscall.EPERM) {
			return fmt.Errorf("%w (joining the proc connector's group needs CAP_NET_ADMIN before Linux 6.6)", err)
		}
		return err
	}
	if err := proc.Listen(ep, w.o.mask); err != nil {
		return errors.Join(err, pc.Unsubscribe())
	}
	err := d.Serve(ctx, ep)
	if ctx.Err() != nil {
		err = nil // a signal or the count: a normal end
	}
	err = errors.Join(err, w.err, proc.Ignore(ep, w.o.mask), pc.Unsubscribe())
	w.summary(d.Stats())
	return err
}

// done reports whether the count of process events has been printed:
// Serve is ending, and events still arriving are left alone.
func (w *watcher) done() bool { return w.o.count > 0 && w.printed >= w.o.count }

// Event is the proc.ProcHandler method: each event from the kernel.
func (w *watcher) Event(r *cn.Request, ev *proc.ProcEvent) {
	if w.done() {
		return
	}
	w.received++
	w.checkSeq(r.Seq, ev)
	if !proc.Wanted(w.o.mask, ev) {
		w.filtered++
		return
	}
	w.check(w.out.print(ev))
	if ev.What != proc.EventNone {
		w.printed++
	}
	if w.done() {
		w.stop()
	}
}

// ackCPU is the cpu of an ack from older kernels, which sent acks with
// cpu -1 and the seq of the request, outside the per-CPU numbering.
// Current ones (6.18 here) number acks like events, on the CPU that
// sent them.
const ackCPU = ^uint32(0)

// all reports whether the subscription is to all events (parseEvents
// gives ProcEventAll for no -events), and so gets a number of each.
func (w *watcher) all() bool { return w.o.mask == proc.ProcEventAll }

// checkSeq reports the events lost before ev: the kernel numbers the
// events of each CPU in turn (cn_msg.seq), so a gap in one CPU's numbers
// is events that never reached this socket, whether it overran or the
// kernel could not allocate a message. Only a subscription to all
// events can tell: the kernel numbers the events it filters out too.
func (w *watcher) checkSeq(seq uint32, ev *proc.ProcEvent) {
	if !w.all() || ev.CPU == ackCPU {
		return
	}
	if n := w.gaps.Observe(ev.CPU, seq); n > 0 {
		w.lost[ev.CPU] += uint64(n)
		w.check(w.out.lost(ev.CPU, n))
	}
}

// onError is the Dispatcher's OnError: an overrun is reported in the
// output, where it happened; the rest (a forged sender rejected, a
// malformed datagram) goes to stderr.
func (w *watcher) onError(err error) {
	if !errors.Is(err, cn.ErrOverrun) {
		fmt.Fprintf(w.stderr, "procwatch: %v\n", err)
		return
	}
	dropped, known := w.dropped()
	w.check(w.out.overrun(dropped, known))
}

// dropped is the kernel's count of messages the socket dropped, if the
// endpoint keeps one.
func (w *watcher) dropped() (uint64, bool) {
	if w.drops == nil {
		return 0, false
	}
	n, err := w.drops()
	return n, err == nil
}

// check keeps the first output error and stops: nobody reads on.
func (w *watcher) check(err error) {
	if err != nil && w.err == nil {
		w.err = err
		w.stop()
	}
}

// summary writes the counts of the run to stderr, e.g.
//
//	procwatch: 1520 events, 3 lost (cpu 1: 3), 1 overrun (57 dropped), 0 filtered, 0 rejected
func (w *watcher) summary(st cn.Stats) {
	b := fmt.Appendf(nil, "procwatch: %d event%s", w.received, plural(w.received))
	if w.all() {
		b = fmt.Appendf(b, ", %d lost", w.gaps.Lost())
		for i, cpu := range slices.Sorted(maps.Keys(w.lost)) {
			sep := ", "
			if i == 0 {
				sep = " ("
			}
			b = fmt.Appendf(b, "%scpu %d: %d", sep, cpu, w.lost[cpu])
		}
		if len(w.lost) > 0 {
			b = append(b, ')')
		}
	} else {
		b = append(b, ", losses unknown with -events"...)
	}
	b = fmt.Appendf(b, ", %d overrun%s", st.Overruns, plural(st.Overruns))
	if n, ok := w.dropped(); ok {
		b = fmt.Appendf(b, " (%d dropped)", n)
	}
	b = fmt.Appendf(b, ", %d filtered, %d rejected\n", w.filtered, st.Rejected)
	w.stderr.Write(b)
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
