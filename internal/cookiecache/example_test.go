package cookiecache_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/betterauth-go/betterauth/internal/cookiecache"
)

func Example() {
	const secret = "example-secret-0123456789abcdefghijklmnop"
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	p := cookiecache.Payload{
		// JSON.stringify text, as Better Auth writes it.
		Session:   json.RawMessage(`{"expiresAt":"2030-01-08T00:00:00.000Z","token":"Bey79esbFJrXt1KlX3KCk7XfMPrpAcCz","createdAt":"2030-01-01T00:00:00.000Z","updatedAt":"2030-01-01T00:00:00.000Z","ipAddress":"","userAgent":"","userId":"u1","id":"s1"}`),
		User:      json.RawMessage(`{"name":"Alice","email":"alice@example.com","emailVerified":false,"image":"https://example.com/` + strings.Repeat("a", 5000) + `","createdAt":"2030-01-01T00:00:00.000Z","updatedAt":"2030-01-01T00:00:00.000Z","id":"u1"}`),
		UpdatedAt: now.UnixMilli(),
		Expires:   now.Add(5 * time.Minute),
	}
	value, err := cookiecache.EncodeCompact(p, secret)
	if err != nil {
		panic(err)
	}
	cookies, err := cookiecache.Split(&http.Cookie{Name: "better-auth.session_data", Value: value,
		MaxAge: 300, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if err != nil {
		panic(err)
	}
	for _, c := range cookies {
		fmt.Println(c.Name)
	}

	joined, _ := cookiecache.Join(cookies, "better-auth.session_data")
	got, err := cookiecache.DecodeCompact(joined, secret, now)
	if err != nil {
		panic(err)
	}
	var user struct{ Name string }
	_ = json.Unmarshal(got.User, &user)
	fmt.Println(user.Name, got.Version, got.Expires)
	// Output:
	// better-auth.session_data.0
	// better-auth.session_data.1
	// Alice 1 2030-01-01 00:05:00 +0000 UTC
}
