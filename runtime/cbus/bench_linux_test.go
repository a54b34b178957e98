//go:build linux

package cbus_test

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/cbus"
	"github.com/cngen/cngen/runtime/cn"
	"golang.org/x/sys/unix"
)

// BenchmarkSend measures sending b.N connector messages of 64 and 1024
// data bytes from 1, 2 and 4×GOMAXPROCS producer goroutines to a
// user-space receiver on NETLINK_USERSOCK, which a goroutine drains with
// cn.Conn.Receive into a large buffer. An op is one message inserted
// and received: the clock stops when the receiver has them all.
//
//   - bus: cbus.Bus.Insert on one cn.Conn (Block policy, defaults), and
//     one Flush when the producers are done;
//   - conn: cn.Conn.Send per message on one shared cn.Conn, repeated on
//     ErrQueueFull;
//   - raw: a unix.Sendto loop of pre-framed messages on one blocking
//     socket, which sleeps while the receiver is full.
//
// Every 64th message of a producer carries the time it was inserted:
// the receiver reports the 50th and 99th percentiles of insert-to-
// delivery latency over those, in ns (p50-ns, p99-ns).
func BenchmarkSend(b *testing.B) {
	impls := []struct {
		name string
		new  func(b *testing.B, to uint32) sender
	}{{"bus", newBusSender}, {"conn", newConnSender}, {"raw", newRawSender}}
	procs := []int{1, 2, 4 * runtime.GOMAXPROCS(0)}
	for _, impl := range impls {
		b.Run(impl.name, func(b *testing.B) {
			for _, size := range []int{64, 1024} {
				b.Run(strconv.Itoa(size), func(b *testing.B) {
					for _, p := range procs {
						b.Run("p"+strconv.Itoa(p), func(b *testing.B) { benchSend(b, impl.new, size, p) })
					}
				})
			}
		})
	}
}

// sender is one implementation under test.
type sender interface {
	// send sends the message whose data is data; a producer calls it
	// and may reuse data at once.
	send(data []byte) error
	// flush returns once everything sent is on the socket.
	flush() error
	close()
}

const sampleEvery = 64

