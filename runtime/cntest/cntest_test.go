package cntest

import (
	"bytes"
	"errors"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var id = cn.ID{Idx: 11, Val: 1}

// receive returns copies of the messages of c's next datagram.
func receive(t *testing.T, c *Conn) []cn.Message {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	msgs, err := c.Receive()
	if err != nil {
		t.Fatalf("port %d: Receive: %v", c.Port(), err)
	}
	for i := range msgs {
		msgs[i].Data = bytes.Clone(msgs[i].Data)
	}
	return msgs
}

// empty checks that c has nothing to receive.
func empty(t *testing.T, c *Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now())
	if msgs, err := c.Receive(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("port %d: Receive = %v, %v; want nothing", c.Port(), msgs, err)
	}
}

func TestUnicast(t *testing.T) {
	a, b := Pipe()
	m := cn.Msg{ID: id, Data: []byte("hi")}
	if err := a.Send(&m, cn.Addr{Port: b.Port()}); err != nil {
		t.Fatal(err)
	}
	if m.Seq == 0 && m.Ack == 0 {
		t.Error("Send did not number the message")
	}
	want := []cn.Message{{Msg: m, From: a.Port()}}
	if diff := cmp.Diff(want, receive(t, b), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	empty(t, a)
}

func TestMulticast(t *testing.T) {
	bus := NewBus()
	k, sender, in, out := bus.Kernel(), bus.Dial(), bus.Dial(), bus.Dial()
	for _, c := range []*Conn{sender, in} {
		if err := c.JoinGroup(11); err != nil {
			t.Fatal(err)
		}
	}
	out.JoinGroup(12)
	m := cn.Msg{ID: id, Seq: 1, Ack: 2}
	if err := sender.Send(&m, cn.Addr{Group: 11}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]cn.Message{{Msg: m, From: sender.Port(), Group: 11}}, receive(t, in), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("member (-want +got):\n%s", diff)
	}
	// From user space, the copy addressed to port 0 reaches the kernel.
	if diff := cmp.Diff([]cn.Message{{Msg: m, From: sender.Port()}}, receive(t, k), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("kernel (-want +got):\n%s", diff)
	}
	empty(t, sender)
	empty(t, out)

	// From the kernel, the port is excluded, as cn_netlink_send does.
	if err := k.Send(&m, cn.Addr{Port: in.Port(), Group: 11}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]cn.Message{{Msg: m, From: 0, Group: 11}}, receive(t, sender), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("kernel multicast (-want +got):\n%s", diff)
	}
	empty(t, in)

	in.LeaveGroup(11)
	sender.Send(&m, cn.Addr{Group: 11})
	empty(t, in)
}

func TestSendErrors(t *testing.T) {
	a, b := Pipe()
	tests := []struct {
		name string
		m    cn.Msg
		to   cn.Addr
		want error
	}{
		{"no such port", cn.Msg{ID: id}, cn.Addr{Port: 99}, syscall.ECONNREFUSED},
		{"group beyond 32", cn.Msg{ID: id}, cn.Addr{Group: 33}, cn.ErrGroupRange},
		{"too large", cn.Msg{ID: id, Data: make([]byte, cn.MaxDataLen+1)}, cn.Addr{Port: b.Port()}, cn.ErrMsgSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Send(&tt.m, tt.to)
			var oe *cn.OpError
			if !errors.Is(err, tt.want) || !errors.As(err, &oe) || oe.Op != "send" {
				t.Errorf("Send = %v, want an *OpError send wrapping %v", err, tt.want)
			}
		})
	}
	// Port 0 without a kernel endpoint: dropped, as the kernel drops a
	// message no callback takes.
	if err := a.Send(&cn.Msg{ID: id}, cn.Addr{}); err != nil {
		t.Errorf("send to an absent kernel: %v", err)
	}
	if err := a.JoinGroup(33); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("JoinGroup(33) = %v, want EINVAL", err)
	}
}

