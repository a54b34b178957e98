package cnimpl

// Layout is the short-buffer table of one generated type: where each
// field with bytes of its constant-offset runs starts and how many bytes
// it needs, in order. A decoder checks a run's length once; only when
// that check fails does it ask the table which field the buffer ends in,
// so the fast path carries no per-field checks and the error still names
// the innermost field. Tables hold a type's own fields: a struct field
// points at its type's table instead of repeating its fields.
type Layout struct {
	Type  string // the type, as errors name it
	Spans []Span // ordered by Off + Need
}

// Span is one field of a Layout.
type Span struct {
	Name   string  // the field, as errors name it; "" for the type itself
	Off    int     // where the field starts
	Need   int     // the bytes it needs
	Nested *Layout // the table of a struct field's type, which names its own field
}

// Short returns the error of a buffer of n bytes that ends before the
// run it was checked for: a short-buffer [cn.DecodeError] naming the
// first field that does not fit, the innermost one for a struct field.
// n must be less than the end of the table's last span.
func (l *Layout) Short(n int) error {
	for i := range l.Spans {
		s := &l.Spans[i]
		if n >= s.Off+s.Need {
			continue
		}
		if s.Nested != nil {
			return Nest(s.Nested.Short(n-s.Off), l.Type, s.Name, s.Off)
		}
		return Short(l.Type, s.Name, s.Off, s.Need, n)
	}
	return Short(l.Type, "", 0, 0, n) // not reached when n is short
}
