package echo

// echo.cn.go and its documentation echo.cn.md are generated from echo.cn;
// golden.TestGolden and gen/md's TestGolden fail when they are stale.
//go:generate go run ../../cmd/cngen gen echo.cn
//go:generate go run ../../cmd/cngen doc echo.cn
