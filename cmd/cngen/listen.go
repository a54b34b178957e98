package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cn"
)

const listenArgs = "[FAMILY | uevent | -schema FILE.cn [-family NAME]] [-group N] [-json] [-n N] [-duration D] [-proto P] [-rcvbuf BYTES]"

// listenValueFlags are the flags of listen that take a value, for
// finding the word uevent among the arguments.
var listenValueFlags = []string{"schema", "family", "group", "n", "duration", "proto", "rcvbuf"}

// runListen prints the messages of a family as they arrive, decoded with
// its schema, until -n messages, -duration, or an interrupt.
func runListen(args []string, stdout, stderr io.Writer) error {
	if rest, ok := ueventArgs(args); ok {
		return listenUevent(rest, stdout, stderr)
	}
	fs := newFlags("listen", listenArgs, stderr)
	schema := fs.String("schema", "", "the schema `FILE.cn`; without it, a built-in family's (cngen list)")
	family := fs.String("family", "", "the family of the schema to listen to, when it declares several")
	group := fs.Uint("group", 0, "the multicast group to join (default: the family's groups)")
	asJSON := fs.Bool("json", false, "print JSON lines: time, message, numbers, sender and the data as cngen decode prints it")
	count := fs.Int("n", 0, "stop after `N` messages (0: no limit)")
	duration := fs.Duration("duration", 0, "stop after this long (0: no limit)")
	proto := protoFlag(fs)
	rcvbuf := fs.Int("rcvbuf", 0, "the socket's receive buffer in `BYTES` (0: the system's default; root may exceed net.core.rmem_max)")
	pos, help, err := parseInterspersed(fs, args)
	if help || err != nil {
		return err
	}
	builtin, err := oneName(pos, "listen")
	if err != nil {
		return err
	}
	if *count < 0 || *duration < 0 || *rcvbuf < 0 {
		return usageError{"listen: -n, -duration and -rcvbuf cannot be negative"}
	}
	if *group > model.MaxGroup {
		return usageError{fmt.Sprintf("listen: -group %d: a connector socket has groups 1 to %d", *group, model.MaxGroup)}
	}
	p, err := protocol(*proto)
	if err != nil {
		return err
	}
	l, err := loadLive(*schema, *family, builtin, true)
	if err != nil {
		return err
	}
	groups := l.family.Groups
	if *group != 0 {
		groups = []uint32{uint32(*group)}
	}
	if len(groups) == 0 {
		return usageError{fmt.Sprintf("listen: family %s has no multicast group: give one with -group", l.family.Name)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	c, err := cn.Dial(&cn.Config{Protocol: p, Groups: groups, ReadBuffer: *rcvbuf, ForceReadBuffer: *rcvbuf > 0 && os.Geteuid() == 0})
	if err != nil {
		return fmt.Errorf("listen: %v", err)
	}
	defer c.Close()
	ls := &listener{live: l, conn: c, out: bufio.NewWriter(stdout), stderr: stderr, json: *asJSON, limit: *count, proto: p}
	return ls.run(ctx, groups)
}

// ueventArgs reports whether the arguments name the uevent source, and
// returns them without that word.
func ueventArgs(args []string) ([]string, bool) {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "uevent":
			return append(append([]string{}, args[:i]...), args[i+1:]...), true
		case a == "--", !strings.HasPrefix(a, "-"):
			return nil, false // a family, or no word at all
		default:
			if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && slices.Contains(listenValueFlags, name) {
				i++ // the flag's value
			}
		}
	}
	return nil, false
}

// listener is one run of cngen listen.
type listener struct {
	*live
	conn   *cn.Conn
	out    *bufio.Writer
	stderr io.Writer
	json   bool
	limit  int
	proto  int

	start *cn.Msg // the subscription sent, to tell its answer
	gaps  cn.SeqGaps
	stats listenStats
	width int // of the message column
}

// listenStats are the counts of the final summary.
type listenStats struct {
	received, decoded, malformed, forged, other, lost uint64
	overruns, acks                                    uint64
}

