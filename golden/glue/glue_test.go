package glue

// Tests of the typed glue cngen generates from glue.cn, over the
// in-memory bus of runtime/cntest.

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// testShop is a ShopServer.
type testShop struct {
	notes chan string
	blobs chan []byte
}

func (s *testShop) Get(_ *cn.Request, req *Item) (*Item, error) {
	it := *req
	it.ID++
	return &it, nil
}

func (s *testShop) Count(_ *cn.Request, n uint32) (string, error) {
	return strings.Repeat("x", int(n)), nil
}

func (s *testShop) Paint(_ *cn.Request, c Color) (CString12, error) {
	var out CString12
	err := out.Set(c.String())
	return out, err
}

func (s *testShop) List(_ *cn.Request, all bool) ([]Item, error) {
	if !all {
		return nil, nil
	}
	return []Item{{ID: 1}, {ID: 2}}, nil
}

func (s *testShop) Mask(_ *cn.Request, m [2]uint16) (Perm, error) { return Perm(m[0] | m[1]), nil }

func (s *testShop) Raw(_ *cn.Request, w *Word) ([]byte, error) {
	b := w.B()
	return b[:], nil
}

func (s *testShop) Note(_ *cn.Request, msg string) { s.notes <- msg }

func (s *testShop) Blob(_ *cn.Request, msg []byte) { s.blobs <- slices.Clone(msg) }

// testWatcher is a ShopHandler and a WatchHandler, and a LoudHandler.
type testWatcher struct{ got chan any }

func (w *testWatcher) Added(_ *cn.Request, ev *Item)    { w.got <- *ev }
func (w *testWatcher) Renamed(_ *cn.Request, ev string) { w.got <- ev }
func (w *testWatcher) Colored(_ *cn.Request, ev Color)  { w.got <- ev }
func (w *testWatcher) Batch(_ *cn.Request, ev []Item)   { w.got <- slices.Clone(ev) }
func (w *testWatcher) Seen(_ *cn.Request, ev *Item)     { w.got <- *ev }
func (w *testWatcher) Shout(_ *cn.Request, ev CString4) { w.got <- ev.String() }

func (w *testWatcher) next(t *testing.T) any {
	t.Helper()
	select {
	case v := <-w.got:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
		return nil
	}
}

// serve serves ep with d until the test ends.
func serve(t *testing.T, d *cn.Dispatcher, ep cn.Endpoint) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Serve(ctx, ep)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func item(id uint32, name string) Item {
	it := Item{ID: id}
	if err := it.Name.Set(name); err != nil {
		panic(err)
	}
	return it
}

