package main

import "io"

const breakingArgs = "--against OLD [-format text|json|github] NEW..."

func runBreaking(args []string, stdout, stderr io.Writer) error {
	return usageError{"breaking: not built yet"}
}
