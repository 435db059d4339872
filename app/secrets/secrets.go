// Package secrets keeps access tokens out of the store, the config and the
// logs: in the operating system's keyring (Secret Service on Linux,
// Credential Manager on Windows, Keychain on macOS).
//
// When no keyring service runs (a bare Linux session without
// gnome-keyring or KWallet), tokens fall back to this process's memory: the
// app keeps working until it is closed and then asks for the token again.
// Nothing is ever written to disk in plain text. Callers tell the two "no
// token" cases apart with errors.Is: ErrUnavailable means the keyring
// itself cannot be reached, ErrNoToken means it works but holds nothing
// for the account.
package secrets

import (
	"errors"
	"fmt"
	"sync"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service name tokens are filed under.
const Service = "ru.otklik.app"

// Errors Get returns; the UI explains each one differently.
var (
	// ErrUnavailable: no keyring service answers, and the token was not
	// entered in this session either.
	ErrUnavailable = errors.New("the password store (keyring) is unavailable")
	// ErrNoToken: the keyring works but holds no token for the account.
	ErrNoToken = errors.New("no token is set for the account")
)

// Where tells where a token is kept.
type Where int

const (
	// Nowhere: no token.
	Nowhere Where = iota
	// Keyring: in the operating system's keyring, kept across restarts.
	Keyring
	// Session: in memory only, because the keyring is unavailable; lost
	// when the app closes.
	Session
)

func (w Where) String() string {
	switch w {
	case Keyring:
		return "keyring"
	case Session:
		return "session"
	}
	return "none"
}

// Backend is the keyring; tests substitute failing ones.
type Backend interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// osKeyring is go-keyring's provider (or its mock after keyring.MockInit).
type osKeyring struct{}

func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// Store reads and writes tokens. It is safe for concurrent use.
type Store struct {
	backend Backend

	mu      sync.Mutex
	session map[string]string // the fallback: tokens entered while the keyring was unavailable
}

// New returns a Store over the operating system's keyring.
func New() *Store { return NewWith(osKeyring{}) }

// NewWith returns a Store over b.
func NewWith(b Backend) *Store { return &Store{backend: b, session: map[string]string{}} }

// Key names an account's token: stable across stores, since the same
// community keeps its token when the office recreates its database.
func Key(platform, externalID string) string { return "token:" + platform + ":" + externalID }

// unavailable wraps a keyring failure other than "not found". The
// underlying error (a D-Bus message) never holds the secret.
func unavailable(err error) error { return fmt.Errorf("%w: %v", ErrUnavailable, err) }

// Get returns the token for key and where it is kept.
func (s *Store) Get(key string) (string, Where, error) {
	tok, err := s.backend.Get(Service, key)
	if err == nil && tok != "" {
		return tok, Keyring, nil
	}
	s.mu.Lock()
	mem, ok := s.session[key]
	s.mu.Unlock()
	if ok {
		return mem, Session, nil
	}
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return "", Nowhere, ErrNoToken
	}
	return "", Nowhere, unavailable(err)
}

// Set stores the token for key. When the keyring is unavailable the token
// is kept for this session and the result says Session with an error
// wrapping ErrUnavailable, so the caller can warn that it will be asked
// for again; the token is usable all the same.
func (s *Store) Set(key, token string) (Where, error) {
	if token == "" {
		return Nowhere, errors.New("empty token")
	}
	err := s.backend.Set(Service, key, token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.session, key)
		return Keyring, nil
	}
	s.session[key] = token
	return Session, unavailable(err)
}

// Delete forgets the token for key everywhere. A token that is not there
// is not an error.
func (s *Store) Delete(key string) error {
	s.mu.Lock()
	delete(s.session, key)
	s.mu.Unlock()
	err := s.backend.Delete(Service, key)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return unavailable(err)
}

// Available probes the keyring: nil when it answers (a missing entry is
// an answer), an error wrapping ErrUnavailable otherwise.
func (s *Store) Available() error {
	_, err := s.backend.Get(Service, "probe")
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return unavailable(err)
}
