package connector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"otklik/data"
)

// Kind tells the engine what to do about a failed call.
type Kind int

const (
	// Transient: retry with exponential backoff.
	Transient Kind = iota + 1
	// RateLimited: wait RetryAfter (or a default) and retry; not a failure.
	RateLimited
	// AuthFailed: the token is dead; stop the account and ask for a new one.
	AuthFailed
	// UserVisible: captcha, validation, access denied — show the user.
	UserVisible
	// Permanent: retrying will not help.
	Permanent
)

func (k Kind) String() string {
	switch k {
	case Transient:
		return "transient"
	case RateLimited:
		return "rate_limited"
	case AuthFailed:
		return "auth_failed"
	case UserVisible:
		return "user_visible"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a classified failure of a network call. Msg never contains the
// access token.
type Error struct {
	Kind       Kind
	RetryAfter time.Duration // RateLimited: how long the network asked to wait
	Code       int           // the network's error code or HTTP status, 0 if none
	Msg        string
	Platform   data.Platform
	Method     string
	// Ambiguous is set when the request may have reached the network but no
	// answer came back (timeout, dropped connection, cut body): a send may
	// have landed, so read back (Reconciler) before resending.
	Ambiguous bool
	Err       error // the underlying cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Platform != "" {
		b.WriteString(string(e.Platform))
		b.WriteString(" ")
	}
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	if e.Code != 0 {
		fmt.Fprintf(&b, " %d", e.Code)
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrUnverifiable is returned by a Reconciler that cannot read back what it
// sent (the Telegram Bot API has no history): the engine must not resend
// blindly but ask the user to check the chat.
var ErrUnverifiable = &Error{Kind: UserVisible, Msg: "the network cannot confirm whether the message was sent; check the chat before resending"}

// Classify returns what kind of failure err is. Errors from connectors are
// *Error; network and deadline errors that escaped wrapping are Transient;
// anything else is Permanent. Classify(nil) is 0.
func Classify(err error) Kind {
	if err == nil {
		return 0
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Kind
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) {
		return Transient
	}
	return Permanent
}

// RetryAfter returns how long the network asked to wait, 0 if it did not.
func RetryAfter(err error) time.Duration {
	var ce *Error
	if errors.As(err, &ce) {
		return ce.RetryAfter
	}
	return 0
}

// IsAmbiguous reports whether a failed send may nevertheless have landed.
func IsAmbiguous(err error) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Ambiguous
}

// Redact replaces every occurrence of the secrets in s; empty secrets are
// ignored. Transport errors quote the request URL, which may hold a token.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

// TransportError classifies a failure of the HTTP round trip itself. Such a
// failure is Transient; it is Ambiguous when the request may have been sent,
// which for a client is every case except a refused connection or a context
// cancelled before sending.
func TransportError(p data.Platform, method string, err error, secrets ...string) *Error {
	e := &Error{Kind: Transient, Platform: p, Method: method, Msg: Redact(err.Error(), secrets...), Ambiguous: true}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		e.Ambiguous = false // nothing left this machine
	}
	// Keep the cause for errors.Is, but not the *url.Error around it: it
	// prints the request URL, which may hold a token.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	e.Err = err
	return e
}
