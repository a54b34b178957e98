package uevent

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
)

// layout is what parse finds in a datagram, as byte offsets: the whole
// datagram is checked before any of it is copied, so that a bad one
// costs only its error, and a good one a single string for its text.
type layout struct {
	source Source
	at     int      // the @ of a kernel datagram's header, which ends at env.off-1
	env    span     // the KEY=VALUE strings
	count  int      // of strings in env
	req    [nreq]kv // each required key's string; end is 0 while absent
	seqnum uint64
	udev   UdevHeader
}

// span is the bytes b[off:end] of a datagram b.
type span struct{ off, end int }

// kv is the string b[off:end] of a datagram b, KEY=VALUE with the = at eq.
type kv struct{ off, eq, end int }

// The keys every uevent has, once.
const (
	reqAction = iota
	reqDevPath
	reqSubsystem
	reqSeqnum
	nreq
)

var reqKeys = [nreq]string{"ACTION", "DEVPATH", "SUBSYSTEM", "SEQNUM"}

// parse checks b and records where its parts are.
func (l *layout) parse(b []byte) error {
	*l = layout{}
	var err error
	if len(b) >= len(udevPrefix) && string(b[:len(udevPrefix)]) == udevPrefix {
		l.source, err = SourceUdev, l.udevHeader(b)
	} else {
		l.source, err = SourceKernel, l.kernelHeader(b)
	}
	if err != nil {
		return err
	}
	if err := l.parseEnv(b); err != nil {
		return err
	}
	return l.check(b)
}

// kernelHeader finds the ACTION@DEVPATH string that starts a kernel
// datagram.
func (l *layout) kernelHeader(b []byte) error {
	nul := bytes.IndexByte(b, 0)
	if nul < 0 {
		return malformed(len(b), "the ACTION@DEVPATH header does not end in NUL")
	}
	l.at = bytes.IndexByte(b[:nul], '@')
	if l.at < 0 {
		return malformed(0, "no @ in the ACTION@DEVPATH header")
	}
	l.env = span{nul + 1, len(b)}
	return nil
}

// udevHeader checks the libudev header that starts a udev datagram. The
// bytes between the header's size and the properties are skipped: they
// are where a later udev may extend the header.
func (l *layout) udevHeader(b []byte) error {
	if len(b) < udevHeaderLen {
		return malformed(len(b), "libudev header cut short: it takes 40 bytes")
	}
	if m := be.Uint32(b[8:]); m != udevMagic {
		return malformed(8, "libudev magic is 0x"+strconv.FormatUint(uint64(m), 16)+", not 0xfeedcafe")
	}
	size, off, n := uint64(ne.Uint32(b[12:])), uint64(ne.Uint32(b[16:])), uint64(ne.Uint32(b[20:]))
	switch {
	case size < udevHeaderLen || size > uint64(len(b)):
		return malformed(12, "libudev header_size "+strconv.FormatUint(size, 10)+" is under 40 or past the datagram")
	case off < size:
		return malformed(16, "libudev properties_off "+strconv.FormatUint(off, 10)+" lies inside the header")
	case off+n != uint64(len(b)):
		return malformed(20, "libudev properties_len "+strconv.FormatUint(n, 10)+" does not end where the datagram does")
	}
	l.udev = UdevHeader{be.Uint32(b[24:]), be.Uint32(b[28:]), be.Uint32(b[32:]), be.Uint32(b[36:])}
	l.env = span{int(off), len(b)}
	return nil
}

// parseEnv splits the environment into its KEY=VALUE strings.
func (l *layout) parseEnv(b []byte) error {
	for p := l.env.off; p < l.env.end; {
		n := bytes.IndexByte(b[p:l.env.end], 0)
		if n < 0 {
			return malformed(p, "KEY=VALUE does not end in NUL")
		}
		eq := bytes.IndexByte(b[p:p+n], '=')
		switch {
		case eq < 0:
			return malformed(p, "no = in KEY=VALUE")
		case eq == 0:
			return malformed(p, "empty key in KEY=VALUE")
		}
		if err := l.add(b, kv{p, p + eq, p + n}); err != nil {
			return err
		}
		p += n + 1
	}
	return nil
}

