// This file holds the errors that generated encoders and decoders, and
// the generic codec, return. The helpers that build them are in package
// runtime/cnimpl, for generated code only.

package cn

import (
	"errors"
	"strconv"
	"strings"
)

// Errors a DecodeError or EncodeError wraps; test with errors.Is.
var (
	// ErrShort: the buffer ends before the field does.
	ErrShort = errors.New("short buffer")
	// ErrUnknownValue: an enum value outside its declared set, or a switch
	// union selector with no case and no default.
	ErrUnknownValue = errors.New("unknown value")
	// ErrInvalidBool: a bool byte other than 0 or 1.
	ErrInvalidBool = errors.New("invalid bool")
	// ErrInvalidLength: a length field that cannot be a length (negative).
	ErrInvalidLength = errors.New("invalid length")
	// ErrNoNUL: a NUL-terminated string with no NUL before the buffer ends.
	ErrNoNUL = errors.New("missing NUL terminator")
	// ErrTooLong: a value does not fit its field (text in a cstring, a
	// length in its length field, a union variant in its union).
	ErrTooLong = errors.New("value too long")
	// ErrLengthMismatch: two fields sized by one length field have
	// different lengths.
	ErrLengthMismatch = errors.New("fields sharing a length field differ in length")
	// ErrNUL: text holds a NUL byte, which its encoding could not carry.
	ErrNUL = errors.New("text contains NUL")
)

// DecodeError reports bytes that do not decode as a type. Field and Type
// use the names written in the .cn schema.
type DecodeError struct {
	Type   string // the type being decoded, e.g. "proc_event"
	Field  string // dotted path inside Type, e.g. "event_data.fork.child_pid"; "" for Type itself
	Offset int    // where Field starts, in bytes from the start of Type
	Need   int    // ErrShort: the bytes Field needs from Offset
	Have   int    // ErrShort: the bytes the buffer has from Offset
	Value  string // the offending value, as Go prints it
	Err    error  // one of the Err… variables above
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("cn: decode ")
	b.WriteString(path(e.Type, e.Field))
	b.WriteString(" at offset ")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteString(": ")
	b.WriteString(errText(e.Err))
	switch {
	case e.Err == ErrShort:
		b.WriteString(": need " + strconv.Itoa(e.Need) + " bytes, have " + strconv.Itoa(e.Have))
	case e.Value != "":
		b.WriteString(" " + e.Value)
	}
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError reports a value that cannot be encoded.
type EncodeError struct {
	Type  string // the type being encoded, e.g. "proc_input"
	Field string // dotted path inside Type; "" for Type itself
	Value string // the offending value, as Go prints it
	Err   error  // one of the Err… variables above
	Hint  string // how to fix it, when there is more to say than Err
}

func (e *EncodeError) Error() string {
	s := "cn: encode " + path(e.Type, e.Field) + ": " + errText(e.Err)
	if e.Value != "" {
		s += " " + e.Value
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *EncodeError) Unwrap() error { return e.Err }

func path(typ, field string) string {
	if field == "" {
		return typ
	}
	if typ == "" {
		return field
	}
	return typ + "." + field
}

func errText(err error) string {
	if err == nil {
		return "error"
	}
	return err.Error()
}
