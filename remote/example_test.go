package remote_test

import (
	"fmt"
	"log"
	"net/http"

	"github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/httpauth"
	"github.com/betterauth-go/betterauth/remote"
)

// A service that cannot reach Better Auth's database asks Better Auth
// instead. Secrets come from BETTER_AUTH_SECRET when not given.
func Example() {
	src, err := remote.New(remote.Config{
		BaseURL: "https://auth.example.com",
		Secrets: []betterauth.Secret{{Value: "the-secret-of-the-better-auth-app"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	v, err := betterauth.NewVerifier(betterauth.VerifierConfig{
		Sessions: src,
		Secrets:  []betterauth.Secret{{Value: "the-secret-of-the-better-auth-app"}},
		BaseURL:  "https://auth.example.com",
	})
	if err != nil {
		log.Fatal(err)
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", httpauth.User(r.Context()).Name)
	})
	http.Handle("/api/", httpauth.Verify(v)(httpauth.Require(api)))

	fmt.Println(src.Endpoint())
	fmt.Println(src.CookieName())
	// Output:
	// https://auth.example.com/api/auth/get-session?disableCookieCache=true&disableRefresh=true
	// __Secure-better-auth.session_token
}
