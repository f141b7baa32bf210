// Command minimal is the yardstick for the database path: the least
// a Go handler can do to check a Better Auth session — read the
// session_token cookie, check its HMAC-SHA256 signature, and look the
// session and its user up with one indexed join over a pgx pool — and
// answer a few of the user's fields as JSON. No expiry or ban checks, no
// middleware, no logging: not something to deploy, a ceiling to compare
// `betterauth serve` with. It reads DATABASE_URL and BETTER_AUTH_SECRET
// and prints "LISTENING http://<addr>" once it accepts connections.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	secret := []byte(os.Getenv("BETTER_AUTH_SECRET"))
	pool, err := pgxpool.New(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	const q = `SELECT u."id", u."name", u."email" FROM "session" s JOIN "user" u ON u."id" = s."userId" WHERE s."token" = $1`
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("better-auth.session_token")
		if err != nil {
			http.Error(w, "no session", 401)
			return
		}
		v, err := url.QueryUnescape(c.Value)
		i := strings.LastIndexByte(v, '.')
		if err != nil || i < 0 {
			http.Error(w, "bad cookie", 401)
			return
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(v[:i]))
		sig, err := base64.StdEncoding.DecodeString(v[i+1:])
		if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
			http.Error(w, "bad signature", 401)
			return
		}
		var user struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
		}
		if err := pool.QueryRow(r.Context(), q, v[:i]).Scan(&user.ID, &user.Name, &user.Email); err != nil {
			http.Error(w, "no session", 401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(user)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "LISTENING http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, h))
}
