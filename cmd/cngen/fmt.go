package main

import "io"

const fmtArgs = "[-l] [-d] [-w] FILE.cn|DIR|PATTERN..."

func runFmt(args []string, stdout, stderr io.Writer) error {
	return usageError{"fmt: not built yet"}
}
