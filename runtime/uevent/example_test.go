package uevent_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cngen/cngen/runtime/uevent"
)

// Print the kernel's network device events until ctx is done, surviving
// bad datagrams and overruns.
func ExampleListen() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := uevent.Listen(&uevent.Config{ReadBuffer: 8 << 20, ForceReadBuffer: true})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	stop := context.AfterFunc(ctx, func() { l.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	for {
		e, err := l.Receive()
		switch {
		case ctx.Err() != nil:
			fmt.Printf("%+v\n", l.Stats())
			return
		case errors.Is(err, uevent.ErrMalformed), errors.Is(err, uevent.ErrOverrun):
			log.Print(err)
			continue
		case err != nil:
			log.Fatal(err)
		}
		if e.Subsystem == "net" {
			iface, _ := e.Get("INTERFACE")
			fmt.Println(e.Seqnum, e.Action, iface)
		}
	}
}

// Parse a datagram as the kernel sends it.
func ExampleParse() {
	e, err := uevent.Parse([]byte("change@/devices/virtual/net/lo\x00ACTION=change\x00DEVPATH=/devices/virtual/net/lo\x00" +
		"SUBSYSTEM=net\x00INTERFACE=lo\x00IFINDEX=1\x00SEQNUM=1250\x00"))
	if err != nil {
		log.Fatal(err)
	}
	ifindex, _ := e.Get("IFINDEX")
	fmt.Println(e.Source, e.Action, e.DevPath, e.Subsystem, e.Seqnum, ifindex)
	// Output: kernel change /devices/virtual/net/lo net 1250 1
}
