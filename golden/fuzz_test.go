package golden

// Generated decoders must never panic, never read past the buffer, and
// round-trip: whatever they accept re-encodes to bytes that decode to the
// same value. FuzzDecode drives every decoder of the corpus; a test keeps
// the list complete.

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// codecNames is codecs' keys, sorted: the fuzzer's first byte picks one.
func codecNames() []string {
	names := make([]string, 0, len(codecs))
	for n := range codecs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// unmarshalMethod finds the decoders of exported types. The unexported
// wrappers of message payloads that are not declared types (a string, a
// u32) decode as a struct of that one field would, which the exported
// types already cover.
var unmarshalMethod = regexp.MustCompile(`(?m)^func \([a-z] \*([A-Z][A-Za-z0-9]*)\) UnmarshalBinary\(`)

// TestCodecListComplete fails when a golden package or an example gains
// a type that the fuzz tests do not drive.
func TestCodecListComplete(t *testing.T) {
	files, _ := filepath.Glob("*/*.cn.go")
	examples, _ := filepath.Glob("../examples/*/*.cn.go")
	found := 0
	for _, f := range append(files, examples...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pkg := strings.TrimPrefix(filepath.ToSlash(filepath.Dir(f)), "../")
		for _, m := range unmarshalMethod.FindAllStringSubmatch(string(src), -1) {
			found++
			if _, ok := codecs[pkg+"."+m[1]]; !ok {
				t.Errorf("%s.%s is missing from codecs in registry_test.go", pkg, m[1])
			}
		}
	}
	if found != len(codecs) {
		t.Errorf("found %d decoders in the generated files, codecs lists %d", found, len(codecs))
	}
}

// roundTrip decodes b as the named type and, when that succeeds, checks
// that the value re-encodes to bytes of the size Size reports, that those
// bytes decode, and that from then on decoding and encoding are exact
// inverses. (The first decode may differ from the second in one way only:
// a default variant shorter than its union gains the union's zero fill.)
func roundTrip(t *testing.T, name string, b []byte) {
	v := codecs[name]()
	if err := v.UnmarshalBinary(b); err != nil {
		return // rejecting is fine; panicking is not
	}
	enc := encode(t, name, v)
	w := codecs[name]()
	if err := w.UnmarshalBinary(enc); err != nil {
		t.Fatalf("%s: re-encoding %x does not decode: %v", name, enc, err)
	}
	again := encode(t, name, w)
	if !bytes.Equal(enc, again) {
		t.Fatalf("%s: encoding is not stable: %x then %x", name, enc, again)
	}
	x := codecs[name]()
	if err := x.UnmarshalBinary(again); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, x); diff != "" {
		t.Fatalf("%s: round trip changed the value (-first +second):\n%s", name, diff)
	}
}

// encode encodes v twice: into nil, and after a prefix into a buffer whose
// spare capacity holds garbage. Both must give the same bytes (padding is
// written as zeros, never left over) and leave the prefix alone.
func encode(t *testing.T, name string, v coder) []byte {
	enc, err := v.AppendBinary(nil)
	if err != nil {
		t.Fatalf("%s: a decoded value does not re-encode: %v", name, err)
	}
	if len(enc) != v.Size() {
		t.Fatalf("%s: encoded %d bytes, Size says %d", name, len(enc), v.Size())
	}
	dirty := bytes.Repeat([]byte{0xa5}, 3+len(enc)+64)
	got, err := v.AppendBinary(dirty[:3])
	if err != nil {
		t.Fatalf("%s: encoding into a used buffer failed: %v", name, err)
	}
	if !bytes.Equal(got[:3], []byte{0xa5, 0xa5, 0xa5}) || !bytes.Equal(got[3:], enc) {
		t.Fatalf("%s: encoding into a used buffer gave %x, want a5a5a5%x", name, got, enc)
	}
	return enc
}

func FuzzDecode(f *testing.F) {
	names := codecNames()
	for i, n := range names {
		zero, err := codecs[n]().AppendBinary(nil)
		if err == nil {
			f.Add(byte(i), zero)
		}
		f.Add(byte(i), bytes.Repeat([]byte{0xff}, 64))
	}
	f.Fuzz(func(t *testing.T, pick byte, b []byte) {
		roundTrip(t, names[int(pick)%len(names)], b)
	})
}

// TestDecodePrefixes feeds every decoder every prefix of a filled buffer,
// so short-buffer paths run in ordinary test runs too.
func TestDecodePrefixes(t *testing.T) {
	buf := make([]byte, 3000)
	for i := range buf {
		buf[i] = byte(i*7 + 1)
	}
	for _, n := range codecNames() {
		for i := 0; i <= len(buf); i += 1 + i/64 {
			roundTrip(t, n, buf[:i])
		}
	}
}
