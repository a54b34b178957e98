package proc

import (
	"encoding/binary"
	"fmt"

	"github.com/cngen/cngen/runtime/cn"
)

// This file is written by hand, beside the generated proc.cn.go: what a
// listener needs to know about the kernel's proc connector that the
// schema cannot say. Receiving is the generated glue's:
//
//	c, err := cn.Dial(nil)
//	…
//	var d cn.Dispatcher
//	pc := proc.NewProcClient(c, &d)
//	pc.Subscribe(h)              // h's Event gets each event, from port 0 only
//	proc.Listen(c, mask)         // the kernel starts sending
//	go d.Serve(ctx, c)
//	…
//	proc.Ignore(c, mask)         // before Close: the kernel counts listeners
//
// Listen and Ignore send through a [cn.Sender] rather than through
// [ProcClient.Control], which always sends the 8-byte proc_input: the
// kernel drops it before Linux 6.6, and needs the 4-byte form there.

// Listen asks the kernel for the process events in mask, sending through
// s to port 0: [ProcEventAll] (or 0) for all of them. Unknown bits are
// ignored, as the kernel does. The kernel acks with an event whose What
// is [EventNone] to the sockets subscribed to all events; a filter mask
// needs Linux 6.6, and so does subscribing without CAP_NET_ADMIN.
//
// The endpoint behind s must have joined [ProcGroup] first
// ([ProcClient.Subscribe] does). Between joining and the kernel reading
// the subscription, a socket gets every event: filter them with [Wanted].
func Listen(s cn.Sender, mask Event) error { return control(s, McastOpListen, mask) }

// Ignore tells the kernel that the socket behind s no longer listens.
// Send it before closing the socket: the kernel counts listeners, and
// produces events for as long as the count says one is left. mask must
// be the one given to Listen.
func Ignore(s cn.Sender, mask Event) error { return control(s, McastOpIgnore, mask) }

// control sends op for the events in mask. For all events it sends the
// op alone, the 4-byte form every kernel accepts (before 6.6 the kernel
// drops any other length); for a filter, proc_input{op, mask}, which 6.6
// added.
func control(s cn.Sender, op McastOp, mask Event) error {
	id := cn.ID{Idx: ProcIdx, Val: ProcControlVal}
	var err error
	if mask = normalize(mask); mask == ProcEventAll {
		err = s.Send(&cn.Msg{ID: id, Data: binary.NativeEndian.AppendUint32(nil, uint32(op))}, cn.Addr{})
	} else {
		err = cn.SendBinary(s, id, &ProcInput{McastOp: op, EventType: mask}, cn.Addr{})
	}
	if err != nil {
		return fmt.Errorf("proc: %v: %w", op, err)
	}
	return nil
}

// normalize is mask as the kernel reads it (valid_event in
// drivers/connector/cn_proc.c): unknown bits dropped, and none meaning
// all.
func normalize(mask Event) Event {
	if mask &= ProcEventAll; mask == 0 {
		return ProcEventAll
	}
	return mask
}

// Wanted reports whether ev is one that a subscription to mask asks for,
// as the kernel's filter decides (cn_filter in
// drivers/connector/cn_proc.c). The kernel filters only once it has read
// the subscription: between joining the group and then, a socket gets
// every event, and before Linux 6.6 it never filters. Acks (What
// [EventNone]) reach only subscriptions to all events, and
// [EventNonzeroExit] asks for exits with a non-zero exit code.
func Wanted(mask Event, ev *ProcEvent) bool {
	mask = normalize(mask)
	if mask == ProcEventAll {
		return true
	}
	if mask&EventNonzeroExit != 0 && ev.What == EventExit && ev.EventData.Exit.ExitCode != 0 {
		return true
	}
	return mask&ev.What != 0
}
