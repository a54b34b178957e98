//go:build linux

package echo_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/cn"
)

// TestIntegrationEcho builds echod and echo, and runs them as processes
// of their own, talking over real netlink sockets: the client pings the
// server and prints the ticks the server broadcasts, on each protocol.
// Pinging over NETLINK_USERSOCK needs no privilege; the rest needs
// CAP_NET_ADMIN (joining a group; anything over NETLINK_CONNECTOR).
//
// As root, both processes start in a network namespace of the test's
// own, where no other program holds the well-known port or sends to
// group 23; otherwise in the test's, with the port the kernel picks.
func TestIntegrationEcho(t *testing.T) {
	bin := build(t)
	t.Run("usersock", func(t *testing.T) {
		ns, portArgs := 0, []string{"-port", "0"}
		if os.Geteuid() == 0 {
			// At the well-known port, where echo looks by default.
			ns, portArgs = nstest.Private(t), nil
		}
		srv := startServer(t, bin, ns, append(portArgs, "-proto", "usersock", "-interval", "100ms", "-v")...)
		port := []string{"-port", strconv.FormatUint(uint64(srv.port), 10)}
		if portArgs == nil {
			port = nil
			if srv.port != echo.DefaultPort {
				t.Fatalf("echod bound port %d, want the default %d", srv.port, echo.DefaultPort)
			}
		}
		t.Run("ping", func(t *testing.T) {
			out, _ := runClient(t, bin, ns, nil, append(port, "-count", "3", "-payload", "integration")...)
			checkReplies(t, out, srv.pid, 3, "integration")
		})
		t.Run("ticks", func(t *testing.T) {
			needNetAdmin(t)
			// Once the client prints a reply, it has joined the group:
			// a tick from another port then reaches it, and must be
			// ignored.
			forge := func() {
				c, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns})
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				if err := echo.NewEchoEvents(c).BroadcastTick(&echo.Tick{N: 999999, ServerPID: int32(os.Getpid())}); err != nil {
					t.Error(err)
				}
			}
			out, stderr := runClient(t, bin, ns, forge, append(port, "-count", "2", "-ticks", "3")...)
			checkReplies(t, out, srv.pid, 2, "hello")
			checkTicks(t, out, srv.pid, 3)
			if !regexp.MustCompile(`tick 999999 from port \d+ ignored: not the server's port ` + strconv.FormatUint(uint64(srv.port), 10)).MatchString(stderr) {
				t.Errorf("the forged tick was not reported; stderr:\n%s", stderr)
			}
		})
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(srv.output(), "ping 1 from port ") {
			if time.Now().After(deadline) {
				t.Fatalf("echod -v logged no ping:\n%s", srv.output())
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("connector", func(t *testing.T) {
		needNetAdmin(t)
		ns := nstest.Private(t)
		srv := startServer(t, bin, ns, "-proto", "connector", "-interval", "100ms")
		out, _ := runClient(t, bin, ns, nil, "-proto", "connector", "-count", "2", "-ticks", "2")
		checkReplies(t, out, srv.pid, 2, "hello")
		checkTicks(t, out, srv.pid, 2)
	})
}

// inNetNS runs fn on a thread of its own in network namespace ns (0:
// the caller's): the processes fn starts are born there, as children
// take the namespace of the thread that forks them. The thread is not
// moved back, but ends with fn's goroutine.
func inNetNS(ns int, fn func() error) error {
	if ns == 0 {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // and never unlocked: the thread ends here
		if err := unix.Setns(ns, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

func needNetAdmin(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: joining a netlink group, and any unicast over NETLINK_CONNECTOR, needs CAP_NET_ADMIN (root)")
	}
}

// build builds both programs into a temporary directory.
func build(t *testing.T) (dir string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipping: no go command to build the programs with: %v", err)
	}
	dir = t.TempDir()
	cmd := exec.Command(goTool, "build", "-o", dir+string(filepath.Separator), "./cmd/echod", "./cmd/echo")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// server is a running echod.
type server struct {
	port uint32
	pid  int
	mu   sync.Mutex
	out  bytes.Buffer // its output after the first line
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

func (s *server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

var serving = regexp.MustCompile(`^echod: port (\d+) \((usersock|connector)\), pid (\d+), ticks to group 23 every `)

// startServer starts echod with args in network namespace ns and waits
// for the line that says its port. Cleanup sends SIGTERM, which must end it with status 0.
func startServer(t *testing.T, bin string, ns int, args ...string) *server {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "echod"), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := inNetNS(ns, cmd.Start); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := bufio.NewReader(stdout)
	first := make(chan string, 1)
	s := &server{pid: cmd.Process.Pid}
	go func() {
		line, _ := lines.ReadString('\n')
		first <- line
		io.Copy(s, lines)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("echod after SIGTERM: %v; stderr:\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("echod still running 10s after SIGTERM")
		}
	})
	var line string
	select {
	case line = <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("echod said nothing for 10s")
	}
	m := serving.FindStringSubmatch(line)
	if m == nil {
		// Give Wait a moment for stderr, e.g. "port … is taken".
		time.Sleep(100 * time.Millisecond)
		t.Fatalf("echod's first line: %q; stderr:\n%s", line, stderr.String())
	}
	port, _ := strconv.ParseUint(m[1], 10, 32)
	if pid, _ := strconv.Atoi(m[3]); pid != s.pid {
		t.Errorf("echod says pid %d, started %d", pid, s.pid)
	}
	s.port = uint32(port)
	return s
}

// runClient runs echo with args, in network namespace ns, until it exits, which it must with
// status 0 within 20s, and returns its output. When forge is not nil it
// is called once the client has printed its first reply.
func runClient(t *testing.T, bin string, ns int, forge func(), args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "echo"), args...)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := inNetNS(ns, cmd.Start); err != nil {
		t.Fatal(err)
	}
	if cmd.Process.Pid == os.Getpid() {
		t.Fatal("the client runs in the test's process")
	}
	var out strings.Builder
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if forge != nil && strings.HasPrefix(sc.Text(), "reply ") {
			forge()
			forge = nil
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("echo %s: %v; output:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// checkReplies checks that out has n replies from the server's pid, in
// order, each counting the pings answered so far.
func checkReplies(t *testing.T, out string, pid, n int, payload string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^reply (\d+) from pid (\d+): "([^"]*)", (\d+) pings? answered, rtt \S+$`)
	got := re.FindAllStringSubmatch(out, -1)
	if len(got) != n {
		t.Fatalf("%d replies, want %d:\n%s", len(got), n, out)
	}
	var first int
	for i, m := range got {
		answered, _ := strconv.Atoi(m[4])
		if i == 0 {
			first = answered
		}
		if m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(pid) || m[3] != payload || answered != first+i {
			t.Errorf("reply %q, want id %d from pid %d with %q, answered %d", m[0], i+1, pid, payload, first+i)
		}
	}
}

// checkTicks checks that out has n ticks from the server's pid, numbered
// one after the other.
func checkTicks(t *testing.T, out string, pid, n int) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^tick (\d+) from pid (\d+): up \S+$`)
	got := re.FindAllStringSubmatch(out, -1)
	if len(got) != n {
		t.Fatalf("%d ticks, want %d:\n%s", len(got), n, out)
	}
	first, _ := strconv.Atoi(got[0][1])
	for i, m := range got {
		if m[1] != strconv.Itoa(first+i) || m[2] != strconv.Itoa(pid) {
			t.Errorf("tick %q, want number %d from pid %d", m[0], first+i, pid)
		}
	}
	if strings.Contains(out, "tick 999999") {
		t.Errorf("the forged tick was printed:\n%s", out)
	}
}
