//go:build linux

package uevent_test

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/uevent"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// needRoot skips a test that needs root: to trigger a uevent through
// sysfs, to multicast on NETLINK_KOBJECT_UEVENT (CAP_NET_ADMIN), or to
// have the kernel broadcast a uevent for it (CAP_SYS_ADMIN).
func needRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: " + why)
	}
}

func listen(t *testing.T, cfg *uevent.Config) *uevent.Listener {
	t.Helper()
	l, err := uevent.Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// next returns the next event on l whose DEVPATH is devpath, skipping
// the events of other devices, which the machine may send meanwhile.
func next(t *testing.T, l *uevent.Listener, devpath string) (*uevent.Event, error) {
	t.Helper()
	l.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		e, err := l.Receive()
		if err != nil || e.DevPath == devpath {
			return e, err
		}
		t.Logf("skipped an event of %s", e.DevPath)
	}
}

// quiet waits for l's read deadline, skipping other devices' events,
// and fails on one of devpath.
func quiet(t *testing.T, l *uevent.Listener, devpath string) {
	t.Helper()
	l.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	for {
		e, err := l.Receive()
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			return
		case err != nil:
			t.Fatalf("Receive: %v", err)
		case e.DevPath == devpath:
			t.Fatalf("Receive returned %+v", e)
		}
	}
}

// seqnum is the kernel's count of uevents so far.
func seqnum(t *testing.T) uint64 {
	t.Helper()
	b, err := os.ReadFile("/sys/kernel/uevent_seqnum")
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestKernelUevent has the kernel send a uevent for lo, as `echo change
// > /sys/class/net/lo/uevent` does, and checks that it arrives whole,
// from the kernel, with a seqnum the kernel's counter passed meanwhile.
func TestKernelUevent(t *testing.T) {
	needRoot(t, "writing /sys/class/net/lo/uevent")
	l := listen(t, nil)
	before := seqnum(t)
	if err := os.WriteFile("/sys/class/net/lo/uevent", []byte("change\n"), 0); err != nil {
		t.Fatal(err)
	}
	after := seqnum(t)
	e, err := next(t, l, "/devices/virtual/net/lo")
	if err != nil {
		t.Fatalf("no uevent for lo: %v", err)
	}
	if e.Source != uevent.SourceKernel || e.Action != "change" || e.Subsystem != "net" || e.PID != 0 {
		t.Errorf("event %+v; want a change of subsystem net from the kernel itself", e)
	}
	if e.Seqnum <= before || e.Seqnum > after {
		t.Errorf("SEQNUM %d; the kernel counted from %d to %d meanwhile", e.Seqnum, before, after)
	}
	if v, _ := e.Get("INTERFACE"); v != "lo" {
		t.Errorf("INTERFACE = %q, want lo", v)
	}
	if s := l.Stats(); s.Decoded < 1 || s.Forged != 0 || s.Malformed != 0 || s.Received != s.Decoded {
		t.Errorf("Stats = %+v; want only decoded datagrams", s)
	}
	t.Logf("%s %s %s seqnum %d, env %q", e.Action, e.DevPath, e.Subsystem, e.Seqnum, e.Raw)
}

// sender is a NETLINK_KOBJECT_UEVENT socket in namespace ns that sends
// what a test forges or asks the kernel to broadcast.
type sender struct {
	t  *testing.T
	fd int
}

func newSender(t *testing.T, ns int) sender {
	return sender{t, nstest.Socket(t, ns, unix.AF_NETLINK, unix.SOCK_RAW, uevent.Protocol)}
}

// multicast sends b to group g from the sender's own port, with the
// credentials of uid (which root may claim).
func (s sender) multicast(g uint32, uid uint32, b []byte) {
	s.t.Helper()
	cred := unix.Ucred{Pid: int32(os.Getpid()), Uid: uid, Gid: uid}
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: 1 << (g - 1)}
	if err := unix.Sendmsg(s.fd, b, unix.UnixCredentials(&cred), to, 0); err != nil {
		s.t.Fatalf("multicast to group %d: %v", g, err)
	}
}

