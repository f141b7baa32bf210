package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling so that a
		// second Ctrl-C kills a command stuck on an unresponsive database.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		// The library's own errors already start with "betterauth: ".
		fmt.Fprintln(os.Stderr, "betterauth: "+strings.TrimPrefix(oneLine(err.Error()), "betterauth: "))
	}
	os.Exit(exitStatus(err))
}
