//go:build !race

package cbus_test

const raceEnabled = false