// TestShop calls every call, sends every send and broadcasts every event
// of family shop, each payload kind through its wrapper or its type.
func TestShop(t *testing.T) {
	bus := cntest.NewBus()
	srvConn, cliConn := bus.Dial(), bus.Dial()
	var srvD, cliD cn.Dispatcher
	shop := &testShop{notes: make(chan string, 1), blobs: make(chan []byte, 1)}
	if err := RegisterShopServer(&srvD, shop); err != nil {
		t.Fatal(err)
	}
	serve(t, &srvD, srvConn)
	serve(t, &cliD, cliConn)
	c := NewShopClient(cliConn, &cliD, srvConn.Port())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	var word Word
	word.SetB([4]uint8{1, 2, 3, 4})
	calls := []struct {
		name string
		call func() (any, error)
		want any
	}{
		{"get", func() (any, error) { it := item(6, "six"); return c.Get(ctx, &it) }, ptr(item(7, "six"))},
		{"count", func() (any, error) { return c.Count(ctx, 3) }, "xxx"},
		{"paint", func() (any, error) { v, err := c.Paint(ctx, ColorGreen); return v.String(), err }, "green"},
		{"list", func() (any, error) { return c.List(ctx, true) }, []Item{{ID: 1}, {ID: 2}}},
		{"list none", func() (any, error) { return c.List(ctx, false) }, []Item(nil)},
		{"mask", func() (any, error) { return c.Mask(ctx, [2]uint16{1, 2}) }, PermRead | PermWrite},
		{"raw", func() (any, error) { return c.Raw(ctx, &word) }, []byte{1, 2, 3, 4}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tt.want, got) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	if _, err := c.Paint(ctx, Color(9)); err == nil {
		t.Error("Paint of an unknown color: no error")
	}

	c.Note("hello")
	c.Blob([]byte{9, 8})
	if got := <-shop.notes; got != "hello" {
		t.Errorf("note %q", got)
	}
	if got := <-shop.blobs; !reflect.DeepEqual(got, []byte{9, 8}) {
		t.Errorf("blob %v", got)
	}

	w := &testWatcher{got: make(chan any, 10)}
	if err := c.Subscribe(w); err != nil {
		t.Fatal(err)
	}
	ev := NewShopEvents(srvConn)
	ev.BroadcastAdded(ptr(item(1, "one")))
	ev.BroadcastRenamed("uno")
	ev.Colored(ColorRed, cn.Addr{Port: cliConn.Port()})
	ev.BroadcastBatch([]Item{item(2, "two"), item(3, "three")})
	want := []any{item(1, "one"), "uno", ColorRed, []Item{item(2, "two"), item(3, "three")}}
	for i, wv := range want {
		if got := w.next(t); !reflect.DeepEqual(wv, got) {
			t.Errorf("event %d: got %#v, want %#v", i, got, wv)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// testKernel plays the kernel's side of family watch.
type testKernel struct{ starts chan [2]uint32 }

func (k *testKernel) Start(r *cn.Request, mask uint32) { k.starts <- [2]uint32{mask, r.From} }

// TestWatch: a kernel family's client sends to port 0, its handler takes
// events from the kernel and rejects the same event from a user port.
func TestWatch(t *testing.T) {
	bus := cntest.NewBus()
	kernel, cli := bus.Kernel(), bus.Dial()
	var kd, cd cn.Dispatcher
	k := &testKernel{starts: make(chan [2]uint32, 1)}
	if err := RegisterWatchServer(&kd, k); err != nil {
		t.Fatal(err)
	}
	serve(t, &kd, kernel)
	serve(t, &cd, cli)
	c := NewWatchClient(cli, &cd)
	w := &testWatcher{got: make(chan any, 10)}
	if err := c.Subscribe(w); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(0x42); err != nil {
		t.Fatal(err)
	}
	if got, want := <-k.starts, [2]uint32{0x42, cli.Port()}; got != want {
		t.Errorf("the kernel got start %v, want %v", got, want)
	}
	NewWatchEvents(bus.Dial()).Seen(ptr(item(66, "forged")), cn.Addr{Port: cli.Port()})
	NewWatchEvents(kernel).BroadcastSeen(ptr(item(1, "real")))
	if got := w.next(t); !reflect.DeepEqual(got, item(1, "real")) {
		t.Errorf("event %#v, want the kernel's", got)
	}
	if st := cd.Stats(); st.Rejected != 1 || st.Dispatched != 1 {
		t.Errorf("Stats %+v, want 1 dispatched and 1 rejected", st)
	}
	if err := c.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	NewWatchEvents(kernel).BroadcastSeen(ptr(item(2, "late")))
	NewWatchEvents(kernel).Seen(ptr(item(3, "late")), cn.Addr{Port: cli.Port()})
	for deadline := time.Now().Add(5 * time.Second); cd.Stats().Unknown == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // until the unicast, sent after the broadcast, is handled
	}
	if st := cd.Stats(); st.Received != 3 || st.Unknown != 1 || len(w.got) != 0 {
		t.Errorf("after Unsubscribe: Stats %+v, %d events; want the unicast unknown and the broadcast not received", st, len(w.got))
	}
}

type testQuiet struct{}

func (testQuiet) Ask(_ *cn.Request, n uint64) (int64, error) { return -int64(n), nil }

// TestQuietLoud: a family of calls only and one of unicast events only.
func TestQuietLoud(t *testing.T) {
	bus := cntest.NewBus()
	srv, cli := bus.Dial(), bus.Dial()
	var sd, cd cn.Dispatcher
	RegisterQuietServer(&sd, testQuiet{})
	serve(t, &sd, srv)
	serve(t, &cd, cli)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if got, err := NewQuietClient(cli, &cd, srv.Port()).Ask(ctx, 7); got != -7 || err != nil {
		t.Errorf("Ask = %d, %v", got, err)
	}
	w := &testWatcher{got: make(chan any, 1)}
	if err := NewLoudClient(cli, &cd, srv.Port()).Subscribe(w); err != nil {
		t.Fatal(err)
	}
	var s CString4
	s.Set("hey")
	NewLoudEvents(srv).Shout(s, cn.Addr{Port: cli.Port()})
	if got := w.next(t); got != "hey" {
		t.Errorf("shout %q", got)
	}
}
