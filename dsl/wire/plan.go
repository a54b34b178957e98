package wire

import (
	"math/big"

	"github.com/cngen/cngen/dsl/model"
)

// Plan is the wire plan of one schema: a Layout for every struct, plain
// union and switch union (declared, or inline in a switch), and for every
// message payload. It is computed once by [New] and never modified.
type Plan struct {
	Schema *model.Schema

	layouts  map[*model.Type]*Layout
	all      []*Layout
	payloads map[payloadKey]*Layout
	rigid    map[*model.Type]bool
	need     map[*model.Type]int
}

type payloadKey struct {
	m     *model.Message
	reply bool
}

// Layout is how one struct, plain union, switch union or message payload
// travels.
type Layout struct {
	// Type is the type laid out. For the payload of a message whose type
	// is not a declared struct or union (a string, a u32, an enum, []T…)
	// it is a struct the plan makes, of one field named "" holding that
	// type, so that a payload is always decoded as a struct.
	Type *model.Type
	// Name is the type as errors name it: its declared name, the union
	// and case of an inline variant struct (event_data.none), or the
	// family and message of a payload wrapper (echo.log, echo.ping.reply).
	Name string
	// Payload reports a payload wrapper.
	Payload bool

	// Rigid reports a fixed size and no choice inside: the type decodes
	// after one length check, with loads at constant offsets.
	Rigid bool
	// Need is, for a rigid type, the bytes a decoder needs: its size
	// without trailing padding.
	Need int

	// Fields are the fields of a struct and the members of a plain union,
	// in order.
	Fields []*Field
	// Runs are the runs of rigid fields at constant offsets of a struct.
	Runs []*Run
	// Spans is the short-buffer table of a struct's runs, or of a plain
	// union, ordered by End: a buffer shorter than a run needs is short
	// in the first span that ends past it.
	Spans []Span
	// Window is the number of leading fields an encoder stores into one
	// block of WindowEnd zero bytes: those at constant offsets with a
	// fixed size, and a switch union at a constant offset even when an
	// arm has a variable size (that arm gives the block back).
	Window, WindowEnd int
	// Gaps are the padding bytes the C compiler inserts between and after
	// the fields at constant offsets, which encoders write as zeros.
	Gaps []Gap

	// Arms are the arms of a switch union: its cases in declaration order,
	// then the default.
	Arms []*Arm
	// Default is the default arm, or nil.
	Default *Arm
	// Uses counts the struct fields of the schema whose type is this
	// switch union.
	Uses int

	cases map[uint64]*Arm
}

// Field is a field of a struct or a member of a plain union, with what
// its decoding and encoding depend on.
type Field struct {
	Model *model.Field // in a payload wrapper, the plan's own field
	Name  string
	Type  *model.Type
	Index int // in Layout.Fields

	Off     int // the constant offset, when !Dynamic
	Dynamic bool
	Align   int
	Size    int // the type's size (its fixed part when variable)

	Rigid bool
	Need  int // rigid: bytes from Off the field needs (0 for a size-0 type)
	// Run is the run the field is decoded in, or nil when it is decoded
	// alone.
	Run *Run
	// Layout is the layout of a struct, plain union or switch union type,
	// or nil.
	Layout *Layout
	// Open reports an enum field that selects a switch union with a
	// default: every value decodes and encodes.
	Open bool
	// Last reports the last field: a variable tail takes the rest of the
	// buffer.
	Last bool
	// Windowed reports a field in the encoder's block of zeros.
	Windowed bool

	LenField *Field   // the earlier field holding this field's length, or nil
	LengthOf []*Field // the later fields whose length this field holds
	Selector *Field   // the earlier field whose value picks this union's arm
}

// Run is a run of rigid fields at constant offsets.
type Run struct {
	Fields []*Field
	// Need is the bytes from the start of the struct the run needs: the
	// end of its last field with bytes.
	Need int
}

// Span is one entry of a short-buffer table: the bytes [Off, End) of a
// field, and the layout that names the field inside it when it is a
// struct.
type Span struct {
	Name      string
	Off, Need int
	End       int // Off + Need
	Nested    *Layout
}

// Gap is a run of padding bytes.
type Gap struct{ Off, Len int }

