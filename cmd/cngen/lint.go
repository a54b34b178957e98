package main

import "io"

const lintArgs = "[-format text|json|github|sarif] [-config FILE] [-baseline FILE] [-write-baseline] FILE.cn|DIR|PATTERN..."

func runLint(args []string, stdout, stderr io.Writer) error {
	return usageError{"lint: not built yet"}
}
