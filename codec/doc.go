// Package codec is the generic codec: it decodes any message of a
// checked schema from bytes into a [Value] and encodes it back, with no
// generated code, by interpreting the schema's wire plan
// ([github.com/cngen/cngen/dsl/wire]). It is what commands that work
// from a schema alone stand on (decoding and printing live messages,
// encoding messages written as text), and it is the executable form of
// the language's decoding rules: for the same bytes it gives the same
// values, the same encoding and the same errors ([cn.DecodeError],
// [cn.EncodeError], built by the same runtime/cnimpl helpers) as the code
// cngen generates for the schema, which a differential fuzz test over
// every schema of the repository holds it to.
//
// It is written for clarity, not speed: every value is a tree of
// Values, and every byte slice in one is a copy.
//
//	s, err := check.Load("proc.cn", src)
//	if err != nil {
//		return err
//	}
//	plan := wire.New(s)
//	c := codec.New(plan)
//	v, err := c.Decode(plan.Layout(procEvent), data) // names the field of a short buffer
package codec