// add counts v, and records it if its key is a required one.
func (l *layout) add(b []byte, v kv) error {
	key := b[v.off:v.eq]
	for i, k := range reqKeys {
		if string(key) != k {
			continue
		}
		if l.req[i].end > 0 {
			return malformed(v.off, "a second "+k+" key")
		}
		l.req[i] = v
	}
	l.count++
	return nil
}

// check checks the required keys' values, and that a kernel datagram's
// header agrees with them.
func (l *layout) check(b []byte) error {
	for i, k := range reqKeys {
		if l.req[i].end == 0 {
			return malformed(l.env.end, "no "+k+" key")
		}
	}
	action, devpath := l.value(b, reqAction), l.value(b, reqDevPath)
	switch {
	case len(action) == 0:
		return malformed(l.valueOff(reqAction), "empty ACTION")
	case len(devpath) == 0 || devpath[0] != '/':
		return malformed(l.valueOff(reqDevPath), "DEVPATH does not start with /")
	case len(l.value(b, reqSubsystem)) == 0:
		return malformed(l.valueOff(reqSubsystem), "empty SUBSYSTEM")
	}
	var reason string
	if l.seqnum, reason = parseSeqnum(l.value(b, reqSeqnum)); reason != "" {
		return malformed(l.valueOff(reqSeqnum), reason)
	}
	if l.source == SourceKernel {
		return l.checkHeader(b, action, devpath)
	}
	return nil
}

// checkHeader checks that a kernel datagram's ACTION@DEVPATH names the
// ACTION and DEVPATH of its environment: a datagram that says two things
// is not trusted to mean either.
func (l *layout) checkHeader(b, action, devpath []byte) error {
	if !bytes.Equal(b[:l.at], action) {
		return malformed(l.req[reqAction].off, "ACTION "+strconv.Quote(string(action))+" disagrees with the header's "+strconv.Quote(string(b[:l.at])))
	}
	if !bytes.Equal(b[l.at+1:l.env.off-1], devpath) {
		return malformed(l.req[reqDevPath].off, "DEVPATH "+strconv.Quote(string(devpath))+" disagrees with the header's "+strconv.Quote(string(b[l.at+1:l.env.off-1])))
	}
	return nil
}

// value is the value of required key i.
func (l *layout) value(b []byte, i int) []byte { return b[l.req[i].eq+1 : l.req[i].end] }

// valueOff is the offset of the value of required key i.
func (l *layout) valueOff(i int) int { return l.req[i].eq + 1 }

// parseSeqnum reads the decimal SEQNUM as the kernel prints it (%llu of
// a counter that starts at 1), or says why it cannot.
func parseSeqnum(v []byte) (uint64, string) {
	switch {
	case len(v) == 0:
		return 0, "empty SEQNUM"
	case v[0] == '0':
		return 0, "SEQNUM " + strconv.Quote(string(v)) + " is zero or has a leading zero"
	}
	var n uint64
	for _, c := range v {
		d := uint64(c - '0')
		switch {
		case c < '0' || c > '9':
			return 0, "SEQNUM " + strconv.Quote(string(v)) + " is not a decimal number"
		case n > (1<<64-1-d)/10:
			return 0, "SEQNUM " + strconv.Quote(string(v)) + " overflows 64 bits"
		}
		n = n*10 + d
	}
	return n, ""
}

// build fills e from the datagram b that l parsed: one string for all
// the text, and the fields as substrings of it. It splits the strings
// again, which costs less than keeping where parse found them.
func (l *layout) build(e *Event, b []byte) {
	raw := string(b[l.env.off:l.env.end])
	e.Env = slices.Grow(e.Env[:0], l.count)
	for s := raw; s != ""; {
		kv, rest, _ := strings.Cut(s, "\x00")
		k, v, _ := strings.Cut(kv, "=")
		e.Env = append(e.Env, Var{k, v})
		s = rest
	}
	value := func(i int) string { return raw[l.req[i].eq+1-l.env.off : l.req[i].end-l.env.off] }
	e.Source, e.Raw, e.Seqnum, e.Udev, e.PID = l.source, raw, l.seqnum, l.udev, 0
	e.Action, e.DevPath, e.Subsystem = value(reqAction), value(reqDevPath), value(reqSubsystem)
}