// Arm is one arm of a switch union.
type Arm struct {
	Variant *model.Variant
	Name    string // the case, or "default"
	Type    *model.Type
	Layout  *Layout // a struct or plain union arm's layout, or nil
	Rigid   bool
	Need    int // rigid: the bytes the arm needs
}

// New computes the plan of s.
func New(s *model.Schema) *Plan {
	p := &Plan{
		Schema:   s,
		layouts:  map[*model.Type]*Layout{},
		payloads: map[payloadKey]*Layout{},
		rigid:    map[*model.Type]bool{},
		need:     map[*model.Type]int{},
	}
	for _, t := range s.Types {
		p.visit(t, t.Name)
	}
	for _, fam := range s.Families {
		for _, m := range fam.Messages {
			p.payload(fam, m, false)
			if m.Reply != nil {
				p.payload(fam, m, true)
			}
		}
	}
	return p
}

// Layout returns the layout of a struct, plain union or switch union
// type of the schema, or nil for any other type.
func (p *Plan) Layout(t *model.Type) *Layout { return p.layouts[t] }

// Layouts returns every layout: each declared type in declaration order,
// followed by the inline types it introduces, then the payload wrappers.
func (p *Plan) Layouts() []*Layout { return p.all }

// Payload returns the layout of the payload of m, or of its reply: the
// declared struct's or union's, or a wrapper's.
func (p *Plan) Payload(m *model.Message, reply bool) *Layout {
	return p.payloads[payloadKey{m, reply}]
}

// composite reports the types that have a layout.
func composite(t *model.Type) bool {
	switch t.Kind {
	case model.KindStruct, model.KindUnion, model.KindSwitch:
		return true
	}
	return false
}

// visit makes the layouts of t and of the inline types inside it, in
// order, t first.
func (p *Plan) visit(t *model.Type, name string) {
	if _, done := p.layouts[t]; done || !composite(t) {
		return
	}
	l := &Layout{Type: t, Name: name}
	p.layouts[t] = l
	p.all = append(p.all, l)
	switch t.Kind {
	case model.KindStruct:
		p.structLayout(l, t.Fields)
	case model.KindUnion:
		p.unionLayout(l)
	case model.KindSwitch:
		p.switchLayout(l)
	}
}

// inner returns the layout of a field or arm type, making it for an
// inline type, which is named after where it appears.
func (p *Plan) inner(t *model.Type, name string) *Layout {
	if !composite(t) {
		return nil
	}
	if t.Name != "" {
		name = t.Name
	}
	p.visit(t, name)
	return p.layouts[t]
}

func (p *Plan) payload(fam *model.Family, m *model.Message, reply bool) {
	t, name := m.Type, fam.Name+"."+m.Name
	if reply {
		t, name = m.Reply, name+".reply"
	}
	k := payloadKey{m, reply}
	if (t.Kind == model.KindStruct || t.Kind == model.KindUnion) && t.Name != "" {
		p.payloads[k] = p.layouts[t]
		return
	}
	holder := &model.Type{Kind: model.KindStruct, Pos: m.Pos, Size: t.Size, Align: t.Align, Variable: t.Variable,
		Fields: []*model.Field{{Pos: m.Pos, Type: t, Size: t.Size, Align: t.Align}}}
	l := &Layout{Type: holder, Name: name, Payload: true}
	p.layouts[holder] = l
	p.all = append(p.all, l)
	p.structLayout(l, holder.Fields)
	p.payloads[k] = l
}

// selectorValue is the bits of v as the selector's integer holds them.
func selectorValue(v *big.Int, it model.IntType) uint64 {
	if v.Sign() >= 0 {
		return v.Uint64()
	}
	u := uint64(v.Int64())
	if it.Bits < 64 {
		u &= 1<<it.Bits - 1
	}
	return u
}

// Pick returns the arm of switch union l that the selector value v (its
// bits as the selector's integer holds them) selects: the case with that
// value, else the default, else nil.
func (l *Layout) Pick(v uint64) *Arm {
	if a, ok := l.cases[v]; ok {
		return a
	}
	return l.Default
}

// Value returns the bits of value v of an enum or flags type as its
// integer holds them, the form [Layout.Pick] takes.
func Value(t *model.Type, v *model.Value) uint64 { return selectorValue(v.Value, t.Int) }
