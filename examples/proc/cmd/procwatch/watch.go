package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// options are what the command line asks for.
type options struct {
	mask     proc.Event     // -events: the kernel's filter
	show     selection      // -e; the zero value shows every kind
	root     int32          // -p: the root of the subtree shown; 0 for all
	comm     *regexp.Regexp // -comm; nil for any
	cmdline  bool           // -c: name processes by their command line
	stats    bool           // -S: the table of events per process at the end
	quiet    bool           // -q: print no events, only the -S table
	count    int            // -n: process events to show before exiting; 0: no limit
	duration time.Duration  // -D: how long to watch; 0: until a signal
	rcvbuf   int            // receive buffer in bytes; 0 keeps the system's
	json     bool           // JSON lines instead of text
	flushAll bool           // -l: flush every line

	// Where the machine's state comes from; nil for the machine's own.
	// Tests fake them.
	proc  procFS
	clock clock
	loc   *time.Location
}

// withDefaults fills in what o leaves unset.
func (o options) withDefaults() options {
	if o.mask == 0 {
		o.mask = proc.ProcEventAll
	}
	if o.show == (selection{}) {
		o.show = allKinds
	}
	if o.proc == nil {
		o.proc = sysProc{}
	}
	if o.clock == nil {
		o.clock = newGoClock()
	}
	if o.loc == nil {
		o.loc = time.Local
	}
	return o
}

// watcher prints the events of one subscription and keeps the process
// table. It is the subscription's proc.ProcHandler and its Dispatcher's
// OnError, which both run on the goroutine of Serve, one call at a time:
// it needs no lock (its output has one, for the flushes).
type watcher struct {
	o      options
	out    *output
	p      printer
	f      filter
	tab    *table
	clock  clock
	stats  stats // nil without -S
	stderr io.Writer
	stop   context.CancelFunc // ends Serve

	received uint64                 // events handed to Event, acks included
	printed  int                    // process events shown, acks not included
	filtered uint64                 // events not shown: -events, -e, -p, -comm
	gaps     cn.SeqGaps             // per CPU, with a subscription to all events
	lost     map[uint32]uint64      // per CPU: the gaps, for the summary
	drops    func() (uint64, error) // the socket's count of dropped messages, if it keeps one
	rs       resyncState
	err      error  // the first error writing the output
	name     []byte // a -S name, reused
}

func newWatcher(o options, stdout, stderr io.Writer) *watcher {
	o = o.withDefaults()
	w := &watcher{o: o, out: newOutput(stdout, o.flushAll), stderr: stderr, clock: o.clock, lost: make(map[uint32]uint64)}
	w.p = printer{out: w.out, json: o.json, cmdline: o.cmdline, quiet: o.quiet, loc: o.loc}
	w.f = filter{mask: o.mask, show: o.show, tree: o.root != 0, comm: o.comm}
	w.tab = newTable(o.proc, o.clock, o.cmdline, o.root)
	if o.stats || o.quiet {
		w.stats = make(stats)
	}
	return w
}

// run subscribes on ep and prints until ctx is done, the count is
// reached, the duration is over, the output fails or ep does. It always
// unsubscribes (IGNORE) before returning, and writes the summary to
// stderr.
func (w *watcher) run(ctx context.Context, ep cn.Endpoint) error {
	if w.o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.o.duration)
		defer cancel()
	}
	ctx, w.stop = context.WithCancel(ctx)
	defer w.stop()
	if c, ok := ep.(interface{ Drops() (uint64, error) }); ok {
		w.drops = c.Drops // a *cn.Conn: the kernel's count, SO_MEMINFO
	}
	if err := w.checkRoot(); err != nil {
		return err
	}
	var d cn.Dispatcher
	d.OnError = w.onError
	pc := proc.NewProcClient(ep, &d)
	if err := w.subscribe(pc, ep); err != nil {
		return err
	}
	err := w.watch(ctx, &d, ep)
	err = errors.Join(err, proc.Ignore(ep, w.o.mask), pc.Unsubscribe())
	w.summary(d.Stats())
	return err
}

// checkRoot fails if there is a -p root but /proc has no such process.
func (w *watcher) checkRoot() error {
	if r := w.o.root; r != 0 {
		if _, err := w.o.proc.readFile(strconv.Itoa(int(r))+"/stat", nil); err != nil {
			return fmt.Errorf("-p %d: no such process", r)
		}
	}
	return nil
}

// subscribe joins the proc connector's group and asks for events.
func (w *watcher) subscribe(pc *proc.ProcClient, ep cn.Endpoint) error {
	if err := pc.Subscribe(w); err != nil {
		if errors.Is(err, syscall.EPERM) {
			return fmt.Errorf("%w (joining the proc connector's group needs CAP_NET_ADMIN before Linux 6.6)", err)
		}
		return err
	}
	if err := proc.Listen(ep, w.o.mask); err != nil {
		return errors.Join(err, pc.Unsubscribe())
	}
	return nil
}

