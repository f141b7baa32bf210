package cookiecache

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"
)

// Expected outputs below were produced by Node 20:
// JSON.stringify(JSON.parse(in, betterAuthDateReviver)).
func TestJSCanonical(t *testing.T) {
	for _, tc := range []struct{ in, revived, plain string }{
		{`{"b":1,"2":2,"01":3,"1":4,"4294967295":5,"4294967294":6}`,
			`{"1":4,"2":2,"4294967294":6,"b":1,"01":3,"4294967295":5}`, ""},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`, ""},
		{`["\ud800","\u2028","\u007f","\u001f","\/",1e21,1e-7,123.456,-0,1.5e300,0.1,5e-324,100,1e20,1E400,-1e-400,0.000001,123456789012345680000,1.7976931348623157e308,-1.5,9007199254740993,1.0,1e0,0.30000000000000004,-0.0000001234]`,
			"[\"\\ud800\",\"\u2028\",\"\u007f\",\"\\u001f\",\"/\",1e+21,1e-7,123.456,0,1.5e+300,0.1,5e-324,100,100000000000000000000,null,0,0.000001,123456789012345680000,1.7976931348623157e+308,-1.5,9007199254740992,1,1,0.30000000000000004,-1.234e-7]", ""},
		{`["2024-02-30T00:00:00Z","2024-01-01T24:00:00Z","2024-01-01T24:00:00.001Z","2024-01-01T00:00:00.1239Z","2024-01-01T00:00:00.5Z","9999-12-31T24:00:00Z","2024-13-01T00:00:00Z","2024-01-01T00:00:00.Z","2024-01-01t00:00:00Z","2024-01-01T00:00:00+00:00","0000-01-01T00:00:00Z","2024-01-01T00:00:00.000Z","2024-01-01T00:00:00.10Z"]`,
			`["2024-03-01T00:00:00.000Z","2024-01-02T00:00:00.000Z","2024-01-01T24:00:00.001Z","2024-01-01T00:00:00.123Z","2024-01-01T00:00:00.500Z","+010000-01-01T00:00:00.000Z","2024-13-01T00:00:00Z","2024-01-01T00:00:00.Z","2024-01-01t00:00:00Z","2024-01-01T00:00:00+00:00","0000-01-01T00:00:00.000Z","2024-01-01T00:00:00.000Z","2024-01-01T00:00:00.100Z"]`,
			`["2024-02-30T00:00:00Z","2024-01-01T24:00:00Z","2024-01-01T24:00:00.001Z","2024-01-01T00:00:00.1239Z","2024-01-01T00:00:00.5Z","9999-12-31T24:00:00Z","2024-13-01T00:00:00Z","2024-01-01T00:00:00.Z","2024-01-01t00:00:00Z","2024-01-01T00:00:00+00:00","0000-01-01T00:00:00Z","2024-01-01T00:00:00.000Z","2024-01-01T00:00:00.10Z"]`},
		{` { "a" : [ 1 , 2 ] , "b" : { } , "c":[] } `, `{"a":[1,2],"b":{},"c":[]}`, ""},
		{`"\ud83d\ude00 \uD83D \" \\ \b\f\n\r\t \u0000 é 😀 \udc00\ud800"`,
			`"😀 \ud83d \" \\ \b\f\n\r\t \u0000 é 😀 \udc00\ud800"`, ""},
		{`{"__proto__":1,"constructor":2,"":3}`, `{"__proto__":1,"constructor":2,"":3}`, ""},
		{`{"nested":{"x":[{"k":"2020-06-01T12:00:00Z"}]},"t":true,"f":false,"n":null}`,
			`{"nested":{"x":[{"k":"2020-06-01T12:00:00.000Z"}]},"t":true,"f":false,"n":null}`,
			`{"nested":{"x":[{"k":"2020-06-01T12:00:00Z"}]},"t":true,"f":false,"n":null}`},
	} {
		v, err := parseJSON([]byte(tc.in))
		if err != nil {
			t.Errorf("parse %s: %v", tc.in, err)
			continue
		}
		if got := string(jsCanonical(v, true)); got != tc.revived {
			t.Errorf("revived %s\n got  %s\n want %s", tc.in, got, tc.revived)
		}
		plain := tc.plain
		if plain == "" {
			plain = tc.revived
		}
		if got := string(jsCanonical(v, false)); got != plain {
			t.Errorf("plain %s\n got  %s\n want %s", tc.in, got, plain)
		}
	}
}

func TestParseJSONRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `01`, `1.`, `.5`, `+1`, `-`, `1e`, `1e+`, `[1,]`, `{,}`, `{"a":1,}`, `{"a" 1}`, `{1:2}`,
		"\"\t\"", `'a'`, `"\x"`, `"\u12"`, `"\u12g4"`, `NaN`, `Infinity`, `[1] x`, "\ufeff{}", `tru`, `nul`,
		`"abc`, `[`, `{"a":`, "\"\xff\"", `{"a":1}}`,
		strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2),
	} {
		if _, err := parseJSON([]byte(in)); err == nil {
			t.Errorf("parseJSON(%q) accepted", in)
		}
	}
}

