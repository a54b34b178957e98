package golden

import (
	"os"
	"os/exec"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/internal/clayout"
)

// TestCLayout has gcc lay out every golden schema and compares each size,
// alignment and offset with the model.
func TestCLayout(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skipf("no C compiler to check layouts with: %v", err)
	}
	for _, path := range cases(t) {
		t.Run(caseName(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := check.Load(path, src)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := clayout.Check(s, gcc)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				t.Errorf("C layout: %v", m)
			}
		})
	}
}
