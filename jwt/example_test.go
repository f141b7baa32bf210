package jwt_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	ba "github.com/betterauth-go/betterauth"
	"github.com/betterauth-go/betterauth/dburl"
	"github.com/betterauth-go/betterauth/jwt"
	"github.com/betterauth-go/betterauth/sqlstore"
)

// A service that accepts Better Auth's JWTs, checking them against the
// key set Better Auth publishes.
func Example() {
	keys, err := jwt.NewRemoteJWKS("https://auth.example.com/api/auth/jwks", jwt.RemoteOptions{})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := jwt.New(jwt.Config{Keys: keys, BaseURL: "https://auth.example.com"})
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/api/me", func(w http.ResponseWriter, r *http.Request) {
		claims, err := verifier.Verify(r.Context(), jwt.FromRequest(r))
		switch {
		case errors.Is(err, ba.ErrUnavailable):
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		case err != nil: // ErrNoToken or a verdict matching ErrTokenInvalid
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "hello %s (%s)\n", claims.Name, claims.User().ID)
	})
}

// Verifying from the jwks table of a database shared with Better Auth:
// any store of this module lists the rows.
func ExampleNewStoreJWKS() {
	var store jwt.JWKLister // e.g. a *sqlite.Store whose schema has ba.PluginJWT
	keys, err := jwt.NewStoreJWKS(store, jwt.StoreOptions{})
	fmt.Println(keys == nil, err)
	// Output: true betterauth/jwt: NewStoreJWKS needs a store
}

// FromRequest takes a JWT from Authorization: Bearer but leaves the bearer
// plugin's session token to the session verifier.
func ExampleFromRequest() {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln")
	fmt.Printf("%q\n", jwt.FromRequest(r))
	r.Header.Set("Authorization", "Bearer W2sEFBR1whrVhvlxNyGcOZdbtVzmPnRM.g0X46QEa3KVYgxSFBFgPz+aKdUBEMNo3Dr4e4kwrt2I=")
	fmt.Printf("%q\n", jwt.FromRequest(r))
	// Output:
	// "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln"
	// ""
}

func ExampleVerifier_Verify() {
	verifier, err := jwt.New(jwt.Config{Keys: jwt.StaticKeys{}, BaseURL: "http://localhost:3000"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = verifier.Verify(context.Background(), "eyJhbGciOiJub25lIn0.e30.")
	fmt.Println(err)
	fmt.Println(errors.Is(err, jwt.ErrAlgorithmNotAllowed), errors.Is(err, jwt.ErrTokenInvalid))
	// Output:
	// betterauth/jwt: algorithm not allowed: "none" (allowed: EdDSA)
	// true true
}

// A Go service mints the jwt plugin's tokens with the keys in Better
// Auth's jwks table; Better Auth's verifyJWT and its /jwks accept them.
func ExampleSigner() {
	ctx := context.Background()
	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
	if err != nil {
		log.Fatal(err)
	}
	defer closeDB()
	secrets, err := ba.SecretsFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	signer, err := jwt.NewSigner(jwt.SignerConfig{Store: store, Secrets: secrets, BaseURL: "https://auth.example.com"})
	if err != nil {
		log.Fatal(err)
	}
	token, err := signer.Sign(ctx, map[string]any{"sub": "user-id", "scope": "reports:read"})
	if err != nil {
		log.Fatal(err)
	}
	_ = token // send it as "Authorization: Bearer <token>"
}

// The jwt plugin's sessionCookieCache (jwt({ sessionCookieCache: true })
// with session.cookieCache.strategy "jwt"): Better Auth signs the
// session_data cookie with its jwks key. A Go session Verifier given a
// jwt.Verifier trusts that cookie with no session store read; with a
// Signer it also writes caches Better Auth trusts.
func ExampleVerifier_VerifySessionCache() {
	ctx := context.Background()
	store, closeDB, err := dburl.Open(ctx, os.Getenv("DATABASE_URL"), sqlstore.Options{Schema: ba.Schema{Plugins: []ba.Plugin{ba.PluginJWT}}})
	if err != nil {
		log.Fatal(err)
	}
	defer closeDB()
	keys, err := jwt.NewStoreJWKS(store, jwt.StoreOptions{}) // or NewRemoteJWKS: no database at all
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := jwt.New(jwt.Config{Keys: keys, BaseURL: "https://auth.example.com"})
	if err != nil {
		log.Fatal(err)
	}
	secrets, _ := ba.SecretsFromEnv()
	signer, err := jwt.NewSigner(jwt.SignerConfig{Store: store, Secrets: secrets, BaseURL: "https://auth.example.com"})
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := ba.NewVerifier(ba.VerifierConfig{
		Sessions: store, BaseURL: "https://auth.example.com",
		CookieCache: ba.CookieCacheConfig{Strategy: ba.CacheJWT, JWTKeys: tokens, JWTSigner: signer},
	})
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/api/me", func(w http.ResponseWriter, r *http.Request) {
		res, err := sessions.Verify(r.Context(), r)
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		// res.Credential is ba.CredentialCookieCache when the signed
		// cookie answered.
		fmt.Fprintln(w, res.User.Email)
	})
}
