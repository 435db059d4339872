package secrets

import (
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// errDBusDown is what go-keyring returns on Linux when no Secret Service runs.
var errDBusDown = errors.New("the name org.freedesktop.secrets was not provided by any .service files")

func TestKeyring(t *testing.T) {
	keyring.MockInit()
	s := New()
	key := Key("vk", "77123456")
	if _, _, err := s.Get(key); !errors.Is(err, ErrNoToken) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("empty keyring: %v, want ErrNoToken only", err)
	}
	if w, err := s.Set(key, "vk1.a.secret"); err != nil || w != Keyring {
		t.Fatalf("Set = %v, %v", w, err)
	}
	tok, w, err := s.Get(key)
	if err != nil || tok != "vk1.a.secret" || w != Keyring {
		t.Fatalf("Get = %q, %v, %v", tok, w, err)
	}
	// A second Store (the next run of the app) sees the keyring's token.
	if tok, _, _ := New().Get(key); tok != "vk1.a.secret" {
		t.Fatalf("another store reads %q", tok)
	}
	if err := s.Available(); err != nil {
		t.Fatalf("Available: %v", err)
	}
	if err := s.Delete(key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(key); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, _, err := s.Get(key); !errors.Is(err, ErrNoToken) {
		t.Fatalf("after Delete: %v", err)
	}
}

func TestUnavailableFallsBackToSession(t *testing.T) {
	keyring.MockInitWithError(errDBusDown)
	t.Cleanup(keyring.MockInit)
	s := New()
	key := Key("telegram", "-1001987654321")

	_, w, err := s.Get(key)
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoToken) || w != Nowhere {
		t.Fatalf("Get with no keyring = %v, %v; want ErrUnavailable, not ErrNoToken", w, err)
	}
	if s.Available() == nil {
		t.Fatal("Available reports a dead keyring as working")
	}
	w, err = s.Set(key, "123456:ABC-bot-token")
	if w != Session || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set = %v, %v; want Session with ErrUnavailable", w, err)
	}
	if strings.Contains(err.Error(), "ABC-bot-token") {
		t.Fatalf("error leaks the token: %v", err)
	}
	tok, w, err := s.Get(key)
	if err != nil || tok != "123456:ABC-bot-token" || w != Session {
		t.Fatalf("session token: %q, %v, %v", tok, w, err)
	}
	// The session fallback is this process's memory only.
	if _, _, err := New().Get(key); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a new store must not see the session token: %v", err)
	}
	if err := s.Delete(key); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Delete with no keyring: %v", err)
	}
	if _, _, err := s.Get(key); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("after Delete the session token must be gone: %v", err)
	}
}

// flaky is a keyring that comes back: the session token is replaced by the
// keyring's on the next successful Set.
type flaky struct {
	down bool
	m    map[string]string
}

func (f *flaky) Get(s, u string) (string, error) {
	if f.down {
		return "", errDBusDown
	}
	if v, ok := f.m[s+u]; ok {
		return v, nil
	}
	return "", keyring.ErrNotFound
}

func (f *flaky) Set(s, u, p string) error {
	if f.down {
		return errDBusDown
	}
	f.m[s+u] = p
	return nil
}

func (f *flaky) Delete(s, u string) error {
	if f.down {
		return errDBusDown
	}
	delete(f.m, s+u)
	return nil
}

func TestKeyringComesBack(t *testing.T) {
	b := &flaky{down: true, m: map[string]string{}}
	s := NewWith(b)
	if w, _ := s.Set("k", "old"); w != Session {
		t.Fatalf("Set while down = %v", w)
	}
	b.down = false
	if tok, w, err := s.Get("k"); err != nil || tok != "old" || w != Session {
		t.Fatalf("session token after recovery: %q %v %v", tok, w, err)
	}
	if w, err := s.Set("k", "new"); err != nil || w != Keyring {
		t.Fatalf("Set after recovery = %v, %v", w, err)
	}
	if tok, w, _ := s.Get("k"); tok != "new" || w != Keyring {
		t.Fatalf("Get = %q %v", tok, w)
	}
	if _, err := s.Set("k", ""); err == nil {
		t.Fatal("empty token accepted")
	}
}

func TestWhereString(t *testing.T) {
	for w, want := range map[Where]string{Nowhere: "none", Keyring: "keyring", Session: "session"} {
		if w.String() != want {
			t.Errorf("%d: %q", w, w.String())
		}
	}
}
