package cn_test

import (
	"context"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// word is a 4-byte payload as cngen would generate it; 0xdead does not
// encode.
type word uint32

var (
	errBadWord  = errors.New("word: 0xdead does not encode")
	errWordSize = errors.New("word: not 4 bytes")
)

func (w *word) AppendBinary(b []byte) ([]byte, error) {
	if *w == 0xdead {
		return b, errBadWord
	}
	return binary.NativeEndian.AppendUint32(b, uint32(*w)), nil
}

func (w *word) UnmarshalBinary(b []byte) error {
	if len(b) != 4 {
		return errWordSize
	}
	*w = word(binary.NativeEndian.Uint32(b))
	return nil
}

const userIdx = 11

func userID(val uint32) cn.ID { return cn.ID{Idx: userIdx, Val: val} }

// pair is a server serving one endpoint of a bus and a client over
// another, each with a Dispatcher of its own.
type pair struct {
	srv, cli *served
	client   *cn.Client
}

func newPair(t *testing.T, opts ...cn.ClientOption) *pair {
	t.Helper()
	p := &pair{srv: serve(t, new(cn.Dispatcher))}
	p.cli = serveOn(t, new(cn.Dispatcher), p.srv.bus)
	p.client = cn.NewClient(p.cli.conn, p.cli.d, userIdx, p.srv.conn.Port(), []uint32{5, 6}, opts...)
	return p
}

// serveOn is serve on a new endpoint of bus.
func serveOn(t *testing.T, d *cn.Dispatcher, bus *cntest.Bus) *served {
	t.Helper()
	s := &served{d: d, bus: bus, conn: bus.Dial(), done: make(chan error, 1)}
	d.OnError = func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.errs = append(s.errs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- d.Serve(ctx, s.conn) }()
	t.Cleanup(func() { s.stop(t) })
	return s
}

func shortCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestOnCall: what a server's method returns decides the reply, and a
// failure is counted and reported, with no reply.
func TestOnCall(t *testing.T) {
	errServer := errors.New("server says no")
	tests := []struct {
		name    string
		reply   *word
		err     error
		wantErr error // the server's OnError; nil: a reply arrives
	}{
		{"reply", ptr(word(8)), nil, nil},
		{"error", nil, errServer, errServer},
		{"error wins over a reply", ptr(word(8)), errServer, errServer},
		{"nil reply", nil, nil, cn.ErrNoReply},
		{"reply does not encode", ptr(word(0xdead)), nil, errBadWord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPair(t)
			var got word
			err := cn.Register(p.srv.d, []cn.Route{cn.OnCall(userID(1), "user.call", func(r *cn.Request, req *word) (*word, error) {
				got = *req
				return tt.reply, tt.err
			})})
			if err != nil {
				t.Fatal(err)
			}
			var reply word
			err = p.client.Call(shortCtx(t, 100*time.Millisecond), 1, ptr(word(7)), &reply)
			p.srv.sync(t)
			if got != 7 {
				t.Errorf("server got %d, want 7", got)
			}
			if tt.wantErr == nil {
				if err != nil || reply != *tt.reply {
					t.Errorf("Call = %d, %v; want %d", reply, err, *tt.reply)
				}
				return
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Call = %v, want DeadlineExceeded", err)
			}
			errs := p.srv.errors()
			var de *cn.DispatchError
			if len(errs) != 1 || !errors.As(errs[0], &de) || !errors.Is(de, tt.wantErr) || de.Name != "user.call" || de.From != p.cli.conn.Port() {
				t.Errorf("server OnError got %v, want a DispatchError of user.call wrapping %v", errs, tt.wantErr)
			}
			if st := p.srv.d.Stats(); st.Failed != 1 {
				t.Errorf("server Failed = %d, want 1", st.Failed)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestOnCallInvalid: a request that does not decode reaches no method.
func TestOnCallInvalid(t *testing.T) {
	p := newPair(t)
	called := false
	cn.Register(p.srv.d, []cn.Route{cn.OnCall(userID(1), "user.call", func(*cn.Request, *word) (*word, error) {
		called = true
		return nil, nil
	})})
	p.cli.conn.Send(&cn.Msg{ID: userID(1), Data: []byte{1, 2}}, cn.Addr{Port: p.srv.conn.Port()})
	p.srv.sync(t)
	if called || p.srv.d.Stats().Invalid != 1 {
		t.Errorf("called %v, Stats %+v; want no call and one invalid", called, p.srv.d.Stats())
	}
}

// TestRegister: all routes or none.
func TestRegister(t *testing.T) {
	var d cn.Dispatcher
	noop := func(*cn.Request, *word) {}
	if err := cn.Register(&d, []cn.Route{cn.On(userID(2), "taken", noop)}); err != nil {
		t.Fatal(err)
	}
	err := cn.Register(&d, []cn.Route{cn.On(userID(1), "a", noop), cn.On(userID(2), "b", noop)})
	if !errors.Is(err, cn.ErrExists) {
		t.Fatalf("Register = %v, want ErrExists", err)
	}
	// userID(1) was removed again: registering it succeeds.
	if err := d.AddCallback(userID(1), "again", func(*cn.Request) {}); err != nil {
		t.Errorf("route of a failed Register left behind: %v", err)
	}
}

// countingSender is a Sender in front of an endpoint.
type countingSender struct {
	ep cn.Endpoint
	n  atomic.Int32
}

func (s *countingSender) Send(m *cn.Msg, to cn.Addr) error {
	s.n.Add(1)
	return s.ep.Send(m, to)
}

func TestClientSend(t *testing.T) {
	p := newPair(t)
	sender := &countingSender{ep: p.cli.conn}
	client := cn.NewClient(p.cli.conn, p.cli.d, userIdx, p.srv.conn.Port(), nil, cn.WithSender(sender))
	var got []cn.Message
	cn.Register(p.srv.d, []cn.Route{cn.On(userID(3), "user.send", func(r *cn.Request, w *word) {
		m := r.Message
		m.Data = append([]byte(nil), m.Data...)
		got = append(got, m)
	})})
	if err := client.Send(3, ptr(word(9))); err != nil {
		t.Fatal(err)
	}
	if err := client.Send(3, ptr(word(0xdead))); !errors.Is(err, errBadWord) {
		t.Errorf("Send of a bad payload = %v, want its encoding error", err)
	}
	p.srv.sync(t)
	if len(got) != 1 || got[0].ID != userID(3) || got[0].From != p.cli.conn.Port() || string(got[0].Data) != string(binary.NativeEndian.AppendUint32(nil, 9)) {
		t.Errorf("server got %+v", got)
	}
	if n := sender.n.Load(); n != 1 {
		t.Errorf("the Sender option sent %d messages, want 1", n)
	}
	// Calls go through the Sender too.
	cn.Register(p.srv.d, []cn.Route{cn.OnCall(userID(1), "user.call", func(_ *cn.Request, w *word) (*word, error) { return w, nil })})
	var reply word
	if err := client.Call(shortCtx(t, 5*time.Second), 1, ptr(word(4)), &reply); err != nil || reply != 4 {
		t.Errorf("Call = %d, %v", reply, err)
	}
	if n := sender.n.Load(); n != 2 {
		t.Errorf("the Sender option sent %d messages, want 2", n)
	}
}

func TestClientCallErrors(t *testing.T) {
	p := newPair(t)
	p.srv.d.AddCallback(userID(1), "user.call", func(r *cn.Request) { r.Reply([]byte{1, 2, 3}) })
	var reply word
	err := p.client.Call(shortCtx(t, 5*time.Second), 1, ptr(word(1)), &reply)
	var oe *cn.OpError
	if !errors.Is(err, errWordSize) || !errors.As(err, &oe) || oe.Op != "call 11:1" {
		t.Errorf("undecodable reply: Call = %v, want an OpError call 11:1 wrapping the decode error", err)
	}
	if err := p.client.Call(shortCtx(t, 5*time.Second), 1, ptr(word(0xdead)), &reply); !errors.Is(err, errBadWord) {
		t.Errorf("request that does not encode: Call = %v", err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	before := p.srv.d.Stats().Received
	if err := p.client.Call(done, 1, ptr(word(1)), &reply); !errors.Is(err, context.Canceled) {
		t.Errorf("Call with a done ctx = %v, want Canceled", err)
	}
	p.srv.sync(t)
	if got := p.srv.d.Stats().Received - before; got != 1 { // the sync marker only
		t.Errorf("Call with a done ctx sent %d messages", got-1)
	}
}

// TestSubscribe: events on the family's groups reach the routes until
// Unsubscribe.
func TestSubscribe(t *testing.T) {
	p := newPair(t)
	got := make(chan word, 10)
	routes := []cn.Route{cn.On(userID(4), "user.event", func(_ *cn.Request, w *word) { got <- *w })}
	if err := p.client.Subscribe(routes); err != nil {
		t.Fatal(err)
	}
	for _, g := range []uint32{5, 6} {
		if err := cn.SendBinary(p.srv.conn, userID(4), ptr(word(g)), cn.Addr{Group: g}); err != nil {
			t.Fatal(err)
		}
	}
	p.cli.sync(t)
	if err := p.client.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	cn.SendBinary(p.srv.conn, userID(4), ptr(word(7)), cn.Addr{Group: 5})
	cn.SendBinary(p.srv.conn, userID(4), ptr(word(8)), cn.Addr{Port: p.cli.conn.Port()})
	p.cli.sync(t)
	close(got)
	var all []word
	for w := range got {
		all = append(all, w)
	}
	if diff := cmp.Diff([]word{5, 6}, all); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if st := p.cli.d.Stats(); st.Unknown != 1 {
		t.Errorf("after Unsubscribe, Unknown = %d, want 1 (the unicast)", st.Unknown)
	}
	// Subscribe again works: nothing was left registered.
	if err := p.client.Subscribe(routes); err != nil {
		t.Errorf("second Subscribe: %v", err)
	}
}

// bare is an Endpoint that cannot join groups.
type bare struct{ cn.Endpoint }

func TestSubscribeWithoutGroups(t *testing.T) {
	var d cn.Dispatcher
	_, c := cntest.Pipe()
	routes := []cn.Route{cn.On(userID(4), "user.event", func(*cn.Request, *word) {})}
	client := cn.NewClient(bare{c}, &d, userIdx, 0, []uint32{5})
	err := client.Subscribe(routes)
	var oe *cn.OpError
	if !errors.Is(err, errors.ErrUnsupported) || !errors.As(err, &oe) || oe.Op != "join-group" {
		t.Errorf("Subscribe = %v, want an OpError join-group wrapping ErrUnsupported", err)
	}
	if err := cn.Register(&d, routes); err != nil {
		t.Errorf("a failed Subscribe left its routes registered: %v", err)
	}
	// A family without groups needs no membership.
	d.DelCallback(userID(4))
	if err := cn.NewClient(bare{c}, &d, userIdx, 0, nil).Subscribe(routes); err != nil {
		t.Errorf("Subscribe without groups: %v", err)
	}
}
