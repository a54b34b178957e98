package main

import (
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// asEnv makes the test binary, run again by a test, play another part:
// procwatch itself (its command line after the program name), or a
// helper process that the kernel tests watch.
const asEnv = "PROCWATCH_TEST_AS"

func TestMain(m *testing.M) {
	switch os.Getenv(asEnv) {
	case "procwatch":
		main()
		os.Exit(0)
	case "threads":
		threads()
	}
	os.Exit(m.Run())
}

// threads starts three threads of its own (goroutines locked to new
// OS threads), lingers long enough to be traced, and exits with code 7:
// every thread exits, each with an exit event of its own.
func threads() {
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			runtime.LockOSThread() // never unlocked: the thread is not reused
			time.Sleep(10 * time.Millisecond)
		})
	}
	wg.Wait()
	time.Sleep(400 * time.Millisecond)
	os.Exit(7)
}
