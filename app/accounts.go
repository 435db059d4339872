package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"otklik/app/secrets"
	"otklik/app/syncer"
	"otklik/data"
)

// AccountInput is what Настройки → Аккаунты edits. Token "" keeps the
// stored one.
type AccountInput struct {
	ID         int64 // 0 adds an account
	Platform   data.Platform
	ExternalID string // VK community id, Telegram channel id, OK group id
	Name       string
	BaseURL    string // "" for the real network; a local simulator or test server otherwise
	LinkedChat string // Telegram: the discussion group's chat id
	Token      string
}

// Token storage outcomes SaveAccount reports.
const (
	TokenKept    = "kept"    // no new token given
	TokenKeyring = "keyring" // stored in the system keyring
	TokenSession = "session" // the keyring is unavailable: kept until the app closes
)

// AccountState is one account as Настройки → Аккаунты shows it.
type AccountState struct {
	Account    data.Account
	BaseURL    string
	LinkedChat string
	Simulator  bool

	Syncing     bool   // a worker runs for it
	Phase       string // syncer.Phase; "" when sync is not running
	Online      bool
	LastSync    time.Time
	LastError   string
	NeedsToken  bool // no token, or the network refused it
	KeyringDown bool // the password store is unavailable
	Ingested    int  // new messages since sync started
	Sent        int

	Queued, Sending, Failed int
	OutboxError             string // the newest unsent item's error
	Quarantined             int
}

