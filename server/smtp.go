package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	mail "github.com/wneessen/go-mail"
)

// SMTPConfig is where and how SMTPMailer delivers. ParseSMTPURL fills it
// from a URL such as smtp://user:pass@host:587.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// ImplicitTLS: the connection is TLS from the first byte (smtps://).
	ImplicitTLS bool
	// RequireTLS: refuse to send unless STARTTLS succeeds (?tls=required).
	// Without it, STARTTLS is used whenever the server offers it, and it is
	// still required when there are credentials and Host is not loopback.
	RequireTLS bool
	// From is the sender address (--mail-from).
	From string
	// TLSConfig overrides the TLS client configuration (tests: a test CA).
	TLSConfig *tls.Config
	// Dial overrides how the TCP connection is made (tests).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ParseSMTPURL reads smtp://user:pass@host:port (port 587 by default) or
// smtps://user:pass@host:port (465 by default); the query ?tls=required
// insists on STARTTLS.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, errors.New("smtp url: not a URL")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return SMTPConfig{}, fmt.Errorf("smtp url: scheme %q, want smtp:// or smtps://", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return SMTPConfig{}, errors.New("smtp url: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("smtp url: bad port %q", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	for k, v := range u.Query() {
		switch {
		case k == "tls" && len(v) == 1 && v[0] == "required":
			c.RequireTLS = true
		case k == "tls" && len(v) == 1 && v[0] == "opportunistic":
		default:
			return SMTPConfig{}, fmt.Errorf("smtp url: unknown parameter %q (only tls=required)", k)
		}
	}
	return c, nil
}

// isLoopbackHost is true for localhost and loopback IP literals.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// smtpTLSPolicy decides how a connection is secured: implicit TLS for
// smtps://; STARTTLS required when the URL insists or when credentials
// would otherwise cross the network to a host that is not loopback;
// otherwise STARTTLS whenever the server offers it.
func smtpTLSPolicy(c SMTPConfig) (implicit bool, policy mail.TLSPolicy) {
	switch {
	case c.ImplicitTLS:
		return true, mail.TLSMandatory
	case c.RequireTLS:
		return false, mail.TLSMandatory
	case c.Username != "" && !isLoopbackHost(c.Host):
		return false, mail.TLSMandatory
	default:
		return false, mail.TLSOpportunistic
	}
}

// SMTPMailer sends the server's emails over SMTP. Send never waits for the
// SMTP server: it renders the email and puts it on a bounded queue (an
// error when the queue is full); a worker delivers it, each attempt bounded
// by Timeout, retrying a temporary (4xx or network) failure. Close drains
// the queue.
type SMTPMailer struct {
	cfg       SMTPConfig
	templates *MailTemplates
	log       *slog.Logger
	// Timeout bounds one delivery attempt; RetryDelays are the waits before
	// each retry (their count is the number of retries).
	timeout     time.Duration
	retryDelays []time.Duration
	queue       chan queuedEmail
	done        chan struct{}
	closeOnce   sync.Once
	sleep       func(context.Context, time.Duration) error
}

type queuedEmail struct {
	msg  *mail.Msg
	kind EmailKind
}

// SMTPOptions tune an SMTPMailer; zero values take the defaults.
type SMTPOptions struct {
	// Templates replace the built-in wording (LoadMailTemplates).
	Templates *MailTemplates
	Log       *slog.Logger
	// Timeout of one attempt; 15 s by default.
	Timeout time.Duration
	// RetryDelays before each retry of a temporary failure; 2 s, 10 s and
	// 30 s by default.
	RetryDelays []time.Duration
	// QueueSize: emails waiting for delivery; 256 by default.
	QueueSize int
}

// ErrMailQueueFull is Send's error when the delivery queue is full.
var ErrMailQueueFull = errors.New("mail queue full")

