package cnimpl

import (
	"errors"
	"strconv"

	"github.com/cngen/cngen/runtime/cn"
)

// Short reports that field, at off, needs need bytes of a buffer of
// bufLen bytes.
func Short(typ, field string, off, need, bufLen int) error {
	return &cn.DecodeError{Type: typ, Field: field, Offset: off, Need: need, Have: max(bufLen-off, 0), Err: cn.ErrShort}
}

// UnknownValue reports an enum value or selector outside the known set.
func UnknownValue(typ, field string, off int, value string) error {
	return &cn.DecodeError{Type: typ, Field: field, Offset: off, Value: value, Err: cn.ErrUnknownValue}
}

// InvalidBool reports a bool byte other than 0 or 1.
func InvalidBool(typ, field string, off int, v byte) error {
	return &cn.DecodeError{Type: typ, Field: field, Offset: off, Value: strconv.Itoa(int(v)), Err: cn.ErrInvalidBool}
}

// InvalidLength reports a length field value that is not a length.
func InvalidLength(typ, field string, off, n int) error {
	return &cn.DecodeError{Type: typ, Field: field, Offset: off, Value: strconv.Itoa(n), Err: cn.ErrInvalidLength}
}

// NoNUL reports a NUL-terminated string whose NUL is missing.
func NoNUL(typ, field string, off, bufLen int) error {
	return &cn.DecodeError{Type: typ, Field: field, Offset: off, Have: max(bufLen-off, 0), Err: cn.ErrNoNUL}
}

// Nest places err, from decoding field at off, inside typ: the
// path grows by field and the offset by off. err must be the fresh result
// of a decode; a DecodeError is updated in place.
func Nest(err error, typ, field string, off int) error {
	var e *cn.DecodeError
	if !errors.As(err, &e) {
		return &cn.DecodeError{Type: typ, Field: field, Offset: off, Err: err}
	}
	e.Field = join(field, e.Field)
	e.Type = typ
	e.Offset += off
	return e
}

// EncodeFail reports a value of field that cannot be encoded.
func EncodeFail(typ, field, value string, err error) error {
	return &cn.EncodeError{Type: typ, Field: field, Value: value, Err: err}
}

// EncodeLength reports a length n of field that cannot be encoded.
func EncodeLength(typ, field string, n int, err error) error {
	return &cn.EncodeError{Type: typ, Field: field, Value: strconv.Itoa(n), Err: err}
}

// NestEncode places err, from encoding field, inside typ, as Nest
// does for decoding.
func NestEncode(err error, typ, field string) error {
	var e *cn.EncodeError
	if !errors.As(err, &e) {
		return &cn.EncodeError{Type: typ, Field: field, Err: err}
	}
	e.Field = join(field, e.Field)
	e.Type = typ
	return e
}

// join is the path of field inner inside field outer.
func join(outer, inner string) string {
	if inner == "" {
		return outer
	}
	if outer == "" {
		return inner
	}
	return outer + "." + inner
}

// UnknownEnum reports an enum value outside its declared set on encoding.
// zero says that the value is 0 and the enum declares no 0: the zero
// value of a struct then does not encode, and the error says how to fix
// that.
func UnknownEnum(typ, field, value string, zero bool) error {
	e := &cn.EncodeError{Type: typ, Field: field, Value: value, Err: cn.ErrUnknownValue}
	if zero {
		e.Hint = "the enum declares no 0: set the field, or give the enum a value 0 in the schema"
	}
	return e
}