func TestRawSpans(t *testing.T) {
	src := []byte(` {"a" : {"x":[1, 2]} , "b":"s", "a": 7 } `)
	v, err := parseJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(v.get("a").raw(src)); got != "7" {
		t.Errorf("last duplicate: %q", got)
	}
	if got := string(v.members[0].val.raw(src)); got != `{"x":[1, 2]}` {
		t.Errorf("span %q", got)
	}
	if v.get("missing") != nil {
		t.Error("found a missing member")
	}
}

func TestBetterAuthBase64(t *testing.T) {
	for in, want := range map[string]string{
		"aGk":      "hi",
		"aGk=":     "hi",
		"aGk=junk": "hi",
		"-_8":      "\xfb\xff",
		"+/8":      "\xfb\xff",
		"aGkx2":    "hi1", // a dangling character is dropped
	} {
		got, err := decodeBetterAuthBase64(in)
		if err != nil || string(got) != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"a-+b", "a b", "a.b"} {
		if _, err := decodeBetterAuthBase64(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

var (
	testSession = json.RawMessage(`{"expiresAt":"2030-01-08T00:00:00.000Z","token":"tok0123456789abcdefghijklmnopqrs","createdAt":"2030-01-01T00:00:00.000Z","updatedAt":"2030-01-01T00:00:00.000Z","ipAddress":"","userAgent":"","userId":"u1","id":"s1"}`)
	testUser    = json.RawMessage(`{"name":"Zoë <&> ` + "\u2028" + `","email":"z@example.com","emailVerified":false,"image":null,"createdAt":"2030-01-01T00:00:00.000Z","updatedAt":"2030-01-01T00:00:00.000Z","id":"u1"}`)
	testNow     = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	unitSecret = "unit-secret-0123456789abcdefghijklmnop"
	unitV1     = "unit-secret-v1-0123456789abcdefghijkl"
	unitV2     = "unit-secret-v2-0123456789abcdefghijkl"
)

func testPayload(expires time.Time) Payload {
	return Payload{Session: testSession, User: testUser, UpdatedAt: testNow.UnixMilli(), Version: "1", Expires: expires}
}

func TestCompactRoundTrip(t *testing.T) {
	p := testPayload(testNow.Add(300*time.Second + 123*time.Millisecond))
	v, err := EncodeCompact(p, unitSecret)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(v)
	if !strings.HasPrefix(string(raw), `{"session":{"session":`+string(testSession)+`,"user":`) {
		t.Errorf("layout: %.100s", raw)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := DecodeCompact(v, unitSecret, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Session) != string(testSession) || string(got.User) != string(testUser) || got.UpdatedAt != p.UpdatedAt || got.Version != "1" || !got.Expires.Equal(p.Expires) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("OK/Padded", func(t *testing.T) {
		if _, err := DecodeCompact(v+"==", unitSecret, testNow); err != nil {
			t.Error(err)
		}
	})
	t.Run("OK/StandardAlphabet", func(t *testing.T) {
		std := strings.NewReplacer("-", "+", "_", "/").Replace(v)
		if _, err := DecodeCompact(std, unitSecret, testNow); err != nil {
			t.Error(err)
		}
	})
	t.Run("OK/ExpiresNow", func(t *testing.T) {
		// Better Auth: expired when expiresAt < Date.now().
		if _, err := DecodeCompact(v, unitSecret, p.Expires); err != nil {
			t.Error(err)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		_, err := DecodeCompact(v, unitSecret, p.Expires.Add(time.Millisecond))
		if !errors.Is(err, ErrExpired) {
			t.Error(err)
		}
	})
	t.Run("ErrSignature", func(t *testing.T) {
		_, err := DecodeCompact(v, unitV1, testNow)
		if !errors.Is(err, ErrSignature) {
			t.Error(err)
		}
		// Whitespace changes the raw bytes: refused even though
		// Better Auth would re-serialize it to the signed text.
		spaced := strings.Replace(string(raw), `"session":{"session":`, `"session":{ "session":`, 1)
		_, err = DecodeCompact(base64.RawURLEncoding.EncodeToString([]byte(spaced)), unitSecret, testNow)
		if !errors.Is(err, ErrSignature) {
			t.Error(err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for _, body := range []string{
			`[]`, `{}`, `{"session":{},"expiresAt":1,"signature":"x"}x`,
			`{"session":[],"expiresAt":1,"signature":"x"}`,
			`{"session":{},"expiresAt":"1","signature":"x"}`,
			`{"session":{},"expiresAt":1e999,"signature":"x"}`,
			`{"session":{},"expiresAt":1}`,
		} {
			_, err := DecodeCompact(base64.RawURLEncoding.EncodeToString([]byte(body)), unitSecret, testNow)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: %v", body, err)
			}
		}
		if _, err := DecodeCompact("!!", unitSecret, testNow); !errors.Is(err, ErrMalformed) {
			t.Error(err)
		}
	})
	t.Run("ErrMalformed/Schema", func(t *testing.T) {
		// Correctly signed, but Better Auth's schema refuses it.
		noToken := json.RawMessage(strings.Replace(string(testSession), `"token":"tok0123456789abcdefghijklmnopqrs",`, ``, 1))
		data := `{"session":` + string(noToken) + `,"user":` + string(testUser) + `,"updatedAt":1,"version":"1"`
		msg := data + `,"expiresAt":1893456300000}`
		sig := base64.RawURLEncoding.EncodeToString(compactMAC(unitSecret, []byte(msg)))
		body := `{"session":` + data + `},"expiresAt":1893456300000,"signature":"` + sig + `"}`
		_, err := DecodeCompact(base64.RawURLEncoding.EncodeToString([]byte(body)), unitSecret, testNow)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "token") {
			t.Error(err)
		}
	})
}

func TestEncodeRefuses(t *testing.T) {
	exp := testNow.Add(time.Minute)
	for name, p := range map[string]Payload{
		"Whitespace":      {Session: json.RawMessage(strings.Replace(string(testSession), `,"token"`, `, "token"`, 1)), User: testUser, Expires: exp},
		"EscapedU2028":    {Session: testSession, User: json.RawMessage(strings.Replace(string(testUser), "\u2028", `\u2028`, 1)), Expires: exp},
		"DateWithoutMs":   {Session: json.RawMessage(strings.Replace(string(testSession), `"2030-01-01T00:00:00.000Z"`, `"2030-01-01T00:00:00Z"`, 1)), User: testUser, Expires: exp},
		"IntegerKeyOrder": {Session: testSession, User: json.RawMessage(strings.Replace(string(testUser), `"id":"u1"`, `"id":"u1","7":1`, 1)), Expires: exp},
		"NoExpires":       {Session: testSession, User: testUser},
	} {
		if _, err := EncodeCompact(p, unitSecret); err == nil {
			t.Errorf("EncodeCompact %s: no error", name)
		}
	}
	for name, p := range map[string]Payload{
		"NotJSON":     {Session: json.RawMessage(`{"a":`), User: testUser, Expires: exp},
		"Injection":   {Session: json.RawMessage(string(testSession) + `,"user":{}`), User: testUser, Expires: exp},
		"SchemaEmail": {Session: testSession, User: json.RawMessage(`{"id":"u1","name":"x"}`), Expires: exp},
		"DateName":    {Session: testSession, User: json.RawMessage(strings.Replace(string(testUser), `"Zoë <&> `+"\u2028"+`"`, `"2024-01-01T00:00:00.000Z"`, 1)), Expires: exp},
	} {
		if _, err := EncodeCompact(p, unitSecret); err == nil {
			t.Errorf("EncodeCompact %s: no error", name)
		}
		if _, err := EncodeJWT(p, unitSecret, testNow); err == nil {
			t.Errorf("EncodeJWT %s: no error", name)
		}
		if _, err := EncodeJWE(p, unitSecret, testNow); err == nil {
			t.Errorf("EncodeJWE %s: no error", name)
		}
	}
	// jwt/jwe do not need JSON.stringify form.
	spaced := Payload{Session: json.RawMessage(strings.Replace(string(testSession), `,"token"`, `, "token"`, 1)), User: testUser, Expires: exp}
	if _, err := EncodeJWT(spaced, unitSecret, testNow); err != nil {
		t.Error(err)
	}
}

func hs(alg string, key []byte, header, claims string) string {
	in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(claims))
	h := sha256.New
	if alg == "HS512" {
		h = sha512.New
	}
	m := hmac.New(h, key)
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func TestJWT(t *testing.T) {
	p := testPayload(testNow.Add(300 * time.Second))
	v, err := EncodeJWT(p, unitSecret, testNow)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(v, ".")
	if h, _ := base64.RawURLEncoding.DecodeString(parts[0]); string(h) != `{"alg":"HS256"}` {
		t.Errorf("header %s", h)
	}
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if !strings.HasSuffix(string(claims), `,"updatedAt":1893456000000,"version":"1","iat":1893456000,"exp":1893456300}`) {
		t.Errorf("claims %s", claims)
	}
	got, err := DecodeJWT(v, unitSecret, testNow)
	if err != nil || string(got.User) != string(testUser) || !got.Expires.Equal(p.Expires) {
		t.Fatalf("%+v %v", got, err)
	}
	// Short secrets work (go-jose would refuse a key under 32 bytes).
	if v, err := EncodeJWT(p, "short", testNow); err != nil {
		t.Error(err)
	} else if _, err := DecodeJWT(v, "short", testNow); err != nil {
		t.Error(err)
	}

	check := func(name, token string, now time.Time, want error) {
		t.Helper()
		_, err := DecodeJWT(token, unitSecret, now)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Errorf("%s: err %v, want %v", name, err, want)
		}
	}
	check("ExpMinus1", v, p.Expires.Add(-time.Second), nil)
	check("ExpEqualsNow", v, p.Expires, ErrExpired)
	check("ExpPlusHalf", v, p.Expires.Add(-500*time.Millisecond), nil) // now truncates to 1893456299
	check("PaddedSignature", v+"=", testNow, nil)                      // atob accepts padding

	body := string(claims)
	key := []byte(unitSecret)
	check("AlgNoneSigned", hs("HS256", key, `{"alg":"none"}`, body), testNow, ErrSignature)
	check("AlgNoneEmptySig", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`))+"."+parts[1]+".", testNow, ErrSignature)
	check("HS512", hs("HS512", key, `{"alg":"HS512"}`, body), testNow, ErrSignature)
	check("Crit", hs("HS256", key, `{"alg":"HS256","crit":["exp"]}`, body), testNow, ErrMalformed)
	check("NoAlg", hs("HS256", key, `{"typ":"JWT"}`, body), testNow, ErrMalformed)
	check("ExtraHeaderOK", hs("HS256", key, `{"typ":"JWT","alg":"HS256"}`, body), testNow, nil)
	check("NoExp", hs("HS256", key, `{"alg":"HS256"}`, strings.Replace(body, `,"exp":1893456300`, ``, 1)), testNow, ErrMalformed)
	check("StringExp", hs("HS256", key, `{"alg":"HS256"}`, strings.Replace(body, `"exp":1893456300`, `"exp":"1893456300"`, 1)), testNow, ErrMalformed)
	check("StringIat", hs("HS256", key, `{"alg":"HS256"}`, strings.Replace(body, `"iat":1893456000`, `"iat":"x"`, 1)), testNow, ErrMalformed)
	check("FutureNbf", hs("HS256", key, `{"alg":"HS256"}`, strings.Replace(body, `"iat"`, `"nbf":1893456001,"iat"`, 1)), testNow, ErrNotYetValid)
	check("NotObject", hs("HS256", key, `{"alg":"HS256"}`, `[1]`), testNow, ErrMalformed)
	check("TwoParts", parts[0]+"."+parts[1], testNow, ErrMalformed)
}

func TestJWE(t *testing.T) {
	p := testPayload(testNow.Add(300 * time.Second))
	both := []Secret{{"2", unitV2}, {"1", unitV1}}
	v2, err := EncodeJWE(p, unitV2, testNow)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := EncodeJWE(p, unitV1, testNow)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := base64.RawURLEncoding.DecodeString(strings.Split(v2, ".")[0])
	if want := `{"alg":"dir","enc":"A256CBC-HS512","kid":"` + keyID(deriveKey(unitV2, sessionSalt)) + `"}`; string(h) != want {
		t.Errorf("header %s, want %s", h, want)
	}

	noKid := func(secret string, enc jose.ContentEncryption, key []byte, exp int64) string {
		t.Helper()
		if key == nil {
			key = deriveKey(secret, sessionSalt)
		}
		claims, err := jwtClaims(p, testNow, "jti")
		if err != nil {
			t.Fatal(err)
		}
		if exp != 0 {
			claims = []byte(strings.Replace(string(claims), `"exp":1893456300`, `"exp":`+itoa(exp), 1))
		}
		e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: jose.DIRECT, Key: key}, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := e.Encrypt(claims)
		if err != nil {
			t.Fatal(err)
		}
		s, err := obj.CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	check := func(name, token string, secrets []Secret, now time.Time, want error) {
		t.Helper()
		got, err := DecodeJWE(token, secrets, now)
		if want == nil && (err != nil || string(got.Session) != string(testSession)) || want != nil && !errors.Is(err, want) {
			t.Errorf("%s: err %v, want %v", name, err, want)
		}
	}
	check("CurrentByKid", v2, both, testNow, nil)
	check("OldByKid", v1, both, testNow, nil)
	check("OldOnlyCurrentKnown", v1, both[:1], testNow, ErrSignature)
	check("NoSecrets", v1, nil, testNow, ErrSignature)
	check("NoKidFirst", noKid(unitV2, jose.A256CBC_HS512, nil, 0), both, testNow, nil)
	check("NoKidSecond", noKid(unitV1, jose.A256CBC_HS512, nil, 0), both, testNow, nil)
	check("NoKidUnknown", noKid("other-secret-0123456789abcdefghijkl", jose.A256CBC_HS512, nil, 0), both, testNow, ErrSignature)
	check("NoKidSecondExpired", noKid(unitV1, jose.A256CBC_HS512, nil, 1893456000-15), both, testNow, ErrExpired)
	check("ToleranceInside", v2, both, p.Expires.Add(14*time.Second), nil)
	check("ToleranceEdge", v2, both, p.Expires.Add(15*time.Second), ErrExpired)
	// A256GCM is allowed but cannot work with Better Auth's 64-byte key.
	check("A256GCM", noKid(unitV2, jose.A256GCM, deriveKey(unitV2, sessionSalt)[:32], 0), both, testNow, ErrSignature)
	check("Salt", func() string { // account_data's key does not open session_data
		t.Helper()
		return noKid("", jose.A256CBC_HS512, deriveKey(unitV2, "better-auth-account"), 0)
	}(), both, testNow, ErrSignature)

	parts := strings.Split(v2, ".")
	withKey := parts[0] + ".AAAA." + strings.Join(parts[2:], ".")
	check("EncryptedKey", withKey, both, testNow, ErrMalformed)
	check("FourParts", strings.Join(parts[:4], "."), both, testNow, ErrMalformed)
	tampered := append([]string(nil), parts...)
	tampered[3] = tampered[3][:10] + string(rune('A'+(tampered[3][10]-'A'+1)%26)) + tampered[3][11:]
	check("Tampered", strings.Join(tampered, "."), both, testNow, ErrSignature)

	badKid := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"dir","enc":"A256CBC-HS512","kid":7}`))
	check("NumericKid", badKid+"."+strings.Join(parts[1:], "."), both, testNow, ErrMalformed)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestJWEReplicatedClaims(t *testing.T) {
	header, _ := parseJSON([]byte(`{"iss":"a","aud":["x"]}`))
	ok, _ := parseJSON([]byte(`{"iss":"a","aud":["x"]}`))
	bad, _ := parseJSON([]byte(`{"iss":"b","aud":["x"]}`))
	for _, c := range []struct {
		claims *value
		ok     bool
	}{{ok, true}, {bad, false}} {
		match := true
		for _, name := range []string{"iss", "sub", "aud"} {
			if h := header.get(name); h != nil {
				cl := c.claims.get(name)
				match = match && cl != nil && replicatedEqual(h, cl, name == "aud")
			}
		}
		if match != c.ok {
			t.Errorf("claims %v: match %v", c.claims, match)
		}
	}
}

// TestCapturedJWEPlaintext decrypts Better Auth's captured JWE cookies and
// checks that Go's claims builder writes the same plaintext for the same
// payload, iat and jti.
func TestCapturedJWEPlaintext(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "captured.json"))
	if err != nil {
		t.Skip("no captured cookies (the external TestCaptured reports this)")
	}
	var f struct {
		Cases []struct {
			Name, Strategy, CookieName string
			Secrets                    []Secret
			SetCookie                  []string
			CapturedAt                 int64
		}
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		if c.Strategy != "jwe" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			var values []string
			for _, line := range c.SetCookie {
				_, rest, _ := strings.Cut(line, "=")
				v, _, _ := strings.Cut(rest, ";")
				values = append(values, v)
			}
			token := strings.Join(values, "")
			p, err := DecodeJWE(token, c.Secrets, time.UnixMilli(c.CapturedAt))
			if err != nil {
				t.Fatal(err)
			}
			obj, err := jose.ParseEncryptedCompact(token, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A256CBC_HS512})
			if err != nil {
				t.Fatal(err)
			}
			var plaintext []byte
			for _, s := range c.Secrets {
				if key := deriveKey(s.Value, sessionSalt); keyID(key) == obj.Header.KeyID {
					plaintext, err = obj.Decrypt(key)
				}
			}
			if plaintext == nil {
				t.Fatalf("no key: %v", err)
			}
			claims, err := parseJSON(plaintext)
			if err != nil {
				t.Fatal(err)
			}
			iat := int64(claims.get("iat").number)
			jti := claims.get("jti").goString()
			if len(jti) != 36 || jti[14] != '4' {
				t.Errorf("jti %q is not a v4 UUID", jti)
			}
			mine, err := jwtClaims(*p, time.Unix(iat, 0), jti)
			if err != nil {
				t.Fatal(err)
			}
			if string(mine) != string(plaintext) {
				t.Errorf("claims differ:\n go %.300s\n ba %.300s", mine, plaintext)
			}
		})
	}
}

