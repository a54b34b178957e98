package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/runtime/cn"
)

const sendArgs = "(FAMILY | -schema FILE.cn [-family NAME]) [-port P] [-group G] [-proto P] MESSAGE [JSON]"

const callArgs = "(FAMILY | -schema FILE.cn [-family NAME]) [-port P] [-proto P] [-timeout D] MESSAGE [JSON]"

// outgoing is a message made from the command line: parsed flags,
// encoded payload and an open socket.
type outgoing struct {
	*live
	msg  *model.Message
	data []byte
	to   cn.Addr
	conn *cn.Conn
}

// outFlags are the flags of send and call.
type outFlags struct {
	fs                    *flag.FlagSet
	name                  string
	schema, family, proto *string
	port, group           *uint
	timeout               *time.Duration
}

func newOutFlags(name, usage string, stderr io.Writer) *outFlags {
	fs := newFlags(name, usage, stderr)
	f := &outFlags{fs: fs, name: name, group: new(uint), timeout: new(time.Duration)}
	f.schema = fs.String("schema", "", "the schema `FILE.cn`; without it, a built-in family's (cngen list)")
	f.family = fs.String("family", "", "the family of the schema, when it declares several")
	f.port = fs.Uint("port", 0, "the port to send to (0: the kernel)")
	if name == "send" {
		f.group = fs.Uint("group", 0, "also send to this multicast group")
	} else {
		f.timeout = fs.Duration("timeout", 5*time.Second, "how long to wait for the reply")
	}
	f.proto = protoFlag(fs)
	return f
}

// runSend sends one message, its payload given as JSON.
func runSend(args []string, stdout, stderr io.Writer) error {
	o, help, err := newOutFlags("send", sendArgs, stderr).prepare(args, os.Stdin)
	if help || err != nil {
		return err
	}
	defer o.conn.Close()
	m := &cn.Msg{ID: cn.ID{Idx: o.family.Idx, Val: o.msg.Val}, Data: o.data}
	if err := o.conn.Send(m, o.to); err != nil {
		return fmt.Errorf("send: %v", err)
	}
	fmt.Fprintf(stderr, "cngen: send: %s.%s, %d bytes, seq %d, to port %d%s\n", o.family.Name, o.msg.Name, len(o.data), m.Seq, o.to.Port, groupText(o.to.Group))
	return nil
}

func groupText(g uint32) string {
	if g == 0 {
		return ""
	}
	return fmt.Sprintf(" and group %d", g)
}

// runCall sends a call and prints its decoded reply as JSON: the first
// message from the port called that answers it (same seq, ack one more).
func runCall(args []string, stdout, stderr io.Writer) error {
	f := newOutFlags("call", callArgs, stderr)
	o, help, err := f.prepare(args, os.Stdin)
	if help || err != nil {
		return err
	}
	defer o.conn.Close()
	req := &cn.Msg{ID: cn.ID{Idx: o.family.Idx, Val: o.msg.Val}, Data: o.data}
	if err := o.conn.Send(req, o.to); err != nil {
		return fmt.Errorf("call: %v", err)
	}
	if err := o.conn.SetReadDeadline(time.Now().Add(*f.timeout)); err != nil {
		return fmt.Errorf("call: %v", err)
	}
	lay := o.plan.Payload(o.msg, true)
	var ignored int
	for {
		msgs, err := o.conn.Receive()
		for i := range msgs {
			m := &msgs[i]
			if !cn.IsReply(req, &m.Msg) || m.From != o.to.Port {
				ignored++
				continue
			}
			v, err := o.codec.Decode(lay, m.Data)
			if err != nil {
				return fmt.Errorf("call: the reply to %s: %v (payload %x)", o.msg.Name, err, m.Data)
			}
			if _, err := fmt.Fprintf(stdout, "%s\n", codec.JSON(v)); err != nil {
				return err
			}
			return o.failed(v)
		}
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			return fmt.Errorf("call: no reply to %s from port %d within %v (%d other messages ignored)", o.msg.Name, o.to.Port, *f.timeout, ignored)
		case err != nil && !errors.Is(err, cn.ErrMalformed) && !errors.Is(err, cn.ErrOverrun):
			return fmt.Errorf("call: %v", err)
		}
	}
}

// failed is the error a reply's error field holds, when the call
// declares one: a *cn.CallError for a non-zero errno.
func (o *outgoing) failed(v codec.Value) error {
	f := o.msg.Error
	if f == nil {
		return nil
	}
	for i, g := range v.Type.Fields {
		if g == f && i < len(v.Fields) {
			return cn.CallFailed(o.family.Name+"."+o.msg.Name, v.Fields[i].Int64())
		}
	}
	return nil
}

// prepare parses args, loads the schema, finds the message, encodes its
// payload (from the argument after its name, or stdin) and opens the
// socket.
func (f *outFlags) prepare(args []string, stdin io.Reader) (*outgoing, bool, error) {
	name := f.name
	pos, help, err := parseInterspersed(f.fs, args)
	if help || err != nil {
		return nil, help, err
	}
	var builtin string
	if *f.schema == "" && len(pos) > 0 {
		builtin, pos = pos[0], pos[1:]
	}
	var msgName string
	var text []byte
	switch len(pos) {
	case 0:
		return nil, false, usageError{name + ": no message named"}
	case 1:
		msgName = pos[0]
		if text, err = io.ReadAll(stdin); err != nil {
			return nil, false, fmt.Errorf("%s: reading the value: %v", name, err)
		}
	case 2:
		msgName, text = pos[0], []byte(pos[1])
	default:
		return nil, false, usageError{fmt.Sprintf("%s: too many arguments: %s", name, strings.Join(pos, " "))}
	}
	if *f.port > 1<<32-1 || *f.group > model.MaxGroup {
		return nil, false, usageError{fmt.Sprintf("%s: -port must fit 32 bits and -group be at most %d", name, model.MaxGroup)}
	}
	p, err := protocol(*f.proto)
	if err != nil {
		return nil, false, err
	}
	l, err := loadLive(*f.schema, *f.family, builtin, true)
	if err != nil {
		return nil, false, err
	}
	msg, err := l.message(msgName)
	if err != nil {
		return nil, false, err
	}
	if name == "call" && msg.Kind != model.Call {
		return nil, false, usageError{fmt.Sprintf("call: %s is a %s message, not a call: use cngen send", msg.Name, msg.Kind)}
	}
	o := &outgoing{live: l, msg: msg, to: cn.Addr{Port: uint32(*f.port), Group: uint32(*f.group)}}
	lay := l.plan.Payload(msg, false)
	v, err := l.codec.ParseJSON(lay, text)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %v", name, err)
	}
	if o.data, err = l.codec.Encode(nil, lay, v); err != nil {
		return nil, false, fmt.Errorf("%s: %v", name, err)
	}
	if len(o.data) > cn.MaxDataLen {
		return nil, false, fmt.Errorf("%s: the payload takes %d bytes, more than a connector message carries (%d)", name, len(o.data), cn.MaxDataLen)
	}
	if o.conn, err = cn.Dial(&cn.Config{Protocol: p}); err != nil {
		return nil, false, fmt.Errorf("%s: %v", name, err)
	}
	return o, false, nil
}
