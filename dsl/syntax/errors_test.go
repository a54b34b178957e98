package syntax

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/source"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the one error, with its position
	}{{
		name: "misspelt keyword at top level",
		src:  "package p\nstrcut s { a u8 }\n",
		want: `fuzz.cn:2:1: syntax error: unexpected token "strcut" (expected package, const, enum, flags, struct, union or family); did you mean struct?`,
	}, {
		name: "misspelt package clause",
		src:  "pakage p\n",
		want: `fuzz.cn:1:1: syntax error: unexpected token "pakage" (expected package, const, enum, flags, struct, union or family); did you mean package?`,
	}, {
		name: "unknown word at top level",
		src:  "package p\nstruct s { a u8 }\ntypedef x\n",
		want: `fuzz.cn:3:1: syntax error: unexpected token "typedef" (expected package, const, enum, flags, struct, union or family)`,
	}, {
		name: "stray brace at top level",
		src:  "package p\n}\n",
		want: `fuzz.cn:2:1: syntax error: unexpected token "}" (expected package, const, enum, flags, struct, union or family)`,
	}, {
		name: "misspelt family keyword",
		src:  "package p\nfamily f idx 20 {\n    sned a val 1 bytes\n}\n",
		want: `fuzz.cn:3:5: syntax error: unexpected token "sned" (expected group, sender, send, event, call or "}"); did you mean send?`,
	}, {
		name: "C field with a semicolon",
		src:  "package p\nstruct s {\n    u32 a;\n}\n",
		want: `fuzz.cn:3:10: syntax error: unexpected ";": .cn writes no semicolons, and a field as name type: write a u32`,
	}, {
		name: "kernel type with a semicolon",
		src:  "package p\nstruct s {\n    __be16 port;\n}\n",
		want: `fuzz.cn:3:16: syntax error: unexpected ";": .cn writes no semicolons, and a field as name type: write port u16be`,
	}, {
		name: "declared type with a semicolon",
		src:  "package p\nstruct t { x u8 }\nstruct s {\n    t inner;\n}\n",
		want: `fuzz.cn:4:12: syntax error: unexpected ";": .cn writes no semicolons, and a field as name type: write inner t`,
	}, {
		name: ".cn field with a semicolon",
		src:  "package p\nstruct s { a u32; }\n",
		want: `fuzz.cn:2:17: syntax error: unexpected ";": .cn writes no semicolons, and a field as name type`,
	}, {
		name: "C array with a semicolon",
		src:  "package p\nstruct s {\n    char comm[16];\n}\n",
		want: `fuzz.cn:3:18: syntax error: unexpected ";": .cn writes no semicolons, and a field as name type: write comm cstring[16] for text or comm [16]u8 for bytes`,
	}, {
		name: "C array",
		src:  "package p\nstruct s {\n    char comm[16]\n}\n",
		want: `fuzz.cn:3:14: syntax error: unexpected token "[": a .cn field is name type, with any length in the type: write comm cstring[16] for text or comm [16]u8 for bytes`,
	}, {
		name: "C array of kernel integers",
		src:  "package p\nstruct s {\n    __u32 pids[N + 1]\n}\n",
		want: `fuzz.cn:3:15: syntax error: unexpected token "[": a .cn field is name type, with any length in the type: write pids [N + 1]u32`,
	}, {
		name: "array suffix after a .cn field",
		src:  "package p\nunion u {\n    a u8[4]\n}\n",
		want: `fuzz.cn:3:9: syntax error: unexpected token "[": a .cn field is name type, with any length in the type: write a [4]u8`,
	}, {
		name: "block comment",
		src:  "package p\nstruct s {\n    a u8 /* the count */\n}\n",
		want: `fuzz.cn:3:10: syntax error: unexpected "/*": .cn has no block comments; write // for a comment and /// for a doc comment`,
	}, {
		name: "missing closing brace",
		src:  "package p\n\nstruct s {\n    a u32\n",
		want: `fuzz.cn:5:1: syntax error: struct s, opened at fuzz.cn:3:10, is missing its closing "}"`,
	}, {
		name: "missing closing brace of an inline struct",
		src:  "package p\nunion u switch k {\n    a => struct { x u8\n",
		want: `fuzz.cn:4:1: syntax error: inline struct, opened at fuzz.cn:3:17, is missing its closing "}"`,
	}, {
		name: "end of file inside a body",
		src:  "package p\nfamily f idx 20 {\n    call c val",
		want: `fuzz.cn:3:15: syntax error: unexpected end of file in family f, opened at fuzz.cn:2:17 (expected an expression)`,
	}, {
		name: "end of file outside a body",
		src:  "package p\nconst X = (1",
		want: `fuzz.cn:2:13: syntax error: unexpected end of file (expected ")")`,
	}, {
		name: "expected a name",
		src:  "package",
		want: `fuzz.cn:1:8: syntax error: unexpected end of file (expected a name)`,
	}, {
		name: "expected a keyword",
		src:  "package p\nfamily f idx 20 {\n    send a 1 bytes\n}\n",
		want: `fuzz.cn:3:12: syntax error: unexpected token "1" (expected "val")`,
	}, {
		name: "unexpected character",
		src:  "package p\nconst X = 1 $ 2\n",
		want: `fuzz.cn:2:13: syntax error: unexpected character "$"`,
	}, {
		name: "invalid UTF-8",
		src:  "package p\n\xff\n",
		want: `fuzz.cn:2:1: syntax error: unexpected byte 0xff`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("fuzz.cn", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			checkErrors(t, []byte(tt.src), err)
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBrokenCorpus breaks every corpus file in two ways, line by line:
// cut after the line, and with the line left out. Every error must be a
// positioned syntax error in the user's terms, and whatever still parses
// must survive formatting.
func TestBrokenCorpus(t *testing.T) {
	for _, cf := range corpus(t) {
		t.Run(cf.name, func(t *testing.T) {
			lines := bytes.SplitAfter(cf.src, []byte("\n"))
			for i := range lines {
				cut := bytes.Join(lines[:i+1], nil)
				dropped := append(bytes.Join(lines[:i], nil), bytes.Join(lines[i+1:], nil)...)
				for _, src := range [][]byte{cut, dropped} {
					checkParse(t, src)
				}
			}
		})
	}
}

func checkParse(t *testing.T, src []byte) {
	t.Helper()
	f, err := Parse("fuzz.cn", src)
	if err != nil {
		checkErrors(t, src, err)
		return
	}
	roundTrip(t, "fuzz.cn", f)
}

// TestNestingGuard checks that a deeply nested file gets an error, not
// a crashed parser.
func TestNestingGuard(t *testing.T) {
	src := []byte("package p\nconst X = " + string(bytes.Repeat([]byte("("), maxNesting+1)) + "1")
	_, err := Parse("fuzz.cn", src)
	var list source.ErrorList
	if !errors.As(err, &list) || len(list) != 1 || list[0].Msg != "syntax error: nesting deeper than 100 levels" {
		t.Fatalf("Parse = %v, want the nesting error", err)
	}
}
