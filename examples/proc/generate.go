package proc

// proc.cn.go is generated from proc.cn; a test in cmd/cngen fails when it
// is stale.
//go:generate go run ../../cmd/cngen gen proc.cn
