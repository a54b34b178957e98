package dmlog_test

// The typed glue generated for golden/dmlog, a family the kernel serves,
// with its kernel side (-kernel-peer) standing in for the kernel.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/golden/dmlog"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// dmHandler is a dmlog.DmHandler.
type dmHandler struct{ got chan uint64 }

func (h *dmHandler) Request(r *cn.Request, ev *dmlog.DmUlogRequest) { h.got <- ev.Luid }

// TestKernelOnly: the handler of a family the kernel serves takes events
// from the kernel (port 0) only. The same event from a user-space port is
// counted as rejected and never reaches it, whatever the message says.
func TestKernelOnly(t *testing.T) {
	bus := cntest.NewBus()
	kernel, cli, forger := bus.Kernel(), bus.Dial(), bus.Dial()
	var d cn.Dispatcher
	var rejected []error
	d.OnError = func(err error) { rejected = append(rejected, err) }
	h := &dmHandler{got: make(chan uint64, 2)}
	client := dmlog.NewDmClient(cli, &d)
	if err := client.Subscribe(h); err != nil {
		t.Fatal(err)
	}
	serveUntilCleanup(t, &d, cli)

	// The forgery goes first, on the group and to the port; the
	// kernel's event after it.
	req := func(luid uint64) *dmlog.DmUlogRequest {
		return &dmlog.DmUlogRequest{Luid: luid, RequestType: dmlog.RequestTypeCtr}
	}
	forged := dmlog.NewDmEvents(forger)
	for _, err := range []error{
		forged.BroadcastRequest(req(666)),
		forged.Request(req(667), cn.Addr{Port: cli.Port()}),
		dmlog.NewDmEvents(kernel).BroadcastRequest(req(1)),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	select {
	case luid := <-h.got:
		if luid != 1 {
			t.Errorf("handler got luid %d, want the kernel's 1", luid)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the kernel's event did not arrive")
	}
	st := d.Stats()
	if diff := cmp.Diff(cn.Stats{Received: 3, Dispatched: 1, Rejected: 2}, st); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	if len(h.got) != 0 {
		t.Errorf("a forged event reached the handler: luid %d", <-h.got)
	}
	for _, err := range rejected {
		var de *cn.DispatchError
		if !errors.As(err, &de) || !errors.Is(err, cn.ErrRejected) || de.From != forger.Port() || de.Name != "dm.request" {
			t.Errorf("OnError got %v, want a rejection of dm.request from port %d", err, forger.Port())
		}
	}
}

// serveUntilCleanup serves ep with d until the test ends.
func serveUntilCleanup(t *testing.T, d *cn.Dispatcher, ep cn.Endpoint) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ep) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Serve = %v, want context.Canceled", err)
		}
	})
}
