package md_test

import (
	"fmt"
	"strings"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/gen/md"
)

func ExampleDiagram() {
	src := `package demo

struct header {
    kind  u8
    value u64
    name  string
}
`
	s, err := check.Load("demo.cn", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	l := wire.New(s).Layout(s.Types[0])
	for _, line := range strings.Split(md.Diagram(l), "\n") {
		fmt.Println(strings.TrimRight(line, " ")) // the lines are padded to one width
	}
	// Output:
	//     0                   1                   2                   3
	//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
	//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
	//  0 |     kind      |                                               |
	//    +-+-+-+-+-+-+-+-+                                               +
	//  4 |                            padding                            |
	//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
	//  8 |                             value                             |
	//    +                                                               +
	// 12 |                                                               |
	//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
	// 16 |                           name ...                            |
	//    +- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -+
}