// Accounts lists the accounts with their sync state.
func (a *App) Accounts(ctx context.Context) ([]AccountState, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	accs, err := db.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := db.OutboxByAccount(ctx)
	if err != nil {
		return nil, err
	}
	bad, err := db.QuarantineCounts(ctx)
	if err != nil {
		return nil, err
	}
	st := a.syncState()
	out := make([]AccountState, 0, len(accs))
	for _, acc := range accs {
		c := counts[acc.ID]
		cfg := readConfig(acc)
		s := AccountState{Account: acc, BaseURL: cfg.BaseURL, LinkedChat: linkedChat(acc), Simulator: isSimulator(acc),
			Queued: c.Queued, Sending: c.Sending, Failed: c.Failed, OutboxError: c.LastError, Quarantined: bad[acc.ID]}
		if st != nil {
			if ws, ok := st.engine.Status(acc.ID); ok {
				s.Syncing = true
				s.Phase = string(ws.Phase)
				s.Online, s.LastSync, s.Ingested, s.Sent = ws.Online, ws.LastSync, ws.Ingested, ws.Sent
				if ws.ErrorAt.After(ws.LastSync) || ws.Phase == syncer.PhaseNeedsToken || ws.Phase == syncer.PhaseKeyring || ws.Phase == syncer.PhaseFailed {
					s.LastError = ws.LastError
				}
				s.NeedsToken = ws.Phase == syncer.PhaseNeedsToken
				s.KeyringDown = ws.Phase == syncer.PhaseKeyring
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func linkedChat(acc data.Account) string {
	var c struct {
		ChatID int64 `json:"chat_id"`
	}
	_ = json.Unmarshal([]byte(acc.Config), &c)
	if c.ChatID == 0 {
		return ""
	}
	return strconv.FormatInt(c.ChatID, 10)
}

// Errors SaveAccount returns for input the user must correct.
var (
	ErrAccountPlatform = errors.New("choose a network")
	ErrAccountID       = errors.New("the account id must be a number")
	ErrAccountURL      = errors.New("the address must start with http:// or https://")
)

// SaveAccount adds or changes an account and stores its token in the
// keyring (never in the store). It returns the account and where the token
// went (TokenKept, TokenKeyring, TokenSession); with TokenSession the error
// is nil and the UI warns that the token will be asked for again. A
// running sync restarts the account with the new settings.
func (a *App) SaveAccount(ctx context.Context, in AccountInput) (data.Account, string, error) {
	db, err := a.store()
	if err != nil {
		return data.Account{}, "", err
	}
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	in.Name = strings.TrimSpace(in.Name)
	in.BaseURL = strings.TrimSpace(in.BaseURL)
	if !in.Platform.Valid() {
		return data.Account{}, "", ErrAccountPlatform
	}
	if in.Platform != data.POS {
		if _, err := strconv.ParseInt(in.ExternalID, 10, 64); err != nil {
			return data.Account{}, "", ErrAccountID
		}
	} else if in.ExternalID == "" {
		return data.Account{}, "", ErrAccountID
	}
	if in.BaseURL != "" {
		if u, err := url.Parse(in.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return data.Account{}, "", ErrAccountURL
		}
	}
	var chat int64
	if s := strings.TrimSpace(in.LinkedChat); s != "" && in.Platform == data.Telegram {
		if chat, err = strconv.ParseInt(s, 10, 64); err != nil {
			return data.Account{}, "", ErrAccountID
		}
	}

	acc := data.Account{Platform: in.Platform, ExternalID: in.ExternalID, Name: in.Name, Kind: defaultKind(in.Platform)}
	cfg := map[string]any{}
	if in.ID != 0 {
		old, err := db.Account(ctx, in.ID)
		if err != nil {
			return data.Account{}, "", err
		}
		if old.Platform != in.Platform || old.ExternalID != in.ExternalID {
			return data.Account{}, "", errors.New("the network and id of an account cannot change; add a new account")
		}
		acc = old
		acc.Name = in.Name
		_ = json.Unmarshal([]byte(old.Config), &cfg)
	}
	if acc.Name == "" {
		acc.Name = fmt.Sprintf("%s %s", in.Platform, in.ExternalID)
	}
	if in.BaseURL != "" {
		cfg["base_url"] = in.BaseURL
	} else {
		delete(cfg, "base_url")
		delete(cfg, "simulator")
	}
	if in.Platform == data.Telegram && chat != 0 {
		cfg["chat_id"] = chat
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return data.Account{}, "", err
	}
	acc.Config = string(b)
	if err := db.UpsertAccount(ctx, &acc); err != nil {
		return data.Account{}, "", err
	}
	where := TokenKept
	if tok := strings.TrimSpace(in.Token); tok != "" {
		w, err := a.Secrets().Set(secrets.Key(string(acc.Platform), acc.ExternalID), tok)
		switch {
		case w == secrets.Keyring:
			where = TokenKeyring
		case w == secrets.Session:
			where = TokenSession
			a.log.Warn("keyring unavailable; the token is kept for this session only", "account", acc.ID, "err", err)
		default:
			return acc, "", err
		}
	}
	if st := a.syncState(); st != nil {
		if err := st.engine.Restart(ctx, acc.ID); err != nil {
			return acc, where, err
		}
	}
	a.publish(Event{Kind: EventSync})
	return acc, where, nil
}

// AddSimulatorAccounts points a VK community and a Telegram channel at a
// running `otklik simulate` (either URL may be ""), marking them as
// simulator accounts, which use the simulator's fixed token.
func (a *App) AddSimulatorAccounts(ctx context.Context, vkURL string, vkGroup int64, tgURL string, channel, chat int64) ([]data.Account, error) {
	type spec struct {
		p    data.Platform
		ext  string
		name string
		cfg  map[string]any
	}
	var specs []spec
	if vkURL != "" {
		specs = append(specs, spec{data.VK, strconv.FormatInt(vkGroup, 10), "Губернатор Смоленской области (симулятор ВК)",
			map[string]any{"base_url": vkURL, "group_id": vkGroup, "simulator": true}})
	}
	if tgURL != "" {
		specs = append(specs, spec{data.Telegram, strconv.FormatInt(channel, 10), "Смоленская область (симулятор Telegram)",
			map[string]any{"base_url": tgURL, "channel_id": channel, "chat_id": chat, "simulator": true}})
	}
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	var out []data.Account
	for _, s := range specs {
		b, _ := json.Marshal(s.cfg)
		acc := data.Account{Platform: s.p, ExternalID: s.ext, Name: s.name, Kind: defaultKind(s.p), Config: string(b)}
		if !isSimulator(acc) {
			return out, fmt.Errorf("%s: the simulator must run on this machine (127.0.0.1), not %s", s.p, s.cfg["base_url"])
		}
		if err := db.UpsertAccount(ctx, &acc); err != nil {
			return out, err
		}
		out = append(out, acc)
		if st := a.syncState(); st != nil {
			if err := st.engine.Restart(ctx, acc.ID); err != nil {
				return out, err
			}
		}
	}
	a.publish(Event{Kind: EventSync})
	return out, nil
}
