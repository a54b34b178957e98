package echo

// echo.cn.go is generated from echo.cn; golden.TestGolden fails when it
// is stale.
//go:generate go run ../../cmd/cngen gen echo.cn
