package echo_test

import (
	"testing"
	"time"

	"github.com/cngen/cngen/golden/echo"
	"github.com/cngen/cngen/runtime/cbus"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// TestClientThroughBus: a generated client given cn.WithSender(bus) sends
// through a batching bus, and its calls, sends and the bus's accounting
// still hold.
func TestClientThroughBus(t *testing.T) {
	net := cntest.NewBus()
	srv, cli := net.Dial(), net.Dial()
	e := newEchoSetup(t, srv, cli, srv.Port(), cli.Port())
	bus, err := cbus.New(cli, &cbus.Config{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	e.client = echo.NewEchoClient(cli, &e.cliD, srv.Port(), cn.WithSender(bus))

	e.checkPing(t, timeout(t, 5*time.Second), 7)
	e.checkConcurrentPings(t)
	e.checkSend(t)
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	// 1 + 50 calls and 1 send went out through the bus, none lost.
	if st := bus.Stats(); st.Inserted != 52 || st.Sent != 52 || st.Dropped != 0 || st.Failed != 0 {
		t.Errorf("bus Stats %+v: want 52 inserted and sent, nothing dropped or failed", st)
	}
	var msg echo.Shutdown
	if err := e.client.Stop(&msg); err == nil {
		t.Error("a send through a closed bus succeeded")
	}
}
