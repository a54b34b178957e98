package check

import (
	"math/big"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/syntax"
)

// Constant expressions are evaluated exactly with math/big; a result must
// lie in [-2^63, 2^64-1] so that it fits some 64-bit integer.
var (
	minInt = new(big.Int).Lsh(big.NewInt(-1), 63)                                 // -2^63
	maxInt = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(1)) // 2^64-1
)

// precedence ranks the binary operators as C does; higher binds tighter.
var precedence = map[string]int{
	"|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}

// evalExpr computes e, grouping its operators by precedence, each level
// left to right. It reports problems to c.errs and returns nil when the
// value cannot be had.
func (c *checker) evalExpr(e *syntax.Expr) *big.Int {
	vals := []*big.Int{c.evalUnary(e.Left)}
	var ops []*syntax.BinOp
	reduce := func() {
		op := ops[len(ops)-1]
		a, b := vals[len(vals)-2], vals[len(vals)-1]
		ops, vals = ops[:len(ops)-1], vals[:len(vals)-2]
		vals = append(vals, c.binary(op.Pos, op.Op, a, b))
	}
	for _, t := range e.Right {
		for len(ops) > 0 && precedence[ops[len(ops)-1].Op] >= precedence[t.Op] {
			reduce()
		}
		ops = append(ops, t)
		vals = append(vals, c.evalUnary(t.Right))
	}
	for len(ops) > 0 {
		reduce()
	}
	return vals[0]
}

func (c *checker) evalUnary(e *syntax.Unary) *big.Int {
	if e.Primary != nil {
		return c.evalPrimary(e.Primary)
	}
	v := c.evalUnary(e.Operand)
	if v == nil {
		return nil
	}
	r := new(big.Int)
	if e.Op == "-" {
		r.Neg(v)
	} else {
		r.Not(v)
	}
	return c.inRange(e.Pos, r)
}

func (c *checker) evalPrimary(e *syntax.Primary) *big.Int {
	switch {
	case e.Paren != nil:
		return c.evalExpr(e.Paren)
	case e.Name != "":
		return c.constValue(e.Pos, e.Name)
	}
	v, ok := parseInt(e.Number)
	if !ok {
		c.errs.Add(e.Pos, "invalid integer literal %s", e.Number)
		return nil
	}
	return c.inRange(e.Pos, v)
}

// parseInt reads a literal as the lexer accepts it: decimal, 0x, 0b, 0o,
// with _ separators between digits.
func parseInt(s string) (*big.Int, bool) {
	if strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return nil, false
	}
	base := 10
	digits := s
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, digits = 16, s[2:]
		case 'b', 'B':
			base, digits = 2, s[2:]
		case 'o', 'O':
			base, digits = 8, s[2:]
		}
	}
	digits = strings.TrimPrefix(digits, "_")
	v, ok := new(big.Int).SetString(strings.ReplaceAll(digits, "_", ""), base)
	return v, ok && digits != ""
}

func (c *checker) binary(pos model.Pos, op string, a, b *big.Int) *big.Int {
	if a == nil || b == nil {
		return nil
	}
	r := new(big.Int)
	switch op {
	case "|":
		r.Or(a, b)
	case "^":
		r.Xor(a, b)
	case "&":
		r.And(a, b)
	case "+":
		r.Add(a, b)
	case "-":
		r.Sub(a, b)
	case "*":
		r.Mul(a, b)
	case "/", "%":
		if b.Sign() == 0 {
			c.errs.Add(pos, "division by zero")
			return nil
		}
		if op == "/" {
			r.Quo(a, b) // truncates toward zero, as C does
		} else {
			r.Rem(a, b)
		}
	case "<<", ">>":
		if b.Sign() < 0 || b.Cmp(big.NewInt(64)) >= 0 {
			c.errs.Add(pos, "shift count %s out of range [0, 63]", b)
			return nil
		}
		if op == "<<" {
			r.Lsh(a, uint(b.Uint64()))
		} else {
			r.Rsh(a, uint(b.Uint64()))
		}
	}
	return c.inRange(pos, r)
}

func (c *checker) inRange(pos model.Pos, v *big.Int) *big.Int {
	if v.Cmp(minInt) < 0 || v.Cmp(maxInt) > 0 {
		c.errs.Add(pos, "constant %s overflows 64 bits", v)
		return nil
	}
	return v
}

// fitsInt reports whether v is representable in t.
func fitsInt(v *big.Int, t model.IntType) bool {
	var lo, hi *big.Int
	if t.Signed {
		lo = new(big.Int).Lsh(big.NewInt(-1), uint(t.Bits-1))
		hi = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(t.Bits-1)), big.NewInt(1))
	} else {
		lo = new(big.Int)
		hi = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(t.Bits)), big.NewInt(1))
	}
	return v.Cmp(lo) >= 0 && v.Cmp(hi) <= 0
}

// spell writes v in the base of the first literal of e, as the schema
// wrote it: idx 0x1234 stays 0x1234, not 4660, in messages and listings.
func spell(e *syntax.Expr, v *big.Int) string {
	lit := spellLiteral(e)
	base, prefix := 10, ""
	if len(lit) > 1 && lit[0] == '0' {
		switch lit[1] {
		case 'x', 'X':
			base, prefix = 16, "0x"
		case 'b', 'B':
			base, prefix = 2, "0b"
		case 'o', 'O':
			base, prefix = 8, "0o"
		}
	}
	if base == 10 {
		return v.String()
	}
	if v.Sign() < 0 {
		return "-" + prefix + new(big.Int).Neg(v).Text(base)
	}
	return prefix + v.Text(base)
}

// firstLiteral is the first number literal in u, or "".
func firstLiteral(u *syntax.Unary) string {
	for u.Primary == nil {
		u = u.Operand
	}
	switch p := u.Primary; {
	case p.Number != "":
		return p.Number
	case p.Paren != nil:
		return spellLiteral(p.Paren)
	}
	return ""
}

func spellLiteral(e *syntax.Expr) string {
	if lit := firstLiteral(e.Left); lit != "" {
		return lit
	}
	for _, op := range e.Right {
		if lit := firstLiteral(op.Right); lit != "" {
			return lit
		}
	}
	return ""
}
