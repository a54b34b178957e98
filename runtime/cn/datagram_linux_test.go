//go:build linux

package cn_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/google/go-cmp/cmp"
)

// frame packs ms into one datagram, as a batching sender does.
func frame(t *testing.T, from uint32, ms ...cn.Msg) []byte {
	t.Helper()
	var b []byte
	for i := range ms {
		var err error
		if b, err = cn.AppendNetlink(b, &ms[i], from); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// TestIntegrationSendDatagrams sends datagrams of one and of several
// messages in one call: each arrives whole, every message parsed.
func TestIntegrationSendDatagrams(t *testing.T) {
	a, b := dial(t, &cn.Config{Protocol: cn.ProtoUsersock}), dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	to := cn.Addr{Port: b.Port()}
	batches := [][]cn.Msg{
		{{ID: echoID, Seq: 1, Data: []byte{1}}, {ID: echoID, Seq: 2, Data: []byte{2, 3, 4, 5, 6}}, {ID: echoID, Seq: 3, Data: []byte{}}},
		{{ID: echoID, Seq: 4, Data: []byte("four")}},
	}
	var ds []cn.Datagram
	for _, ms := range batches {
		ds = append(ds, cn.Datagram{To: to, B: frame(t, a.Port(), ms...)})
	}
	if n, err := a.SendDatagrams(ds); n != 2 || err != nil {
		t.Fatalf("SendDatagrams = %d, %v; want 2, nil", n, err)
	}
	for _, ms := range batches {
		var want []cn.Message
		for _, m := range ms {
			want = append(want, cn.Message{Msg: m, From: a.Port()})
		}
		if diff := cmp.Diff(want, recv(t, b)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
	none(t, b)
}

// TestIntegrationSendDatagramsStops checks the count SendDatagrams
// returns when it stops early: at a full receiver, after the datagrams
// that went (exactly those arrive), and at a group out of range.
func TestIntegrationSendDatagramsStops(t *testing.T) {
	a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	b := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, ReadBuffer: 1})
	one := frame(t, a.Port(), cn.Msg{ID: echoID, Data: make([]byte, 40)})
	ds := make([]cn.Datagram, 3000)
	for i := range ds {
		ds[i] = cn.Datagram{To: cn.Addr{Port: b.Port()}, B: one}
	}
	n, err := a.SendDatagrams(ds)
	if !errors.Is(err, cn.ErrQueueFull) || n == 0 || n >= len(ds) {
		t.Fatalf("SendDatagrams to a small queue = %d, %v; want some sent, then ErrQueueFull", n, err)
	}
	got := 0
	for {
		b.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		msgs, err := b.Receive()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got += len(msgs)
	}
	if got != n {
		t.Errorf("received %d, SendDatagrams said %d went", got, n)
	}

	bad := []cn.Datagram{{To: cn.Addr{Port: a.Port()}, B: one}, {To: cn.Addr{Group: 33}, B: one}, {To: cn.Addr{Port: a.Port()}, B: one}}
	if n, err := b.SendDatagrams(bad); n != 1 || !errors.Is(err, cn.ErrGroupRange) {
		t.Errorf("SendDatagrams with group 33 second = %d, %v; want 1, ErrGroupRange", n, err)
	}
	if len(recv(t, a)) != 1 {
		t.Error("the datagram before the bad one did not arrive")
	}
	b.Close()
	var oe *cn.OpError
	if n, err := b.SendDatagrams(bad[:1]); n != 0 || !errors.As(err, &oe) || oe.Op != "send" {
		t.Errorf("SendDatagrams after Close = %d, %v; want 0, an *OpError send", n, err)
	}
}

// TestIntegrationSendDatagramsMulticast multicasts on NETLINK_USERSOCK,
// where the copy to port 0 finds no kernel socket (ECONNREFUSED): every
// datagram counts as sent and reaches the member.
func TestIntegrationSendDatagramsMulticast(t *testing.T) {
	needNetAdmin(t)
	const group = 21
	ns := nstest.Private(t)
	a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns})
	m := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{group}})
	ds := make([]cn.Datagram, 5)
	for i := range ds {
		ds[i] = cn.Datagram{To: cn.Addr{Group: group}, B: frame(t, a.Port(), cn.Msg{ID: echoID, Seq: uint32(i)}, cn.Msg{ID: echoID, Seq: 100 + uint32(i)})}
	}
	if n, err := a.SendDatagrams(ds); n != len(ds) || err != nil {
		t.Fatalf("SendDatagrams = %d, %v; want %d, nil", n, err, len(ds))
	}
	for i := range ds {
		msgs := recv(t, m)
		if len(msgs) != 2 || msgs[0].Seq != uint32(i) || msgs[1].Seq != 100+uint32(i) || msgs[0].Group != group {
			t.Errorf("datagram %d: %+v", i, msgs)
		}
	}
}