func (ls *listener) run(ctx context.Context, groups []uint32) error {
	for _, m := range ls.family.Messages {
		if m.Kind == model.Event {
			ls.width = max(ls.width, len(m.Name))
		}
	}
	if err := ls.subscribe(); err != nil {
		return err
	}
	ls.status("listening to %s (idx %s) on group %s", ls.family.Name, ls.family.IdxText, joinGroups(groups))
	stopWaking := context.AfterFunc(ctx, func() { ls.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stopWaking()
	err := ls.loop(ctx)
	ls.unsubscribe()
	ls.out.Flush()
	ls.summary()
	return err
}

// subscribe sends a built-in family's start message to the kernel.
func (ls *listener) subscribe() error {
	if ls.builtin == nil || ls.builtin.Start == nil || ls.proto != cn.ProtoConnector {
		return nil
	}
	m := &cn.Msg{ID: cn.ID{Idx: ls.family.Idx, Val: ls.builtin.Start.Val}, Data: ls.builtin.Start.Data}
	if err := ls.conn.Send(m, cn.Addr{}); err != nil {
		return fmt.Errorf("listen: subscribing to %s: %v", ls.family.Name, err)
	}
	ls.start = m
	return nil
}

// unsubscribe sends the stop message: the kernel counts listeners, and
// keeps producing events while it thinks one is left.
func (ls *listener) unsubscribe() {
	if ls.start == nil {
		return
	}
	m := &cn.Msg{ID: cn.ID{Idx: ls.family.Idx, Val: ls.builtin.Stop.Val}, Data: ls.builtin.Stop.Data}
	if err := ls.conn.Send(m, cn.Addr{}); err != nil {
		ls.status("unsubscribing from %s: %v", ls.family.Name, err)
	}
}

func (ls *listener) loop(ctx context.Context) error {
	for {
		msgs, err := ls.conn.Receive()
		for i := range msgs {
			ls.message(&msgs[i])
			if ls.limit > 0 && ls.stats.decoded >= uint64(ls.limit) {
				return nil
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil:
			return nil
		case errors.Is(err, cn.ErrOverrun):
			ls.stats.overruns++
			drops, derr := ls.conn.Drops()
			if derr != nil {
				ls.status("overrun: the socket's queue overflowed and the kernel dropped messages")
			} else {
				ls.status("overrun: the socket's queue overflowed; %d messages dropped so far", drops)
			}
		case errors.Is(err, cn.ErrMalformed):
			ls.stats.malformed++
			ls.status("malformed datagram: %v", err)
		case errors.Is(err, net.ErrClosed):
			return nil
		default:
			return fmt.Errorf("listen: %v", err)
		}
		ls.out.Flush()
	}
}

// message decodes and prints one message, or says why not.
func (ls *listener) message(m *cn.Message) {
	ls.stats.received++
	if m.ID.Idx != ls.family.Idx {
		ls.stats.other++
		return
	}
	if ls.family.Sender == model.SenderKernel && m.From != 0 {
		ls.stats.forged++
		ls.status("forged: a message of %s (val %d, seq %d) from port %d, not the kernel: dropped", ls.family.Name, m.ID.Val, m.Seq, m.From)
		return
	}
	msg, lay := ls.inbound(m.ID.Val)
	if msg == nil {
		ls.stats.malformed++
		ls.status("seq %d: family %s has no message with val %d", m.Seq, ls.family.Name, m.ID.Val)
		return
	}
	v, err := ls.codec.Decode(lay, m.Data)
	if err != nil {
		ls.stats.malformed++
		ls.status("seq %d: %s: %v (payload %x)", m.Seq, msg.Name, err, m.Data)
		return
	}
	if cpu, ok := cpuOf(v); ok {
		if gap := ls.gaps.Observe(cpu, m.Seq); gap > 0 {
			ls.status("lost %d messages on cpu %d (seq %d follows %d)", gap, cpu, m.Seq, m.Seq-gap-1)
		}
	}
	if ls.answers(&m.Msg) {
		ls.stats.acks++
		ls.status("the kernel answered the subscription: %s", codec.JSON(v))
		return
	}
	ls.stats.decoded++
	now := time.Now()
	if ls.json {
		fmt.Fprintf(ls.out, `{"time":%q,"message":%q,"seq":%d,"ack":%d,"from":%d,"group":%d,"data":%s}`+"\n",
			now.Format(jsonTime), msg.Name, m.Seq, m.Ack, m.From, m.Group, codec.JSON(v))
		return
	}
	fmt.Fprintf(ls.out, "%s  %-*s  seq=%d  %s\n", now.Format(textTime), ls.width, msg.Name, m.Seq, textOf(v))
}

// answers reports whether m is the kernel's answer to the subscription:
// proc acks with the subscription's ack plus one (and, depending on the
// kernel, its ack or its own count as seq).
func (ls *listener) answers(m *cn.Msg) bool {
	return ls.start != nil && m.ID == ls.start.ID && m.Ack == ls.start.Ack+1
}

// inbound is the message of the family that arrives with val, and the
// layout of its payload: an event, else a message a peer sends (seen on
// a bus between processes).
func (ls *listener) inbound(val uint32) (*model.Message, *wire.Layout) {
	for _, kind := range []model.MsgKind{model.Event, model.Send, model.Call} {
		for _, m := range ls.family.Messages {
			if m.Kind == kind && m.Val == val {
				return m, ls.plan.Payload(m, false)
			}
		}
	}
	return nil, nil
}

// cpuOf is the value of a payload's integer field cpu: the CPU whose
// counter numbered the message, as proc's events say.
func cpuOf(v codec.Value) (uint32, bool) {
	for i, f := range v.Type.Fields {
		if f.Name == "cpu" && f.Type.Kind == model.KindInt && i < len(v.Fields) {
			return uint32(v.Fields[i].Bits), true
		}
	}
	return 0, false
}

func (ls *listener) status(format string, args ...any) {
	ls.out.Flush()
	fmt.Fprintf(ls.stderr, "cngen: listen: "+format+"\n", args...)
}

func (ls *listener) summary() {
	s := &ls.stats
	s.lost = ls.gaps.Lost()
	drops, err := ls.conn.Drops()
	if err == nil && drops > s.lost {
		s.lost = drops
	}
	line := fmt.Sprintf("%d received, %d decoded, %d malformed, %d forged, %d lost (%d overruns", s.received, s.decoded, s.malformed, s.forged, s.lost, s.overruns)
	if err == nil {
		line += fmt.Sprintf(", %d dropped by the socket", drops)
	}
	line += ")"
	if s.other > 0 {
		line += fmt.Sprintf(", %d of other families", s.other)
	}
	fmt.Fprintf(ls.stderr, "cngen: listen: %s\n", line)
}

func joinGroups(gs []uint32) string {
	var out []string
	for _, g := range gs {
		out = append(out, strconv.FormatUint(uint64(g), 10))
	}
	return strings.Join(out, ",")
}