func benchSend(b *testing.B, newSender func(*testing.B, uint32) sender, size, producers int) {
	r := &receiver{}
	r.conn = dialBench(b, &cn.Config{Protocol: cn.ProtoUsersock, ReadBuffer: 64 << 20, ForceReadBuffer: os.Geteuid() == 0})
	s := newSender(b, r.conn.Port())
	defer s.close()
	r.want = b.N
	r.samples = make([]time.Duration, 0, b.N/sampleEvery+producers+1)
	base := time.Now()
	done := make(chan error, 1)
	b.ReportAllocs()
	b.ResetTimer()
	go func() { done <- r.run(base) }()
	var wg sync.WaitGroup
	for p := range producers {
		n := b.N / producers
		if p == 0 {
			n += b.N % producers
		}
		wg.Go(func() {
			data := make([]byte, size)
			for i := range n {
				var ts uint64
				if i%sampleEvery == 0 {
					ts = uint64(time.Since(base))
				}
				binary.NativeEndian.PutUint64(data, ts)
				if err := s.send(data); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := s.flush(); err != nil {
		b.Fatal(err)
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if len(r.samples) > 0 {
		slices.Sort(r.samples)
		b.ReportMetric(float64(r.samples[len(r.samples)/2]), "p50-ns")
		b.ReportMetric(float64(r.samples[len(r.samples)*99/100]), "p99-ns")
	}
}

// receiver counts messages until it has want, noting the latency of
// those that carry an insert time.
type receiver struct {
	conn    *cn.Conn
	want    int
	samples []time.Duration
}

func (r *receiver) run(base time.Time) error {
	r.conn.SetReadDeadline(time.Now().Add(time.Minute)) // once: it allocates
	for got := 0; got < r.want; {
		msgs, err := r.conn.Receive()
		if err != nil {
			return err
		}
		now := time.Since(base)
		for _, m := range msgs {
			if ts := binary.NativeEndian.Uint64(m.Data); ts != 0 {
				r.samples = append(r.samples, now-time.Duration(ts))
			}
		}
		got += len(msgs)
	}
	return nil
}

func dialBench(b *testing.B, cfg *cn.Config) *cn.Conn {
	c, err := cn.Dial(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

var benchID = cn.ID{Idx: 0x123, Val: 2}

type busSender struct {
	bus *cbus.Bus
}

func newBusSender(b *testing.B, to uint32) sender {
	c := dialBench(b, &cn.Config{Protocol: cn.ProtoUsersock})
	bus, err := cbus.New(c, &cbus.Config{To: cn.Addr{Port: to}})
	if err != nil {
		b.Fatal(err)
	}
	return &busSender{bus: bus}
}

func (s *busSender) send(data []byte) error {
	return s.bus.Insert(&cn.Msg{ID: benchID, Data: data})
}

func (s *busSender) flush() error { return s.bus.Flush(context.Background()) }
func (s *busSender) close()       { s.bus.Close() }

type connSender struct {
	c  *cn.Conn
	to cn.Addr
}

func newConnSender(b *testing.B, to uint32) sender {
	return &connSender{c: dialBench(b, &cn.Config{Protocol: cn.ProtoUsersock}), to: cn.Addr{Port: to}}
}

func (s *connSender) send(data []byte) error {
	m := cn.Msg{ID: benchID, Data: data}
	for {
		err := s.c.Send(&m, s.to)
		if !errors.Is(err, cn.ErrQueueFull) {
			return err
		}
		runtime.Gosched()
	}
}

func (s *connSender) flush() error { return nil }
func (s *connSender) close()       {}

// rawSender frames each message itself and sends it with sendto(2) on a
// blocking socket; each producer frames into a buffer of its own.
type rawSender struct {
	fd   int
	to   *unix.SockaddrNetlink
	bufs sync.Pool
}

func newRawSender(b *testing.B, to uint32) sender {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_USERSOCK)
	if err != nil {
		b.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		b.Fatal(err)
	}
	return &rawSender{fd: fd, to: &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: to}}
}

func (s *rawSender) send(data []byte) error {
	buf, _ := s.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	*buf, _ = cn.AppendNetlink((*buf)[:0], &cn.Msg{ID: benchID, Seq: 1, Ack: 1, Data: data}, 0)
	err := unix.Sendto(s.fd, *buf, 0, s.to)
	s.bufs.Put(buf)
	return err
}

func (s *rawSender) flush() error { return nil }
func (s *rawSender) close()       { unix.Close(s.fd) }

// BenchmarkLatency measures one message at a time: a producer sends a
// 64-byte message and waits until the receiver has it, so nothing
// queues and no batch fills. It shows what batching costs a lone
// message: the bus with its default FlushInterval (1 ms) holds it for
// that long, unless FlushInterval is negative (bus-immediate), when the
// worker sends as soon as it is free. An op is one round trip.
func BenchmarkLatency(b *testing.B) {
	impls := []struct {
		name string
		new  func(b *testing.B, to uint32) sender
	}{
		{"bus", newBusSender},
		{"bus-immediate", func(b *testing.B, to uint32) sender {
			c := dialBench(b, &cn.Config{Protocol: cn.ProtoUsersock})
			bus, err := cbus.New(c, &cbus.Config{To: cn.Addr{Port: to}, FlushInterval: -1})
			if err != nil {
				b.Fatal(err)
			}
			return &busSender{bus: bus}
		}},
		{"conn", newConnSender},
	}
	for _, impl := range impls {
		b.Run(impl.name, func(b *testing.B) {
			r := dialBench(b, &cn.Config{Protocol: cn.ProtoUsersock})
			s := impl.new(b, r.Port())
			defer s.close()
			data := make([]byte, 64)
			lat := make([]time.Duration, 0, b.N)
			r.SetReadDeadline(time.Now().Add(time.Minute))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if err := s.send(data); err != nil {
					b.Fatal(err)
				}
				if _, err := r.Receive(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2]), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100]), "p99-ns")
		})
	}
}
