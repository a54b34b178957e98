package rawcn

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// dialT opens an unbound-to-groups connector socket: unicast between two
// user-space ports needs no privilege.
func dialT(t *testing.T) *Conn {
	t.Helper()
	c, err := Dial()
	if err != nil {
		t.Skipf("no NETLINK_CONNECTOR socket here: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestConnUnicast(t *testing.T) {
	a, b := dialT(t), dialT(t)
	if a.Port() == 0 || a.Port() == b.Port() {
		t.Fatalf("ports %d and %d: want two distinct non-zero ports", a.Port(), b.Port())
	}
	want := Msg{Idx: 11, Val: 2, Seq: 3, Ack: 4, Flags: 5, Data: []byte("hello")}
	if err := a.SendTo(want, b.Port()); err != nil {
		t.Fatal(err)
	}
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	msgs, port, err := b.Receive()
	if err != nil {
		t.Fatal(err)
	}
	if port != a.Port() {
		t.Errorf("Receive: sender port %d, want %d", port, a.Port())
	}
	if diff := cmp.Diff([]Msg{want}, msgs); diff != "" {
		t.Errorf("Receive (-want +got):\n%s", diff)
	}
}

func TestConnDeadline(t *testing.T) {
	c := dialT(t)
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, _, err := c.Receive(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Receive past the deadline: %v, want os.ErrDeadlineExceeded", err)
	}
}

func TestConnCloseWakesReceive(t *testing.T) {
	c := dialT(t)
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Receive()
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrClosed) {
			t.Fatalf("Receive after Close: %v, want os.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive still blocked 5s after Close")
	}
	if err := c.Send(Msg{}); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Send after Close: %v, want os.ErrClosed", err)
	}
}

func TestDialGroupZero(t *testing.T) {
	if c, err := Dial(0); err == nil {
		c.Close()
		t.Fatal("Dial(0): no error")
	}
}
