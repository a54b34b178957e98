package cbus_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/cngen/cngen/runtime/cbus"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// Producers insert events from many goroutines; the bus sends them to a
// collector's port in batches, and Close sends what is left. Over real
// sockets the endpoints would come from cn.Dial; here they are the
// in-memory ones of package cntest.
func Example() {
	nb := cntest.NewBus()
	conn, collector := nb.Dial(), nb.Dial()

	bus, err := cbus.New(conn, &cbus.Config{To: cn.Addr{Port: collector.Port()}})
	if err != nil {
		log.Fatal(err)
	}
	event := cn.ID{Idx: 0x123, Val: 2}
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			for i := range 100 {
				data := fmt.Appendf(nil, "producer %d event %d", p, i)
				if err := bus.Insert(&cn.Msg{ID: event, Data: data}); err != nil {
					log.Print(err) // ErrFull under the Drop policy, ErrClosed after Close
				}
			}
		})
	}
	wg.Wait()
	if err := bus.Close(); err != nil {
		log.Print(err) // a *cbus.SendError: messages the worker gave up on
	}

	var d cn.Dispatcher
	got := 0
	ctx, cancel := context.WithCancel(context.Background())
	d.AddCallback(event, "event", func(*cn.Request) {
		if got++; got == 400 {
			cancel()
		}
	})
	d.Serve(ctx, collector)
	st := bus.Stats()
	fmt.Printf("received %d; inserted %d, sent %d, in fewer datagrams: %v\n", got, st.Inserted, st.Sent, st.Datagrams < st.Sent)
	// Output: received 400; inserted 400, sent 400, in fewer datagrams: true
}
