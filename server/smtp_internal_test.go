package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
	gomail "github.com/wneessen/go-mail"
)

// testSMTP is a real SMTP server (go-smtp) in the test process.
type testSMTP struct {
	addr string
	port int

	mu       sync.Mutex
	auths    []string // usernames that authenticated
	tlsSeen  []bool   // per delivered message: was the session TLS
	messages [][]byte
	rcptFail []error // returned by successive RCPT commands, then nil
	rcpts    int
	got      chan struct{}
}

type testSMTPSession struct {
	s    *testSMTP
	conn *smtp.Conn
}

func (b *testSMTP) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &testSMTPSession{s: b, conn: c}, nil
}

func (s *testSMTPSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *testSMTPSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "mailer" || pass != "mail-pass" {
			return errors.New("bad credentials")
		}
		s.s.mu.Lock()
		s.s.auths = append(s.s.auths, user)
		s.s.mu.Unlock()
		return nil
	}), nil
}
func (s *testSMTPSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *testSMTPSession) Rcpt(string, *smtp.RcptOptions) error {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	s.s.rcpts++
	if len(s.s.rcptFail) > 0 {
		err := s.s.rcptFail[0]
		s.s.rcptFail = s.s.rcptFail[1:]
		return err
	}
	return nil
}
func (s *testSMTPSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.s.mu.Lock()
	s.s.messages = append(s.s.messages, b)
	s.s.tlsSeen = append(s.s.tlsSeen, isTLS)
	s.s.mu.Unlock()
	s.s.got <- struct{}{}
	return nil
}
func (s *testSMTPSession) Reset()        {}
func (s *testSMTPSession) Logout() error { return nil }

// startSMTP serves on a loopback port; with cert, STARTTLS is offered.
func startSMTP(t *testing.T, cert *tls.Certificate) *testSMTP {
	t.Helper()
	b := &testSMTP{got: make(chan struct{}, 16)}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = testLogger{}
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	b.addr = l.Addr().String()
	b.port = l.Addr().(*net.TCPAddr).Port
	return b
}

type testLogger struct{}

func (testLogger) Printf(string, ...interface{}) {}
func (testLogger) Println(...interface{})        {}

// testCert is a self-signed certificate for 127.0.0.1 and its pool.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func (b *testSMTP) wait(t *testing.T) {
	t.Helper()
	select {
	case <-b.got:
	case <-time.After(20 * time.Second):
		t.Fatal("no message reached the SMTP server")
	}
}

// parts are the text/plain and text/html bodies of a raw message.
func parts(t *testing.T, raw []byte) (hdr mail.Header, text, html string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v)", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		body := decodeQP(t, p.Header.Get("Content-Transfer-Encoding"), b)
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = body
		case "text/html":
			html = body
		}
	}
	return m.Header, text, html
}

func decodeQP(t *testing.T, enc string, b []byte) string {
	t.Helper()
	if !strings.EqualFold(enc, "quoted-printable") {
		return string(b)
	}
	out, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(b))))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSMTPMailerSTARTTLSAuthAndTemplates(t *testing.T) {
	cert, pool := testCert(t)
	s := startSMTP(t, &cert)
	cfg, err := ParseSMTPURL("smtp://mailer:mail-pass@127.0.0.1:" + strconv.Itoa(s.port))
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "Auth <auth@example.com>"
	cfg.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	m, err := NewSMTPMailer(cfg, SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	link := "https://app.example.com/api/auth/verify-email?token=abc.def.ghi&callbackURL=%2F"
	if err := m.Send(context.Background(), Email{Kind: EmailVerification, To: "ann@example.com", Name: "Ann <b>", URL: link, Token: "abc.def.ghi"}); err != nil {
		t.Fatal(err)
	}
	s.wait(t)
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.auths) != 1 || !s.tlsSeen[0] {
		t.Fatalf("auths %v, tls %v: want one authenticated session over STARTTLS", s.auths, s.tlsSeen)
	}
	hdr, text, html := parts(t, s.messages[0])
	if hdr.Get("Subject") != "Verify your email address" || !strings.Contains(hdr.Get("To"), "ann@example.com") || !strings.Contains(hdr.Get("From"), "auth@example.com") {
		t.Fatalf("headers %v", hdr)
	}
	if !strings.Contains(text, link) || !strings.Contains(text, "Hello Ann <b>,") {
		t.Fatalf("text part %q", text)
	}
	if !strings.Contains(html, `href="https://app.example.com/api/auth/verify-email?token=abc.def.ghi&amp;callbackURL=%2F"`) || !strings.Contains(html, "Hello Ann &lt;b&gt;,") {
		t.Fatalf("html part %q", html)
	}
}

func TestSMTPMailerRetriesAfter451(t *testing.T) {
	s := startSMTP(t, nil)
	s.rcptFail = []error{&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}}
	cfg := SMTPConfig{Host: "127.0.0.1", Port: s.port, From: "auth@example.com"}
	m, err := NewSMTPMailer(cfg, SMTPOptions{RetryDelays: []time.Duration{time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), Email{Kind: EmailResetPassword, To: "bob@example.com", URL: "https://x.example/r", Token: "r"}); err != nil {
		t.Fatal(err)
	}
	s.wait(t)
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rcpts != 2 || len(s.messages) != 1 {
		t.Fatalf("rcpt attempts %d, messages %d: want a retry after the 451 and one delivery", s.rcpts, len(s.messages))
	}
}

