package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cngen/cngen/codec"
)

const decodeArgs = "(-schema FILE.cn | FAMILY) -type NAME [-hex] < PAYLOAD"

// runDecode prints one payload read from stdin as JSON.
func runDecode(args []string, stdout, stderr io.Writer) error {
	return decodeStdin(args, os.Stdin, stdout, stderr)
}

func decodeStdin(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("decode", decodeArgs, stderr)
	schema := fs.String("schema", "", "the schema `FILE.cn`; without it, a built-in family's")
	typ := fs.String("type", "", "the struct or union, or the message (FAMILY.MESSAGE, MESSAGE, MESSAGE.reply), to decode")
	isHex := fs.Bool("hex", false, "read the payload as hex text (whitespace ignored) rather than raw bytes")
	pos, help, err := parseInterspersed(fs, args)
	if help || err != nil {
		return err
	}
	builtin, err := oneName(pos, "decode")
	if err != nil {
		return err
	}
	if *typ == "" {
		return usageError{"decode: no -type given"}
	}
	l, err := loadLive(*schema, "", builtin, false)
	if err != nil {
		return err
	}
	lay, err := l.layout(*typ)
	if err != nil {
		return err
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		return fmt.Errorf("decode: reading the payload: %v", err)
	}
	b, err := readPayload(in, *isHex)
	if err != nil {
		return fmt.Errorf("decode: %v", err)
	}
	v, n, err := l.codec.DecodeN(lay, b)
	if err != nil {
		return fmt.Errorf("decode: %v", err)
	}
	if n < len(b) {
		fmt.Fprintf(stderr, "cngen: decode: %d bytes after the %s (offsets %d to %d) are not part of it\n", len(b)-n, lay.Name, n, len(b))
	}
	_, err = fmt.Fprintf(stdout, "%s\n", codec.JSON(v))
	return err
}

const encodeArgs = "(-schema FILE.cn | FAMILY) -type NAME [-hex] [JSON]"

// runEncode writes the encoding of a value given as JSON, on the command
// line or on stdin.
func runEncode(args []string, stdout, stderr io.Writer) error {
	return encodeStdin(args, os.Stdin, stdout, stderr)
}

func encodeStdin(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("encode", encodeArgs, stderr)
	schema := fs.String("schema", "", "the schema `FILE.cn`; without it, a built-in family's")
	typ := fs.String("type", "", "the struct or union, or the message (FAMILY.MESSAGE, MESSAGE, MESSAGE.reply), to encode")
	isHex := fs.Bool("hex", false, "write hex text and a newline rather than raw bytes")
	pos, help, err := parseInterspersed(fs, args)
	if help || err != nil {
		return err
	}
	if *typ == "" {
		return usageError{"encode: no -type given"}
	}
	// A built-in family's name comes first, without -schema; the value
	// is the argument after it, or stdin.
	var builtin string
	if *schema == "" && len(pos) > 0 {
		builtin, pos = pos[0], pos[1:]
	}
	var text []byte
	switch len(pos) {
	case 0:
		if text, err = io.ReadAll(stdin); err != nil {
			return fmt.Errorf("encode: reading the value: %v", err)
		}
	case 1:
		text = []byte(pos[0])
	default:
		return usageError{fmt.Sprintf("encode: too many arguments: %s", strings.Join(pos, " "))}
	}
	l, err := loadLive(*schema, "", builtin, false)
	if err != nil {
		return err
	}
	lay, err := l.layout(*typ)
	if err != nil {
		return err
	}
	v, err := l.codec.ParseJSON(lay, text)
	if err != nil {
		return fmt.Errorf("encode: %v", err)
	}
	b, err := l.codec.Encode(nil, lay, v)
	if err != nil {
		return fmt.Errorf("encode: %v", err)
	}
	if *isHex {
		_, err = fmt.Fprintf(stdout, "%x\n", b)
	} else {
		_, err = stdout.Write(b)
	}
	return err
}

// oneName is the built-in family a command's positional arguments name:
// none, or one.
func oneName(pos []string, cmd string) (string, error) {
	switch len(pos) {
	case 0:
		return "", nil
	case 1:
		return pos[0], nil
	}
	return "", usageError{fmt.Sprintf("%s: too many arguments: %s", cmd, strings.Join(pos, " "))}
}
