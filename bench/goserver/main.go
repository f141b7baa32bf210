// Command goserver is `betterauth serve` wired for profiling and for the
// options serve does not have (yet): the same server.New on the same
// DATABASE_URL and secret, plus
//
//	-session-cache-ttl 5s   the opt-in in-process session cache (sessioncache)
//	-pprof 127.0.0.1:6060   net/http/pprof on a separate listener
//	-log-requests=false     no per-request log line (serve logs each one)
//
// It prints "LISTENING http://<addr>" once it accepts connections. Used by
// bench/run.sh (the session-cache row) and bench/profile.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/server"
	"github.com/betterauth-go/betterauth/sessioncache"
	"github.com/betterauth-go/betterauth/sqlstore"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "goserver:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	ttl := flag.Duration("session-cache-ttl", 0, "in-process session cache TTL (0: off)")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address")
	cookieCache := flag.String("cookie-cache", "", "compact, jwt or jwe")
	cookieCacheMemo := flag.Int("cookie-cache-memo", 1024, "verified cookie caches kept decoded, as serve's --cookie-cache-memo")
	logRequests := flag.Bool("log-requests", true, "log every request at info level, as serve does")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{})
	if err != nil {
		return err
	}
	defer closeDB()
	secrets, err := ba.SecretsFromEnv()
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if !*logRequests {
		level = slog.LevelWarn
	}
	base, err := ba.BaseURLFromEnv()
	if err != nil {
		return err
	}
	cfg := server.Config{
		Store: store, Secrets: secrets, BaseURL: strings.TrimRight(base, "/"),
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}
	if *cookieCache != "" {
		cfg.CookieCache = ba.CookieCacheConfig{Strategy: ba.CookieCacheStrategy(*cookieCache), Memo: *cookieCacheMemo}
	}
	if *ttl > 0 {
		if cfg.Sessions, err = sessioncache.WrapBackend(store, sessioncache.Options{TTL: *ttl}); err != nil {
			return err
		}
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	if *pprofAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		go func() { _ = http.ListenAndServe(*pprofAddr, mux) }()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(slog.New(slog.NewTextHandler(io.Discard, nil)).Handler(), slog.LevelWarn),
	}
	fmt.Printf("LISTENING http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); _ = hs.Shutdown(context.Background()) }()
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
