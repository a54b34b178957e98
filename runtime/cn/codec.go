// This file holds what generated encoders and decoders share: the errors
// they return and the few byte-level helpers too small to generate over
// and over. Every helper is a leaf that allocates nothing unless its
// documentation says so.

package cn

import (
	"bytes"
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
}

func (e *EncodeError) Error() string {
	s := "cn: encode " + path(e.Type, e.Field) + ": " + errText(e.Err)
	if e.Value != "" {
		s += " " + e.Value
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

// Short reports that field, at off, needs need bytes of a buffer of
// bufLen bytes.
func Short(typ, field string, off, need, bufLen int) error {
	return &DecodeError{Type: typ, Field: field, Offset: off, Need: need, Have: max(bufLen-off, 0), Err: ErrShort}
}

// UnknownValue reports an enum value or selector outside the known set.
func UnknownValue(typ, field string, off int, value string) error {
	return &DecodeError{Type: typ, Field: field, Offset: off, Value: value, Err: ErrUnknownValue}
}

// InvalidBool reports a bool byte other than 0 or 1.
func InvalidBool(typ, field string, off int, v byte) error {
	return &DecodeError{Type: typ, Field: field, Offset: off, Value: strconv.Itoa(int(v)), Err: ErrInvalidBool}
}

// InvalidLength reports a length field value that is not a length.
func InvalidLength(typ, field string, off, n int) error {
	return &DecodeError{Type: typ, Field: field, Offset: off, Value: strconv.Itoa(n), Err: ErrInvalidLength}
}

// NoNUL reports a NUL-terminated string whose NUL is missing.
func NoNUL(typ, field string, off, bufLen int) error {
	return &DecodeError{Type: typ, Field: field, Offset: off, Have: max(bufLen-off, 0), Err: ErrNoNUL}
}

// NestDecode places err, from decoding field at off, inside typ: the
// path grows by field and the offset by off. err must be the fresh result
// of a decode; a DecodeError is updated in place.
func NestDecode(err error, typ, field string, off int) error {
	var e *DecodeError
	if !errors.As(err, &e) {
		return &DecodeError{Type: typ, Field: field, Offset: off, Err: err}
	}
	e.Field = path(field, e.Field)
	e.Type = typ
	e.Offset += off
	return e
}

// EncodeFail reports a value of field that cannot be encoded.
func EncodeFail(typ, field, value string, err error) error {
	return &EncodeError{Type: typ, Field: field, Value: value, Err: err}
}

// EncodeLength reports a length n of field that cannot be encoded.
func EncodeLength(typ, field string, n int, err error) error {
	return &EncodeError{Type: typ, Field: field, Value: strconv.Itoa(n), Err: err}
}

// NestEncode places err, from encoding field, inside typ, as NestDecode
// does for decoding.
func NestEncode(err error, typ, field string) error {
	var e *EncodeError
	if !errors.As(err, &e) {
		return &EncodeError{Type: typ, Field: field, Err: err}
	}
	e.Field = path(field, e.Field)
	e.Type = typ
	return e
}

// Align rounds n up to a multiple of a (a power of two, or 1).
func Align(n, a int) int { return (n + a - 1) &^ (a - 1) }

// Tail returns b from off on, or nothing when off is past its end.
func Tail(b []byte, off int) []byte {
	if off >= len(b) {
		return b[len(b):]
	}
	return b[off:]
}

// Window returns the n bytes of b from off on, fewer when b ends sooner.
func Window(b []byte, off, n int) []byte {
	b = Tail(b, off)
	return b[:min(n, len(b))]
}

// AppendZeros appends n zero bytes.
func AppendZeros(b []byte, n int) []byte {
	return append(b, make([]byte, n)...)
}

// AppendPad appends zero bytes until len(b)-start is a multiple of align.
func AppendPad(b []byte, start, align int) []byte {
	n := len(b) - start
	return AppendZeros(b, Align(n, align)-n)
}

// AppendFill appends zero bytes until len(b)-start is at least size.
func AppendFill(b []byte, start, size int) []byte {
	return AppendZeros(b, max(size-(len(b)-start), 0))
}

// AppendBool appends a bool as one byte, 0 or 1.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendString appends s and a NUL. It fails with ErrNUL when s holds a
// NUL, which a reader would take for the end.
func AppendString(b []byte, s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return b, ErrNUL
	}
	return append(append(b, s...), 0), nil
}

// AppendText appends the bytes of s, without a NUL. It fails with ErrNUL
// when s holds a NUL, which a reader would take for the end of the text.
func AppendText(b []byte, s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return b, ErrNUL
	}
	return append(b, s...), nil
}

// CStringText returns the text of a NUL-padded byte array: the bytes
// before the first NUL, or all of them when there is none. It allocates
// the string.
func CStringText(b []byte) string { return string(CutNUL(b)) }

// SetCString stores s NUL-padded in dst. It fails with ErrTooLong when s
// and its NUL do not fit, and with ErrNUL when s holds a NUL; dst is then
// unchanged.
func SetCString(dst []byte, s string) error {
	if len(s) >= len(dst) {
		return &EncodeError{Type: "cstring[" + strconv.Itoa(len(dst)) + "]", Value: strconv.Quote(s), Err: ErrTooLong}
	}
	if strings.IndexByte(s, 0) >= 0 {
		return &EncodeError{Type: "cstring[" + strconv.Itoa(len(dst)) + "]", Value: strconv.Quote(s), Err: ErrNUL}
	}
	clear(dst[copy(dst, s):])
	return nil
}

// CutNUL returns the bytes of b before its first NUL, or b when there is
// none.
func CutNUL(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// IndexNUL returns the index of the first NUL in b, or -1.
func IndexNUL(b []byte) int { return bytes.IndexByte(b, 0) }

// Text returns b as a string, reusing old when it holds the same bytes,
// so that decoding an unchanged string into a reused value allocates
// nothing.
func Text(old string, b []byte) string {
	if string(b) == old {
		return old
	}
	return string(b)
}

// Resize returns s with length n, reusing its array (and whatever the
// reused elements hold) when it is large enough.
func Resize[E any](s []E, n int) []E {
	if n <= cap(s) {
		return s[:n]
	}
	return append(s[:cap(s)], make([]E, n-cap(s))...)
}

// FlagName names one bit pattern of a flags type, for FlagsString.
type FlagName struct {
	Mask uint64
	Name string
}

// FlagsString spells a flags value: the names whose masks are wholly set
// in x, in the order given (generated code lists the widest masks first),
// joined by |, then any bits left over in hex. Zero is spelled zero.
func FlagsString(x uint64, zero string, names []FlagName) string {
	if x == 0 {
		return zero
	}
	var b []byte
	for _, n := range names {
		if n.Mask != 0 && x&n.Mask == n.Mask {
			b = append(b, n.Name...)
			b = append(b, '|')
			x &^= n.Mask
		}
	}
	if x == 0 {
		return string(b[:len(b)-1])
	}
	b = append(b, "0x"...)
	return string(strconv.AppendUint(b, x, 16))
}