// watch loads the table, serves events until ctx is done, and prints
// the -S table. The table is loaded once the kernel sends events, so
// that what /proc does not show yet arrives as events.
func (w *watcher) watch(ctx context.Context, d *cn.Dispatcher, ep cn.Endpoint) error {
	w.rs.start, _ = w.clock.now()
	w.tab.load()
	w.rs.end, _ = w.clock.now()
	w.check(w.p.header())
	stopFlush := w.out.flushEvery(flushInterval)
	err := d.Serve(ctx, ep)
	if ctx.Err() != nil {
		err = nil // a signal, the count or the duration: a normal end
	}
	if w.stats != nil {
		w.check(w.p.printStats(w.stats))
	}
	w.check(stopFlush())
	return errors.Join(err, w.err)
}

// done reports whether the count of process events has been shown:
// Serve is ending, and events still arriving are left alone.
func (w *watcher) done() bool { return w.o.count > 0 && w.printed >= w.o.count }

// Event is the proc.ProcHandler method: each event from the kernel. It
// checks the numbering for losses, resyncs the table if events were
// lost, updates the table, and shows the event if the filters let it.
func (w *watcher) Event(r *cn.Request, ev *proc.ProcEvent) {
	if w.done() {
		return
	}
	w.received++
	mono, now := w.clock.now()
	at := wallAt(int64(ev.TimestampNS), mono, now)
	w.checkSeq(r.Seq, ev, at)
	w.maybeResync(mono, now)
	k := kindOf(ev)
	x := w.tab.apply(ev, k)
	if !w.f.shows(ev, k, x) {
		w.filtered++
		return
	}
	w.show(&line{ev: ev, kind: k, task: x, wall: at, lifetime: lifetime(ev, k, x)})
}

// show prints l and counts it.
func (w *watcher) show(l *line) {
	if l.task != nil {
		w.tab.refresh(l.task)
	}
	w.check(w.p.event(l))
	if l.kind == kindAck {
		return
	}
	if w.stats != nil {
		w.name = w.p.statName(w.name[:0], l.task)
		w.stats.count(w.name, l.kind)
	}
	w.printed++
	if w.done() {
		w.stop()
	}
}

// lifetime is the time from the fork of an exiting task to its exit, or
// -1 if the table does not know when it started.
func lifetime(ev *proc.ProcEvent, k kind, x *task) time.Duration {
	if k != kindExit || x == nil || x.start == 0 {
		return -1
	}
	return time.Duration(max(int64(ev.TimestampNS)-x.start, 0))
}

// ackCPU is the cpu of an ack from older kernels, which sent acks with
// cpu -1 and the seq of the request, outside the per-CPU numbering.
// Current ones (6.18 here) number acks like events, on the CPU that
// sent them.
const ackCPU = ^uint32(0)

// all reports whether the subscription is to all events (parseEvents
// gives ProcEventAll for no -events), and so gets a number of each.
func (w *watcher) all() bool { return w.o.mask == proc.ProcEventAll }

// checkSeq reports the events lost before ev, which happened at: the
// kernel numbers the events of each CPU in turn (cn_msg.seq), so a gap
// in one CPU's numbers is events that never reached this socket,
// whether it overran or the kernel could not allocate a message. Only a
// subscription to all events can tell: the kernel numbers the events it
// filters out too.
func (w *watcher) checkSeq(seq uint32, ev *proc.ProcEvent, at time.Time) {
	if !w.all() || ev.CPU == ackCPU {
		return
	}
	if n := w.gaps.Observe(ev.CPU, seq); n > 0 {
		w.lost[ev.CPU] += uint64(n)
		w.check(w.p.lost(at, ev.CPU, n))
		w.lossAt(int64(ev.TimestampNS)) // the lost ones came before ev
	}
}

// onError is the Dispatcher's OnError: an overrun is reported in the
// output, where it happened, and makes the table resync; the rest (a
// forged sender rejected, a malformed datagram) goes to stderr.
func (w *watcher) onError(err error) {
	if !errors.Is(err, cn.ErrOverrun) {
		fmt.Fprintf(w.stderr, "procwatch: %v\n", err)
		return
	}
	mono, now := w.clock.now()
	dropped, known := w.dropped()
	w.check(w.p.overrun(now, dropped, known))
	w.lossAt(mono)
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
//	procwatch: 1520 events, 3 lost (cpu 1: 3), 1 overrun (57 dropped), 1 resync, 0 filtered, 0 rejected
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
	b = fmt.Appendf(b, ", %d resync%s", w.rs.count, plural(uint64(w.rs.count)))
	b = fmt.Appendf(b, ", %d filtered, %d rejected\n", w.filtered, st.Rejected)
	w.stderr.Write(b)
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}
