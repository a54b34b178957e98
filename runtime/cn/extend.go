package cn

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
