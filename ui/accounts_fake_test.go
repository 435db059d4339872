package ui

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"otklik/app"
	"otklik/app/secrets"
	"otklik/data"
)

// fakeAccounts is what the fake core keeps for Настройки → Аккаунты; the
// fields are guarded by fakeCore.mu. Tokens go through a real
// secrets.Store, so keyring.MockInit and MockInitWithError decide whether
// they land in the keyring or in the session.
type fakeAccounts struct {
	states  []AccountState
	secrets *secrets.Store
}

// SetAccounts replaces the accounts and tells subscribers, as the engine's
// state changes do.
func (c *fakeCore) SetAccounts(states []AccountState) {
	c.mu.Lock()
	c.acc.states = slices.Clone(states)
	c.mu.Unlock()
	c.Publish(Event{Kind: EventSync})
}

// Accounts implements Core.
func (c *fakeCore) Accounts(context.Context) ([]AccountState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.acc.states), nil
}

// SaveAccount implements Core with the core's validation.
func (c *fakeCore) SaveAccount(_ context.Context, in AccountInput) (data.Account, string, error) {
	in.ExternalID, in.Name, in.BaseURL = strings.TrimSpace(in.ExternalID), strings.TrimSpace(in.Name), strings.TrimSpace(in.BaseURL)
	if !in.Platform.Valid() {
		return data.Account{}, "", app.ErrAccountPlatform
	}
	if _, err := strconv.ParseInt(in.ExternalID, 10, 64); err != nil && in.Platform != data.POS {
		return data.Account{}, "", app.ErrAccountID
	}
	if in.BaseURL != "" {
		if u, err := url.Parse(in.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return data.Account{}, "", app.ErrAccountURL
		}
	}
	if in.Name == "" {
		in.Name = fmt.Sprintf("%s %s", in.Platform, in.ExternalID)
	}
	c.mu.Lock()
	if c.acc.secrets == nil {
		c.acc.secrets = secrets.New()
	}
	sec := c.acc.secrets
	var st *AccountState
	for i := range c.acc.states {
		if c.acc.states[i].Account.ID == in.ID && in.ID != 0 {
			st = &c.acc.states[i]
		}
	}
	if in.ID != 0 && st == nil {
		c.mu.Unlock()
		return data.Account{}, "", fmt.Errorf("account %d not found", in.ID)
	}
	if st == nil {
		id := int64(len(c.acc.states) + 1)
		c.acc.states = append(c.acc.states, AccountState{Account: data.Account{ID: id, Platform: in.Platform, ExternalID: in.ExternalID}})
		st = &c.acc.states[len(c.acc.states)-1]
	}
	st.Account.Name, st.BaseURL, st.LinkedChat = in.Name, in.BaseURL, in.LinkedChat
	acc := st.Account
	c.mu.Unlock()

	where := app.TokenKept
	if in.Token != "" {
		switch w, err := sec.Set(secrets.Key(string(acc.Platform), acc.ExternalID), in.Token); w {
		case secrets.Keyring:
			where = app.TokenKeyring
		case secrets.Session:
			where = app.TokenSession
		default:
			return acc, "", err
		}
	}
	c.mu.Lock()
	c.calls = append(c.calls, fmt.Sprintf("SaveAccount %d %s %s %q token=%s", acc.ID, acc.Platform, acc.ExternalID, acc.Name, where))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventSync})
	return acc, where, nil
}

// Token is what the fake's keyring holds for an account.
func (c *fakeCore) Token(p data.Platform, externalID string) (string, secrets.Where, error) {
	c.mu.Lock()
	sec := c.acc.secrets
	c.mu.Unlock()
	if sec == nil {
		return "", secrets.Nowhere, secrets.ErrNoToken
	}
	return sec.Get(secrets.Key(string(p), externalID))
}

// SyncNow implements Core: every syncing account reports a fresh sync.
func (c *fakeCore) SyncNow(context.Context) error {
	c.mu.Lock()
	for i := range c.acc.states {
		if c.acc.states[i].Syncing {
			c.acc.states[i].LastSync = c.fx.Now
		}
	}
	c.calls = append(c.calls, "SyncNow")
	c.mu.Unlock()
	c.Publish(Event{Kind: EventSync})
	return nil
}

// RetryUnsent implements Core: failed items go back to the queue.
func (c *fakeCore) RetryUnsent(_ context.Context, accountID int64) (int, error) {
	c.mu.Lock()
	n := 0
	for i := range c.acc.states {
		st := &c.acc.states[i]
		if accountID == 0 || st.Account.ID == accountID {
			n += st.Failed
			st.Queued += st.Failed
			st.Failed, st.OutboxError = 0, ""
		}
	}
	c.calls = append(c.calls, fmt.Sprintf("RetryUnsent %d = %d", accountID, n))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventSync})
	return n, nil
}
