package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/source"
)

var findings = []Finding{
	{Pos: source.Pos{Filename: "a.cn", Line: 3, Column: 5}, Rule: "WIRE", Message: "ts moved from offset 8 to 12"},
	{Pos: source.Pos{Filename: "dir,x:y.cn", Line: 1, Column: 1}, Rule: "names", Severity: source.SevWarning, Message: "100% odd\nname"},
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, findings); err != nil {
		t.Fatal(err)
	}
	want := "a.cn:3:5: WIRE: ts moved from offset 8 to 12\ndir,x:y.cn:1:1: names: warning: 100% odd\nname\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, findings); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || len(got) != 2 {
		t.Fatalf("not a JSON array of 2: %v\n%s", err, b.String())
	}
	if got[1]["severity"] != "warning" || got[0]["line"] != 3.0 || got[0]["rule"] != "WIRE" {
		t.Errorf("got %v", got)
	}
	b.Reset()
	if err := JSON(&b, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("no findings: %q %v", b.String(), err)
	}
}

// workflowCommand is GitHub's syntax: ::command key=value,...::message,
// with %, CR and LF escaped in the message and also , and : in values.
var workflowCommand = regexp.MustCompile(`^::(error|warning|notice) (?:file=[^,:\r\n]*)(?:,line=\d+,col=\d+)?(?:,title=[^,:\r\n]*)?::[^\r\n]*$`)

func TestGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := GitHub(&b, findings); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), b.String())
	}
	for _, l := range lines {
		if !workflowCommand.Match(l) {
			t.Errorf("not a workflow command: %q", l)
		}
	}
	if want := "::warning file=dir%2Cx%3Ay.cn,line=1,col=1,title=names::100%25 odd%0Aname"; string(lines[1]) != want {
		t.Errorf("got %q, want %q", lines[1], want)
	}
}