// TestQueueFull checks the two ways a full queue behaves: a unicast from
// user space fails at the sender, anything else is dropped and reported
// once as an overrun, and further deliveries are refused until the
// receiver drains its queue.
func TestQueueFull(t *testing.T) {
	bus := NewBus()
	k, user, r := bus.Kernel(), bus.Dial(), bus.Dial()
	r.SetQueueLimit(2)
	r.JoinGroup(11)
	send := func(from *Conn, to cn.Addr) error { return from.Send(&cn.Msg{ID: id}, to) }
	for range 2 {
		if err := send(user, cn.Addr{Port: r.Port()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := send(user, cn.Addr{Port: r.Port()}); !errors.Is(err, cn.ErrQueueFull) {
		t.Errorf("unicast to a full queue = %v, want ErrQueueFull", err)
	}
	for range 3 {
		if err := send(k, cn.Addr{Group: 11}); err != nil {
			t.Errorf("kernel multicast to a full queue = %v, want nil (dropped)", err)
		}
	}
	if got := r.Drops(); got != 3 {
		t.Errorf("Drops = %d, want 3", got)
	}
	r.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := r.Receive(); !errors.Is(err, cn.ErrOverrun) {
		t.Fatalf("Receive = %v, want ErrOverrun first", err)
	}
	receive(t, r)
	if err := send(k, cn.Addr{Group: 11}); err != nil { // still congested: dropped
		t.Fatal(err)
	}
	receive(t, r) // drained: no longer congested
	if err := send(k, cn.Addr{Group: 11}); err != nil {
		t.Fatal(err)
	}
	receive(t, r)
	empty(t, r)
	if got := r.Drops(); got != 4 {
		t.Errorf("Drops = %d, want 4", got)
	}

	r.SetNoENOBUFS(true)
	r.SetQueueLimit(1)
	send(k, cn.Addr{Group: 11})
	send(k, cn.Addr{Group: 11})
	receive(t, r)
	empty(t, r)
	if got := r.Drops(); got != 5 {
		t.Errorf("Drops with NoENOBUFS = %d, want 5", got)
	}
}

func TestInject(t *testing.T) {
	_, c := Pipe()
	good, _ := cn.AppendNetlink(nil, &cn.Msg{ID: id, Seq: 1}, 0)
	c.Inject(append(good, 1, 2, 3, 4, 5), 0, 1)
	c.SetReadDeadline(time.Now().Add(time.Second))
	msgs, err := c.Receive()
	if !errors.Is(err, cn.ErrMalformed) {
		t.Errorf("Receive error = %v, want ErrMalformed", err)
	}
	if diff := cmp.Diff([]cn.Message{{Msg: cn.Msg{ID: id, Seq: 1, Data: []byte{}}, From: 0, Group: 1}}, msgs, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("messages before the fault (-want +got):\n%s", diff)
	}
}

func TestCloseUnblocksReceive(t *testing.T) {
	_, c := Pipe()
	errc := make(chan error)
	go func() {
		_, err := c.Receive()
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Receive = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive still blocked after Close")
	}
	if err := c.Send(&cn.Msg{ID: id}, cn.Addr{}); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Send after Close = %v, want net.ErrClosed", err)
	}
}

func TestDeadlineWakesReceive(t *testing.T) {
	_, c := Pipe()
	errc := make(chan error)
	go func() {
		_, err := c.Receive()
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	c.SetReadDeadline(time.Now())
	select {
	case err := <-errc:
		var oe *cn.OpError
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &oe) || !oe.Timeout() {
			t.Errorf("Receive = %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive still blocked after SetReadDeadline")
	}
}

func TestPortReuse(t *testing.T) {
	bus := NewBus()
	a := bus.Dial()
	a.Close()
	b := bus.Dial()
	if b.Port() == a.Port() {
		t.Errorf("port %d handed out twice", a.Port())
	}
	if k := bus.Kernel(); k != bus.Kernel() || k.Port() != 0 {
		t.Error("Kernel is not one endpoint at port 0")
	}
}
