package wire

import "github.com/cngen/cngen/dsl/model"

// Rigid reports whether t has a fixed size and no choice inside, so that
// it decodes at constant offsets once its bytes are known to be there.
func (p *Plan) Rigid(t *model.Type) bool {
	if r, ok := p.rigid[t]; ok {
		return r
	}
	r := !t.Variable
	switch t.Kind {
	case model.KindSwitch:
		r = false
	case model.KindStruct:
		for _, f := range t.Fields {
			r = r && p.Rigid(f.Type)
		}
	case model.KindArray:
		r = r && p.Rigid(t.Elem)
	}
	p.rigid[t] = r
	return r
}

// Need is the number of bytes a decoder needs for a rigid t: its size,
// but for a struct the end of its last field with bytes (trailing
// padding is not needed; explicit pad fields are).
func (p *Plan) Need(t *model.Type) int {
	if n, ok := p.need[t]; ok {
		return n
	}
	n := t.Size
	if t.Kind == model.KindStruct {
		n = 0
		for _, f := range t.Fields {
			if fn := p.Need(f.Type); fn > 0 {
				n = max(n, f.Offset+fn)
			}
		}
	}
	p.need[t] = n
	return n
}

// structLayout lays out the fields of a struct (or payload wrapper).
func (p *Plan) structLayout(l *Layout, fields []*model.Field) {
	t := l.Type
	byModel := map[*model.Field]*Field{}
	for i, mf := range fields {
		f := &Field{Model: mf, Name: mf.Name, Type: mf.Type, Index: i, Off: mf.Offset, Dynamic: mf.Dynamic,
			Align: mf.Align, Size: mf.Size, Last: i == len(fields)-1}
		f.Layout = p.inner(mf.Type, l.Name+"."+mf.Name)
		f.Rigid = p.Rigid(mf.Type)
		if f.Rigid {
			f.Need = p.Need(mf.Type)
		}
		byModel[mf] = f
		l.Fields = append(l.Fields, f)
	}
	for _, f := range l.Fields {
		mf := fields[f.Index]
		f.LenField = byModel[mf.Type.LenField]
		f.Selector = byModel[mf.Selector]
		for _, sized := range mf.LengthOf {
			f.LengthOf = append(f.LengthOf, byModel[sized])
		}
		if f.Selector != nil {
			f.Layout.Uses++
			if f.Layout.Default != nil && f.Selector.Type.Kind == model.KindEnum {
				f.Selector.Open = true
			}
		}
	}
	l.Rigid = p.Rigid(t)
	if l.Rigid {
		l.Need = p.Need(t)
	}
	l.runs()
	l.window()
	l.gaps()
}

// runs groups the rigid fields at constant offsets and builds the
// short-buffer table.
func (l *Layout) runs() {
	var cur *Run
	for _, f := range l.Fields {
		if f.Dynamic || !f.Rigid {
			cur = nil
			continue
		}
		if cur == nil {
			cur = &Run{}
			l.Runs = append(l.Runs, cur)
		}
		cur.Fields = append(cur.Fields, f)
		f.Run = cur
		if f.Need > 0 {
			cur.Need = f.Off + f.Need
			sp := Span{Name: f.Name, Off: f.Off, Need: f.Need, End: f.Off + f.Need}
			if f.Type.Kind == model.KindStruct {
				sp.Nested = f.Layout
			}
			l.Spans = append(l.Spans, sp)
		}
	}
}

// window finds the leading fields an encoder stores into one block.
func (l *Layout) window() {
	for _, f := range l.Fields {
		if f.Dynamic || (f.Type.Variable && f.Type.Kind != model.KindSwitch) {
			break
		}
		f.Windowed = true
		l.Window++
		l.WindowEnd = max(l.WindowEnd, f.Off+f.Size)
		if f.Type.Variable {
			break // nothing after it has a constant offset
		}
	}
	if l.Window == len(l.Fields) {
		l.WindowEnd = max(l.WindowEnd, l.Type.Size)
	}
}

// gaps finds the implicit padding between the fields at constant offsets
// and, for a fixed struct, after the last one.
func (l *Layout) gaps() {
	end := 0
	for _, f := range l.Fields {
		if f.Dynamic {
			return
		}
		if f.Off > end {
			l.Gaps = append(l.Gaps, Gap{Off: end, Len: f.Off - end})
		}
		end = f.Off + f.Size
		if f.Type.Variable {
			return
		}
	}
	if l.Type.Size > end {
		l.Gaps = append(l.Gaps, Gap{Off: end, Len: l.Type.Size - end})
	}
}

// unionLayout lays out a plain union: members at offset 0, decoded as a
// copy of its bytes.
func (p *Plan) unionLayout(l *Layout) {
	t := l.Type
	for i, mf := range t.Fields {
		f := &Field{Model: mf, Name: mf.Name, Type: mf.Type, Index: i, Align: mf.Align, Size: mf.Size,
			Rigid: p.Rigid(mf.Type), Last: true}
		f.Layout = p.inner(mf.Type, l.Name+"."+mf.Name)
		if f.Rigid {
			f.Need = p.Need(mf.Type)
		}
		l.Fields = append(l.Fields, f)
	}
	l.Rigid, l.Need = true, t.Size
	if t.Size > 0 {
		l.Spans = []Span{{Off: 0, Need: t.Size, End: t.Size}}
	}
}

// switchLayout lays out the arms of a switch union.
func (p *Plan) switchLayout(l *Layout) {
	t := l.Type
	l.cases = map[uint64]*Arm{}
	arm := func(v *model.Variant) *Arm {
		a := &Arm{Variant: v, Name: v.Name(), Type: v.Type, Rigid: p.Rigid(v.Type)}
		a.Layout = p.inner(v.Type, l.Name+"."+a.Name)
		if a.Rigid {
			a.Need = p.Need(v.Type)
		}
		return a
	}
	for _, v := range t.Variants {
		a := arm(v)
		l.Arms = append(l.Arms, a)
		if t.Selector != nil && v.Case != nil {
			l.cases[Value(t.Selector, v.Case)] = a
		}
	}
	if t.Default != nil {
		l.Default = arm(t.Default)
		l.Arms = append(l.Arms, l.Default)
	}
}
