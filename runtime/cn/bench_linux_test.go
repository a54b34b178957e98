//go:build linux

package cn_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/cngen/cngen/runtime/cn"
)

// BenchmarkReceive measures the receiving side of a stream of 76-byte
// datagrams (nlmsghdr, cn_msg, a 40-byte struct proc_event: what a proc
// listener gets), one message each, sent by a second socket of the
// process. The sender's socket blocks while the receiver's queue is
// full, so nothing is lost and each op is one message received:
//
//   - dispatch: cn.Conn and cn.Dispatcher.Serve, decoding each payload
//     into a proc_event-shaped value (event, with a decoder as short as
//     a generated one) through cn.On, for a typed handler;
//   - mdlayher: netlink.Conn.Receive alone, no decoding;
//   - raw: a blocking unix.Recvfrom loop, the limit.
//
// NETLINK_USERSOCK is used so that no privilege is needed; the kernel's
// unicast path is the same for every netlink protocol.
func BenchmarkReceive(b *testing.B) {
	b.Run("dispatch", benchDispatch)
	b.Run("mdlayher", benchMdlayher)
	b.Run("raw", benchRaw)
}

var benchID = cn.ID{Idx: 11, Val: 1}

// procEventExec is PROC_EVENT_EXEC.
const procEventExec = 2

// benchTS is the timestamp of every event sent, which the handler sums.
const benchTS = 123456789

// flood sends n messages to port from a blocking socket of its own, in
// a goroutine, and returns a channel closed when it is done.
func flood(b *testing.B, port uint32, n int) <-chan struct{} {
	b.Helper()
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_USERSOCK)
	if err != nil {
		b.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		b.Fatal(err)
	}
	ev := event{What: procEventExec, CPU: 1, TS: benchTS}
	binary.NativeEndian.PutUint32(ev.Rest[:], 4242) // exec: process_pid
	data := ev.MarshalBinary()
	msg, err := cn.AppendNetlink(nil, &cn.Msg{ID: benchID, Seq: 1, Ack: 2, Data: data}, 0)
	if err != nil {
		b.Fatal(err)
	}
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: port}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer unix.Close(fd)
		for range n {
			if err := unix.Sendto(fd, msg, 0, to); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	return done
}

func report(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func benchDispatch(b *testing.B) {
	c, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var d cn.Dispatcher
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n, wrong int
	var sum uint64
	err = cn.Register(&d, []cn.Route{cn.On(benchID, "bench", func(_ *cn.Request, e *event) {
		sum += e.TS
		if e.What != procEventExec || binary.NativeEndian.Uint32(e.Rest[:]) != 4242 {
			wrong++
		}
		if n++; n == b.N {
			cancel()
		}
	})})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	done := flood(b, c.Port(), b.N)
	if err := d.Serve(ctx, c); err != context.Canceled {
		b.Fatal(err)
	}
	b.StopTimer()
	<-done
	report(b)
	if sum != uint64(b.N)*benchTS || wrong != 0 {
		b.Fatalf("decoded timestamps sum to %d, %d events wrong", sum, wrong)
	}
}

func benchMdlayher(b *testing.B) {
	c, err := netlink.Dial(unix.NETLINK_USERSOCK, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportAllocs()
	b.ResetTimer()
	done := flood(b, c.PID(), b.N)
	for n := 0; n < b.N; {
		msgs, err := c.Receive()
		if err != nil {
			b.Fatal(err)
		}
		n += len(msgs)
	}
	b.StopTimer()
	<-done
	report(b)
}

func benchRaw(b *testing.B) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_USERSOCK)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		b.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, cn.DefaultMaxDatagram)
	b.ReportAllocs()
	b.ResetTimer()
	done := flood(b, sa.(*unix.SockaddrNetlink).Pid, b.N)
	for range b.N {
		if _, _, err := unix.Recvfrom(fd, buf, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	<-done
	report(b)
}
