package proc

// proc.cn.go is generated from proc.cn; golden.TestGolden fails when it
// is stale.
//go:generate go run ../../cmd/cngen gen proc.cn
