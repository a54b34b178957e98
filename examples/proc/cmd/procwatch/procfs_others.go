//go:build !linux

package main

import (
	"os"
	"path/filepath"
)

// sysProc is /proc where there is one; procwatch itself needs Linux.
type sysProc struct{}

func (sysProc) readFile(name string, buf []byte) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join("/proc", name))
	return append(buf, b...), err
}

func (sysProc) pids(dir string) ([]int32, error) {
	entries, err := os.ReadDir(filepath.Join("/proc", dir))
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return parsePIDs(names), err
}
