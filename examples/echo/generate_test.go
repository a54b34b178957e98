package echo_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/cngen/cngen/dsl"
	"github.com/cngen/cngen/gen"
)

// TestGeneratedFresh regenerates echo.cn.go as go generate does and
// fails when the committed file differs.
func TestGeneratedFresh(t *testing.T) {
	src, err := os.ReadFile("echo.cn")
	if err != nil {
		t.Fatal(err)
	}
	s, err := dsl.Load("echo.cn", src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := gen.Generate(s, gen.Options{Source: "echo.cn"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("echo.cn.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Error("echo.cn.go is stale: run go generate ./examples/echo")
	}
}
