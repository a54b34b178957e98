package cnimpl

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/cngen/cngen/runtime/cn"
)

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
		return b, cn.ErrNUL
	}
	return append(append(b, s...), 0), nil
}

// AppendText appends the bytes of s, without a NUL. It fails with ErrNUL
// when s holds a NUL, which a reader would take for the end of the text.
func AppendText(b []byte, s string) ([]byte, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return b, cn.ErrNUL
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
		return &cn.EncodeError{Type: "cstring[" + strconv.Itoa(len(dst)) + "]", Value: strconv.Quote(s), Err: cn.ErrTooLong}
	}
	if strings.IndexByte(s, 0) >= 0 {
		return &cn.EncodeError{Type: "cstring[" + strconv.Itoa(len(dst)) + "]", Value: strconv.Quote(s), Err: cn.ErrNUL}
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

// Extend appends n zero bytes to b and returns the result and the n bytes
// it appended. Generated encoders of fixed-size layouts call it once with
// a constant n, then store every field at a constant offset in window:
// padding is zero without a write, even when b's spare capacity held
// other bytes, and the compiler, which inlines Extend and knows window's
// length, checks no bounds on the stores.
//
// It grows b at most once, as append does. n must not be negative.
func Extend(b []byte, n int) (whole, window []byte) {
	b = append(b, make([]byte, n)...)
	return b, b[len(b)-n:]
}
