// Package uevent listens to the kernel's kobject uevents: the messages
// the kernel multicasts on NETLINK_KOBJECT_UEVENT whenever a device is
// added, removed, changed, moved, bound or unbound, and, if asked, udev's
// re-broadcasts of them once its rules have run.
//
//	l, err := uevent.Listen(nil) // the kernel's uevents
//	if err != nil {
//		return err
//	}
//	defer l.Close()
//	for {
//		e, err := l.Receive()
//		switch {
//		case errors.Is(err, uevent.ErrMalformed), errors.Is(err, uevent.ErrOverrun):
//			log.Print(err) // one datagram lost or bad: go on
//			continue
//		case err != nil:
//			return err
//		}
//		fmt.Println(e.Action, e.DevPath, e.Subsystem, e.Seqnum)
//	}
//
// # Datagrams
//
// The kernel's datagram (lib/kobject_uevent.c) has no netlink header: a
// header string, then the event's environment, every string ending in
// NUL:
//
//	change@/devices/virtual/net/lo\0ACTION=change\0DEVPATH=/devices/virtual/net/lo\0SUBSYSTEM=net\0INTERFACE=lo\0IFINDEX=1\0SEQNUM=1250\0
//
// The header is ACTION@DEVPATH, split at its first @ (device paths, such
// as those of device-tree nodes like soc@0, may hold more). The
// environment always holds ACTION, DEVPATH, SUBSYSTEM and SEQNUM, the
// last a decimal counter of every uevent since boot (the kernel's
// uevent_seqnum, which /sys/kernel/uevent_seqnum shows), and then what
// the bus, class and driver add.
//
// udev's datagram starts instead with its libudev header (struct
// monitor_netlink_header of systemd's sd-device/device-monitor.c, 40
// bytes: "libudev\0", the magic 0xfeedcafe in network order, the header's
// size, the offset and length of the properties, and the hashes and tag
// bloom filter that libudev subscribers match in socket filters) and has
// no ACTION@DEVPATH string: the properties are the KEY=VALUE strings
// alone, ACTION, DEVPATH, SUBSYSTEM and SEQNUM among them.
//
// [Parse] turns either into an [Event]; [Event.AppendBinary] frames an
// Event back into the bytes of its source. A datagram is accepted only
// if:
//
//   - every string ends in NUL and every environment string is KEY=VALUE
//     with a non-empty key (values may be empty, and are kept byte for
//     byte: no newline trimming, no unescaping);
//   - ACTION, DEVPATH, SUBSYSTEM and SEQNUM are there, once each, ACTION
//     and SUBSYSTEM non-empty, DEVPATH starting with /, SEQNUM a decimal
//     number from 1 to 2⁶⁴-1 without sign or leading zero;
//   - a kernel datagram's header has an @ and names the ACTION and
//     DEVPATH of its environment;
//   - a libudev header has the magic, a header size of at least 40 bytes
//     that fits the datagram, and properties that start after the header
//     and end where the datagram ends.
//
// Other keys may repeat: [Event.Env] keeps every string in order, and
// [Event.Get] and [Event.Map] give the last value of a key, as udev does.
// Parsing never panics, on any input, and costs one allocation for all
// the text of an event (its strings share one), plus its Env slice.
//
// # Sources
//
// A [Listener] joins group 1, the kernel's, and, with [SourceUdev] in
// [Config.Sources], group 2, udev's. The address a datagram comes from
// (sockaddr_nl, filled in by the kernel, unlike anything in the datagram)
// decides what it is:
//
//   - from port 0 on group 1: the kernel's ([SourceKernel]);
//   - from a user-space port on group 2, with SCM_CREDENTIALS of uid 0 as
//     libudev requires: udev's ([SourceUdev]);
//   - anything else (a user-space port multicasting on group 1; a
//     unicast to the listener's port; a non-root sender on group 2) is
//     forged: counted and dropped, never returned.
//
// Sending anything but to the kernel on NETLINK_KOBJECT_UEVENT needs
// CAP_NET_ADMIN over the network namespace (the protocol does not set
// NL_CFG_F_NONROOT_SEND; a uid 65534 sender gets EPERM even for a
// unicast), which the root of a container with its own namespace has:
// forgeries come from privileged code, not from any local user.
//
// A datagram must then have the framing of its source: a kernel one
// with a libudev header, or a udev one without, is malformed.
//
// Port 0 proves that the kernel sent a datagram, not that the kernel
// made it: since Linux 4.18 a process with CAP_SYS_ADMIN over a network
// namespace's user namespace can send the kernel's uevent socket a
// netlink message, which the kernel re-broadcasts on group 1 from port 0
// with a SEQNUM of its own appended (uevent_net_rcv, for container
// managers). Such an event is SourceKernel, and [Event.PID] then names the
// process that sent it, where the kernel's own events carry 0.
//
// The events of a network device reach the network namespace the device
// is in; other uevents reach every namespace the initial user namespace
// owns ([Config.NetNS] picks one).
//
// # Errors
//
// [Listener.Receive] returns an [*OpError] for its operation, wrapping:
//
//   - a [*ParseError], which wraps [ErrMalformed], for a datagram that does
//     not parse (its byte offset and the reason) or was larger than the
//     receive buffer; the Listener goes on;
//   - [ErrOverrun] (the same error as cn.ErrOverrun) when the receive
//     queue overflowed (ENOBUFS) and the kernel dropped events; the
//     Listener goes on, and the events are lost: compare seqnums, or a
//     larger [Config.ReadBuffer], to learn or avoid it;
//   - os.ErrDeadlineExceeded after [Listener.SetReadDeadline];
//   - net.ErrClosed once the Listener is closed, also for a Receive
//     waiting at the time;
//   - a system call error otherwise.
//
// [Listener.Stats] counts every datagram as exactly one of decoded,
// malformed and forged, and the overruns. On systems other than Linux,
// [Listen] fails with [ErrNotSupported]; Parse works everywhere.
package uevent