// NewSMTPMailer starts the delivery worker; call Close to stop it.
func NewSMTPMailer(cfg SMTPConfig, o SMTPOptions) (*SMTPMailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: no host")
	}
	if cfg.From == "" {
		return nil, errors.New("smtp: no sender address (--mail-from)")
	}
	if err := mail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp: sender address %q: %w", cfg.From, err)
	}
	m := &SMTPMailer{cfg: cfg, templates: o.Templates, log: o.Log, timeout: o.Timeout, retryDelays: o.RetryDelays,
		done: make(chan struct{}), sleep: sleepCtx}
	if m.templates == nil {
		m.templates = DefaultMailTemplates()
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	if m.timeout <= 0 {
		m.timeout = 15 * time.Second
	}
	if o.RetryDelays == nil {
		m.retryDelays = []time.Duration{2 * time.Second, 10 * time.Second, 30 * time.Second}
	}
	size := o.QueueSize
	if size <= 0 {
		size = 256
	}
	m.queue = make(chan queuedEmail, size)
	go m.run()
	return m, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Send renders e and queues it; it does not wait for delivery.
func (m *SMTPMailer) Send(_ context.Context, e Email) error {
	msg, err := m.message(e)
	if err != nil {
		return err
	}
	select {
	case m.queue <- queuedEmail{msg: msg, kind: e.Kind}:
		return nil
	default:
		return ErrMailQueueFull
	}
}

// Close stops accepting emails and waits until the queued ones are
// delivered or have failed, or ctx ends.
func (m *SMTPMailer) Close(ctx context.Context) error {
	m.closeOnce.Do(func() { close(m.queue) })
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *SMTPMailer) message(e Email) (*mail.Msg, error) {
	subject, text, html, err := m.templates.Render(e)
	if err != nil {
		return nil, err
	}
	msg := mail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.To(e.To); err != nil {
		return nil, fmt.Errorf("smtp: recipient: %w", err)
	}
	msg.Subject(subject)
	msg.SetBodyString(mail.TypeTextPlain, text)
	if html != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, html)
	}
	return msg, nil
}

func (m *SMTPMailer) run() {
	defer close(m.done)
	for q := range m.queue {
		m.deliver(q)
	}
}

func (m *SMTPMailer) deliver(q queuedEmail) {
	ctx := context.Background()
	for attempt := 0; ; attempt++ {
		err := m.attempt(ctx, q.msg)
		if err == nil {
			m.log.Info("email sent", "kind", string(q.kind))
			return
		}
		if !temporarySMTPError(err) || attempt >= len(m.retryDelays) {
			m.log.Error("email not sent", "kind", string(q.kind), "attempts", attempt+1, "error", err.Error())
			return
		}
		m.log.Warn("email delivery failed; retrying", "kind", string(q.kind), "attempt", attempt+1, "error", err.Error())
		if m.sleep(ctx, m.retryDelays[attempt]) != nil {
			return
		}
	}
}

func (m *SMTPMailer) client() (*mail.Client, error) {
	implicit, policy := smtpTLSPolicy(m.cfg)
	opts := []mail.Option{mail.WithPort(m.cfg.Port), mail.WithTimeout(m.timeout), mail.WithTLSPolicy(policy)}
	if implicit {
		opts = append(opts, mail.WithSSL())
	}
	if m.cfg.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(m.cfg.TLSConfig))
	}
	if m.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(m.cfg.Username), mail.WithPassword(m.cfg.Password))
	}
	if m.cfg.Dial != nil {
		opts = append(opts, mail.WithDialContextFunc(m.cfg.Dial))
	}
	return mail.NewClient(m.cfg.Host, opts...)
}

func (m *SMTPMailer) attempt(ctx context.Context, msg *mail.Msg) error {
	c, err := m.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	return c.DialAndSendWithContext(ctx, msg)
}

// temporarySMTPError: a 4xx reply or a network failure is worth retrying;
// a 5xx reply or a TLS/auth refusal is not.
func temporarySMTPError(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return true
		}
		if se.Reason != mail.ErrConnCheck {
			return false
		}
	}
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &oe) || (errors.As(err, &ne) && ne.Timeout())
}