// FuzzJSON checks the JSON reader against encoding/json: the same texts are
// valid, and the canonical form is stable and means the same.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2,"1":3}`, `["\ud800",1e400,-0,"2024-02-30T00:00:00Z"]`, `"\u2028<&>"`, ` [ ] `, `{"x":{"y":[null,true,false]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 1000 || !utf8.Valid(in) {
			return
		}
		v, err := parseJSON(in)
		if (err == nil) != json.Valid(in) {
			t.Fatalf("parseJSON err %v, json.Valid %v", err, json.Valid(in))
		}
		if err != nil {
			return
		}
		for _, revive := range []bool{false, true} {
			c := jsCanonical(v, revive)
			w, err := parseJSON(c)
			if err != nil {
				t.Fatalf("canonical %s does not parse: %v", c, err)
			}
			if again := jsCanonical(w, revive); string(again) != string(c) {
				t.Fatalf("not idempotent: %s -> %s", c, again)
			}
			if revive {
				continue
			}
			var a, b any
			if json.Unmarshal(in, &a) != nil {
				continue // e.g. 1e400, which Go refuses and JavaScript makes Infinity
			}
			if err := json.Unmarshal(c, &b); err != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("canonical %s means something else than %s", c, in)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	p := testPayload(testNow.Add(time.Hour))
	compact, _ := EncodeCompact(p, unitSecret)
	jwt, _ := EncodeJWT(p, unitSecret, testNow)
	jwe, _ := EncodeJWE(p, unitSecret, testNow)
	secrets := []Secret{{Value: unitSecret}}
	b.Run("Compact", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeCompact(compact, unitSecret, testNow); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("JWT", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeJWT(jwt, unitSecret, testNow); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("JWE", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeJWE(jwe, secrets, testNow); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestErrorsHoldNoValues: a refused cache is described by what is wrong
// with it, never by the session it carries (its token) nor by more than a
// bounded, printable part of a header an attacker wrote.
func TestErrorsHoldNoValues(t *testing.T) {
	const token = "tok0123456789abcdefghijklmnopqrs"
	exp := testNow.Add(time.Minute)
	spaced := Payload{Session: json.RawMessage(strings.Replace(string(testSession), `,"token"`, `, "token"`, 1)), User: testUser, Expires: exp}
	_, err := EncodeCompact(spaced, unitSecret)
	if err == nil || strings.Contains(err.Error(), token[:12]) {
		t.Errorf("EncodeCompact of a non-canonical session: %v", err)
	}

	hostile := map[string]string{
		"Huge":    strings.Repeat("A", 1<<20),
		"Control": "HS256\nlevel=ERROR msg=forged\x1b[31m",
	}
	b64 := base64.RawURLEncoding.EncodeToString
	for name, alg := range hostile {
		t.Run(name, func(t *testing.T) {
			header, _ := json.Marshal(map[string]string{"alg": alg, "enc": alg})
			claims := `{"session":` + string(testSession) + `}`
			for what, decode := range map[string]func() error{
				"JWT": func() error {
					_, err := DecodeJWT(b64(header)+"."+b64([]byte(claims))+".c2ln", unitSecret, testNow)
					return err
				},
				"JWE": func() error {
					_, err := DecodeJWE(b64(header)+"..aXY."+b64([]byte(claims))+".dGFn", []Secret{{Value: unitSecret}}, testNow)
					return err
				},
			} {
				err := decode()
				if err == nil {
					t.Fatalf("%s: accepted", what)
				}
				msg := err.Error()
				if len(msg) > 200 || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 }) || strings.Contains(msg, "forged") || strings.Contains(msg, token[:12]) {
					t.Errorf("%s: error %.300q", what, msg)
				}
			}
		})
	}
}