func TestSMTPMailerPermanentFailureIsNotRetried(t *testing.T) {
	s := startSMTP(t, nil)
	s.rcptFail = []error{&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}}
	m, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: s.port, From: "auth@example.com"}, SMTPOptions{RetryDelays: []time.Duration{time.Millisecond, time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := m.message(Email{Kind: EmailResetPassword, To: "gone@example.com", URL: "https://x.example/r"})
	if err != nil {
		t.Fatal(err)
	}
	m.deliver(queuedEmail{msg: msg, kind: EmailResetPassword})
	_ = m.Close(context.Background())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rcpts != 1 || len(s.messages) != 0 {
		t.Fatalf("rcpt attempts %d, messages %d: a 550 must not be retried", s.rcpts, len(s.messages))
	}
}

func TestSMTPTLSPolicy(t *testing.T) {
	for _, c := range []struct {
		url      string
		implicit bool
		policy   gomail.TLSPolicy
	}{
		{"smtp://user:pw@mail.example.com:587", false, gomail.TLSMandatory},  // credentials to a remote host: STARTTLS or nothing
		{"smtp://mail.example.com:25", false, gomail.TLSOpportunistic},       // no credentials: STARTTLS when offered
		{"smtp://user:pw@127.0.0.1:1025", false, gomail.TLSOpportunistic},    // loopback
		{"smtp://user:pw@localhost:1025", false, gomail.TLSOpportunistic},    // loopback
		{"smtp://user:pw@[::1]:1025", false, gomail.TLSOpportunistic},        // loopback
		{"smtp://127.0.0.1:1025?tls=required", false, gomail.TLSMandatory},   // insists
		{"smtps://user:pw@mail.example.com", true, gomail.TLSMandatory},      // implicit TLS
		{"smtp://user:pw@127.0.0.2.example.com", false, gomail.TLSMandatory}, // a name, not loopback
	} {
		cfg, err := ParseSMTPURL(c.url)
		if err != nil {
			t.Fatalf("%s: %v", c.url, err)
		}
		implicit, policy := smtpTLSPolicy(cfg)
		if implicit != c.implicit || policy != c.policy {
			t.Errorf("%s: implicit %v policy %v, want %v %v", c.url, implicit, policy, c.implicit, c.policy)
		}
	}
	for _, bad := range []string{"http://x", "smtp://", "smtp://h:0", "smtp://h:99999", "smtp://h?tls=maybe", "smtp://h?foo=1", "::"} {
		if _, err := ParseSMTPURL(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	cfg, _ := ParseSMTPURL("smtps://u%40x:p%3Aw@h")
	if cfg.Port != 465 || cfg.Username != "u@x" || cfg.Password != "p:w" {
		t.Errorf("smtps defaults %+v", cfg)
	}
}

// A server that does not offer STARTTLS, reached under a name that is not
// loopback: the credentials are never sent and nothing is delivered.
func TestSMTPRefusesPlainAuthToRemoteHost(t *testing.T) {
	s := startSMTP(t, nil)
	cfg := SMTPConfig{Host: "mail.example.test", Port: s.port, Username: "mailer", Password: "mail-pass", From: "auth@example.com",
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, s.addr)
		}}
	m, err := NewSMTPMailer(cfg, SMTPOptions{RetryDelays: []time.Duration{}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	msg, err := m.message(Email{Kind: EmailResetPassword, To: "bob@example.com", URL: "https://x.example/r"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.attempt(context.Background(), msg); err == nil {
		t.Fatal("sent without TLS to a remote host with credentials")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.auths) != 0 || len(s.messages) != 0 {
		t.Fatalf("auths %v messages %d", s.auths, len(s.messages))
	}
}

func TestSMTPMailerQueueBounded(t *testing.T) {
	// The worker is blocked on an address that never answers; Send still
	// returns at once, and reports a full queue instead of waiting.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	m, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, From: "a@example.com"}, SMTPOptions{QueueSize: 1, Timeout: time.Second, RetryDelays: []time.Duration{}})
	if err != nil {
		t.Fatal(err)
	}
	e := Email{Kind: EmailResetPassword, To: "b@example.com", URL: "https://x.example/r"}
	var full bool
	for i := 0; i < 5; i++ {
		if err := m.Send(context.Background(), e); errors.Is(err, ErrMailQueueFull) {
			full = true
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if !full {
		t.Fatal("five sends into a queue of one never reported it full")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestMailTemplatesOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "email-verification.subject"), []byte("Welcome, {{.Name}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "email-verification.html"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tpl, err := LoadMailTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	subj, text, html, err := tpl.Render(Email{Kind: EmailVerification, Name: "Ann", URL: "https://x.example/v"})
	if err != nil || subj != "Welcome, Ann" || html != "" || !strings.Contains(text, "https://x.example/v") {
		t.Fatalf("%q %q %q %v", subj, text, html, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "two-factor-otp.txt"), []byte("{{.Nope}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMailTemplates(dir); err == nil {
		t.Fatal("a template naming an unknown field loaded")
	}
	for _, k := range emailKinds {
		if _, text, html, err := DefaultMailTemplates().Render(Email{Kind: k, URL: "https://x.example/u", OTP: "424242"}); err != nil || html == "" ||
			(k == EmailTwoFactorOTP) != strings.Contains(text, "424242") || (k != EmailTwoFactorOTP) != strings.Contains(text, "https://x.example/u") {
			t.Errorf("%s: %q %v", k, text, err)
		}
	}
}
