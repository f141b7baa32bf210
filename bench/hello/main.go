// Command hello is the baseline of bench/run.sh: a bare net/http handler
// that answers every request with a small JSON body, and nothing else — no
// cookie parsing, no HMAC, no database. It prints
// "LISTENING http://<addr>" once it accepts connections.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	body := []byte(`{"hello":"world"}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	fmt.Fprintf(os.Stdout, "LISTENING http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, h))
}