// unicast sends b to port.
func (s sender) unicast(port uint32, b []byte) {
	s.t.Helper()
	if err := unix.Sendto(s.fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: port}); err != nil {
		s.t.Fatalf("unicast to port %d: %v", port, err)
	}
}

// inject has the kernel broadcast b on group 1, from port 0, with a
// SEQNUM of its own appended: uevent_net_rcv, which takes a netlink
// message of any type from 16 up that has NLM_F_REQUEST.
func (s sender) inject(b []byte) {
	s.t.Helper()
	msg := binary.NativeEndian.AppendUint32(nil, uint32(unix.NLMSG_HDRLEN+len(b)))
	msg = binary.NativeEndian.AppendUint16(msg, unix.NLMSG_MIN_TYPE)
	msg = binary.NativeEndian.AppendUint16(msg, unix.NLM_F_REQUEST)
	msg = append(msg, make([]byte, 8)...) // seq, pid
	s.unicast(0, append(msg, b...))
}

const fakeDev = "/devices/virtual/uevent-test"

var fakeEnv = []string{"ACTION=add", "DEVPATH=" + fakeDev, "SUBSYSTEM=uevent-test", "SEQNUM=1"}

// TestKernelForged sends uevents from user space in a namespace of the
// test's own, where it may: on the kernel's group, on udev's as a
// non-root user, and to the listener's port, and checks that each is
// counted as forged and none returned; then a uevent the kernel
// broadcasts for the test, which comes through with the test's pid.
func TestKernelForged(t *testing.T) {
	needRoot(t, "multicasting on NETLINK_KOBJECT_UEVENT needs CAP_NET_ADMIN")
	ns := nstest.Private(t)
	l := listen(t, &uevent.Config{Sources: uevent.SourceKernel | uevent.SourceUdev, NetNS: ns})
	s := newSender(t, ns)
	dgram := kernel("add@"+fakeDev, fakeEnv...)
	s.multicast(uevent.GroupKernel, 0, dgram)
	s.multicast(uevent.GroupUdev, 65534, udev(canonical(len(nulstr(fakeEnv...))), 0, fakeEnv...))
	s.unicast(l.Port(), dgram)
	quiet(t, l, fakeDev)
	if want := (uevent.Stats{Received: 3, Forged: 3}); l.Stats() != want {
		t.Errorf("Stats = %+v, want %+v", l.Stats(), want)
	}
	s.inject(kernel("add@"+fakeDev, fakeEnv[:3]...))
	e, err := next(t, l, fakeDev)
	if err != nil {
		t.Fatalf("the kernel's broadcast did not come: %v", err)
	}
	if e.Source != uevent.SourceKernel || e.PID != int32(os.Getpid()) || e.Seqnum == 0 {
		t.Errorf("event %+v; want one from the kernel, sent for pid %d, with a seqnum", e, os.Getpid())
	}
	if want := (uevent.Stats{Received: 4, Decoded: 1, Forged: 3}); l.Stats() != want {
		t.Errorf("Stats = %+v, want %+v", l.Stats(), want)
	}
}

// TestKernelMalformed has the kernel broadcast a datagram that is no
// uevent, and sends one to udev's group without a libudev header: each
// is an error wrapping ErrMalformed, after which the listener goes on to
// the valid udev datagram that follows.
func TestKernelMalformed(t *testing.T) {
	needRoot(t, "having the kernel broadcast a uevent needs CAP_SYS_ADMIN")
	ns := nstest.Private(t)
	l := listen(t, &uevent.Config{Sources: uevent.SourceKernel | uevent.SourceUdev, NetNS: ns})
	s := newSender(t, ns)
	s.inject([]byte("garbage\x00"))
	s.multicast(uevent.GroupUdev, 0, kernel("add@"+fakeDev, fakeEnv...))
	props := append(fakeEnv, "USEC_INITIALIZED=1")
	s.multicast(uevent.GroupUdev, 0, udev(canonical(len(nulstr(props...)), 7), 0, props...))
	l.SetReadDeadline(time.Now().Add(5 * time.Second))
	for _, reason := range []string{"no @", "no libudev header on udev's group"} {
		e, err := l.Receive()
		var pe *uevent.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, uevent.ErrMalformed) || !strings.Contains(pe.Reason, reason) {
			t.Fatalf("Receive = %+v, %v; want a *ParseError: %s", e, err, reason)
		}
	}
	e, err := next(t, l, fakeDev)
	if err != nil {
		t.Fatal(err)
	}
	want := event(uevent.SourceUdev, 1, props...)
	want.Udev.SubsystemHash, want.PID = 7, int32(os.Getpid())
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("udev event (-want +got):\n%s", diff)
	}
	if want := (uevent.Stats{Received: 3, Decoded: 1, Malformed: 2}); l.Stats() != want {
		t.Errorf("Stats = %+v, want %+v", l.Stats(), want)
	}
}

