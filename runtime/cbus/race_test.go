//go:build race

package cbus_test

const raceEnabled = true
