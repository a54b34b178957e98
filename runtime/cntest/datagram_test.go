package cntest

import (
	"errors"
	"net"
	"testing"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSendDatagrams checks that a user-space receiver gets a datagram
// whole and the kernel endpoint its first netlink message only, and
// where SendDatagrams stops.
func TestSendDatagrams(t *testing.T) {
	bus := NewBus()
	k, a, b := bus.Kernel(), bus.Dial(), bus.Dial()
	ms := []cn.Msg{{ID: id, Seq: 1, Data: []byte("one")}, {ID: id, Seq: 2, Data: []byte("two!")}}
	var d []byte
	for i := range ms {
		d, _ = cn.AppendNetlink(d, &ms[i], a.Port())
	}
	ds := []cn.Datagram{{To: cn.Addr{Port: b.Port()}, B: d}, {To: cn.Addr{}, B: d}}
	if n, err := a.SendDatagrams(ds); n != 2 || err != nil {
		t.Fatalf("SendDatagrams = %d, %v", n, err)
	}
	d[0] = 0xff // the datagrams were copied
	want := []cn.Message{{Msg: ms[0], From: a.Port()}, {Msg: ms[1], From: a.Port()}}
	if diff := cmp.Diff(want, receive(t, b), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("user space (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[:1], receive(t, k), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("kernel (-want +got):\n%s", diff)
	}

	bad := []cn.Datagram{{To: cn.Addr{Port: b.Port()}, B: d}, {To: cn.Addr{Port: 99}, B: d}, {To: cn.Addr{Port: b.Port()}, B: d}}
	if n, err := a.SendDatagrams(bad); n != 1 || err == nil {
		t.Errorf("SendDatagrams to an unknown port second = %d, %v; want 1 and an error", n, err)
	}
	a.Close()
	if n, err := a.SendDatagrams(bad); n != 0 || !errors.Is(err, net.ErrClosed) {
		t.Errorf("SendDatagrams after Close = %d, %v", n, err)
	}
}