// TestKernelOverrun fills the smallest receive buffer there is and
// checks that the overrun is reported, counted and survived; and that a
// forced large buffer takes the same burst.
func TestKernelOverrun(t *testing.T) {
	needRoot(t, "multicasting on NETLINK_KOBJECT_UEVENT needs CAP_NET_ADMIN, SO_RCVBUFFORCE too")
	ns := nstest.Private(t)
	small := listen(t, &uevent.Config{ReadBuffer: 1, NetNS: ns})
	large := listen(t, &uevent.Config{ReadBuffer: 4 << 20, ForceReadBuffer: true, NetNS: ns})
	s := newSender(t, ns)
	const burst = 200
	for range burst {
		s.multicast(uevent.GroupKernel, 0, make([]byte, 1000))
	}
	small.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := small.Receive(); !errors.Is(err, uevent.ErrOverrun) {
		t.Fatalf("Receive = %v, want an overrun", err)
	}
	quiet(t, small, fakeDev)
	if st := small.Stats(); st.Overruns != 1 || st.Forged == 0 || st.Forged >= burst || st.Received != st.Forged {
		t.Errorf("small buffer: Stats = %+v; want one overrun and some of the %d datagrams", st, burst)
	}
	quiet(t, large, fakeDev)
	if want := (uevent.Stats{Received: burst, Forged: burst}); large.Stats() != want {
		t.Errorf("forced buffer: Stats = %+v, want %+v", large.Stats(), want)
	}
}

// TestKernelUnicastForged checks that a datagram sent to the listener's
// port is forged, however well formed, in the initial namespace too.
func TestKernelUnicastForged(t *testing.T) {
	needRoot(t, "a unicast on NETLINK_KOBJECT_UEVENT needs CAP_NET_ADMIN (EPERM otherwise)")
	l := listen(t, nil)
	s := newSender(t, 0)
	s.unicast(l.Port(), kernel("add@"+fakeDev, fakeEnv...))
	quiet(t, l, fakeDev)
	if st := l.Stats(); st.Forged != 1 {
		t.Errorf("Stats = %+v, want 1 forged", st)
	}
}

func TestIntegrationDeadline(t *testing.T) {
	l := listen(t, &uevent.Config{Sources: uevent.SourceUdev}) // udev does not run in tests: a silent group
	l.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := l.Receive()
	var oe *uevent.OpError
	if !errors.As(err, &oe) || oe.Op != "receive" || !oe.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Receive = %v, want a receive OpError on the deadline", err)
	}
}

// TestIntegrationClose checks that Close wakes a waiting Receive, and
// that every later one fails with net.ErrClosed.
func TestIntegrationClose(t *testing.T) {
	l := listen(t, &uevent.Config{Sources: uevent.SourceUdev})
	errc := make(chan error)
	go func() {
		_, err := l.Receive()
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it wait in the poller; it fails the same way if not yet
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("waiting Receive = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake Receive")
	}
	if _, err := l.Receive(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Receive after Close = %v, want net.ErrClosed", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestListenErrors(t *testing.T) {
	_, err := uevent.Listen(&uevent.Config{Sources: 4})
	var oe *uevent.OpError
	if !errors.As(err, &oe) || oe.Op != "listen" {
		t.Errorf("Listen with an unknown source = %v, want a listen OpError", err)
	}
	if _, err := uevent.Listen(&uevent.Config{NetNS: 1 << 20}); !errors.As(err, &oe) {
		t.Errorf("Listen in a bad namespace = %v, want a listen OpError", err)
	}
}
