package proc

// proc.cn.go and its documentation proc.cn.md are generated from proc.cn;
// golden.TestGolden and gen/md's TestGolden fail when they are stale.
//go:generate go run ../../cmd/cngen gen proc.cn
//go:generate go run ../../cmd/cngen doc proc.cn