//go:embed mailtemplates
var defaultTemplateFS embed.FS

// MailTemplates are the subject, plain-text and HTML bodies of each email
// kind, Go templates over Email (.To, .Name, .URL, .OTP, .NewEmail).
type MailTemplates struct {
	subject map[EmailKind]*texttemplate.Template
	text    map[EmailKind]*texttemplate.Template
	html    map[EmailKind]*htmltemplate.Template
}

var emailKinds = []EmailKind{EmailResetPassword, EmailVerification, EmailChangeConfirmation,
	EmailChangeVerification, EmailDeleteAccountVerification, EmailTwoFactorOTP}

// DefaultMailTemplates is the built-in wording.
func DefaultMailTemplates() *MailTemplates {
	t, err := loadTemplates(nil)
	if err != nil {
		panic(err) // the embedded templates are tested
	}
	return t
}

// LoadMailTemplates reads operator templates from dir: for each kind,
// KIND.subject, KIND.txt and KIND.html (e.g. email-verification.html);
// each file present replaces that part of the built-in wording; a KIND.html
// that is empty drops the HTML part.
func LoadMailTemplates(dir string) (*MailTemplates, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("mail templates: %s is not a directory", dir)
	}
	return loadTemplates(os.DirFS(dir))
}

func loadTemplates(override fs.FS) (*MailTemplates, error) {
	t := &MailTemplates{subject: map[EmailKind]*texttemplate.Template{}, text: map[EmailKind]*texttemplate.Template{}, html: map[EmailKind]*htmltemplate.Template{}}
	read := func(name string) (string, error) {
		if override != nil {
			b, err := fs.ReadFile(override, name)
			if err == nil {
				return string(b), nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return "", err
			}
		}
		b, err := defaultTemplateFS.ReadFile(filepath.ToSlash(filepath.Join("mailtemplates", name)))
		return string(b), err
	}
	for _, k := range emailKinds {
		s, err := read(string(k) + ".subject")
		if err != nil {
			return nil, err
		}
		if t.subject[k], err = texttemplate.New(string(k) + ".subject").Option("missingkey=error").Parse(strings.TrimSpace(s)); err != nil {
			return nil, fmt.Errorf("mail templates: %w", err)
		}
		s, err = read(string(k) + ".txt")
		if err != nil {
			return nil, err
		}
		if t.text[k], err = texttemplate.New(string(k) + ".txt").Option("missingkey=error").Parse(s); err != nil {
			return nil, fmt.Errorf("mail templates: %w", err)
		}
		s, err = read(string(k) + ".html")
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) != "" {
			if t.html[k], err = htmltemplate.New(string(k) + ".html").Option("missingkey=error").Parse(s); err != nil {
				return nil, fmt.Errorf("mail templates: %w", err)
			}
		}
		// Render once with sample data so a bad field fails at start-up.
		if _, _, _, err := t.Render(Email{Kind: k, To: "a@example.com", Name: "A", URL: "https://example.com/x", Token: "t", OTP: "123456", NewEmail: "b@example.com"}); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Render is the subject, text and HTML (empty when there is none) of e.
func (t *MailTemplates) Render(e Email) (subject, text, html string, err error) {
	st, ok := t.subject[e.Kind]
	if !ok {
		return "", "", "", fmt.Errorf("mail templates: unknown email kind %q", e.Kind)
	}
	var b bytes.Buffer
	if err := st.Execute(&b, e); err != nil {
		return "", "", "", fmt.Errorf("mail templates: %w", err)
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := t.text[e.Kind].Execute(&b, e); err != nil {
		return "", "", "", fmt.Errorf("mail templates: %w", err)
	}
	text = b.String()
	if ht := t.html[e.Kind]; ht != nil {
		b.Reset()
		if err := ht.Execute(&b, e); err != nil {
			return "", "", "", fmt.Errorf("mail templates: %w", err)
		}
		html = b.String()
	}
	return subject, text, html, nil
}
