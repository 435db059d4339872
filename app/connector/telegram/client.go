// Package telegram connects a Telegram channel through a bot: comments come
// from the channel's discussion group via getUpdates long polling, replies and
// posts go out with sendMessage/sendPhoto. It also reads the JSON that
// Telegram Desktop writes with "Export chat history".
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

// DefaultBaseURL is the Bot API endpoint; "/bot<token>/<method>" is appended.
const DefaultBaseURL = "https://api.telegram.org"

// Config is the non-secret part of an account's settings (data.Account.Config).
type Config struct {
	BaseURL         string `json:"base_url,omitempty"`
	ChannelID       int64  `json:"channel_id,omitempty"`       // the channel posts are published to
	ChannelUsername string `json:"channel_username,omitempty"` // for t.me links, without @
	ChatID          int64  `json:"chat_id,omitempty"`          // the linked discussion group
}

// Options configure a Client beyond the account's Config.
type Options struct {
	HTTPClient  *http.Client // default: a client with a 60 s timeout for plain calls
	PollTimeout int          // getUpdates timeout in seconds; default 25
	// OnAccountChange is called when the connector changed the account's
	// settings itself (the group was upgraded to a supergroup and got a new
	// id); the engine persists acc.Config.
	OnAccountChange func(acc data.Account)
}

// Client is one Telegram channel with its discussion group. It is safe for
// concurrent use.
type Client struct {
	base     string
	token    string
	http     *http.Client
	timeout  int
	onChange func(data.Account)

	mu   sync.Mutex
	acc  data.Account
	cfg  Config
	sent map[string]string // idempotency key → remote id, for this process's life
}

// New makes a Client for acc with the bot token; acc.Config holds a Config.
func New(acc data.Account, token string, opt Options) (*Client, error) {
	var cfg Config
	if strings.TrimSpace(acc.Config) != "" {
		if err := json.Unmarshal([]byte(acc.Config), &cfg); err != nil {
			return nil, fmt.Errorf("telegram: account config: %w", err)
		}
	}
	if cfg.ChannelID == 0 && acc.ExternalID != "" {
		id, err := strconv.ParseInt(acc.ExternalID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("telegram: account external id %q is not a chat id", acc.ExternalID)
		}
		cfg.ChannelID = id
	}
	if token == "" {
		return nil, errors.New("telegram: bot token is missing")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	c := &Client{base: strings.TrimSuffix(cfg.BaseURL, "/"), token: token, http: opt.HTTPClient,
		timeout: opt.PollTimeout, onChange: opt.OnAccountChange, acc: acc, cfg: cfg, sent: map[string]string{}}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	if c.timeout <= 0 {
		c.timeout = 25
	}
	return c, nil
}

// Platform implements connector.Connector.
func (c *Client) Platform() data.Platform { return data.Telegram }

// Account implements connector.Connector; after a chat migration its Config
// carries the new chat id.
func (c *Client) Account() data.Account {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.acc
}

func (c *Client) config() Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg
}

// ChatKey is the external id of a Telegram message: "<chat_id>:<message_id>".
func ChatKey(chatID, messageID int64) string {
	return strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(messageID, 10)
}

// ParseChatKey splits "<chat_id>:<message_id>".
func ParseChatKey(s string) (chatID, messageID int64, err error) {
	a, b, ok := strings.Cut(s, ":")
	if ok {
		chatID, err = strconv.ParseInt(a, 10, 64)
		if err == nil {
			messageID, err = strconv.ParseInt(b, 10, 64)
		}
	}
	if !ok || err != nil || chatID == 0 || messageID <= 0 {
		return 0, 0, fmt.Errorf("telegram: %q is not a <chat>:<message> id", s)
	}
	return chatID, messageID, nil
}

type responseParameters struct {
	RetryAfter      int   `json:"retry_after"`
	MigrateToChatID int64 `json:"migrate_to_chat_id"`
}

type envelope struct {
	OK          bool                `json:"ok"`
	Result      json.RawMessage     `json:"result"`
	ErrorCode   int                 `json:"error_code"`
	Description string              `json:"description"`
	Parameters  *responseParameters `json:"parameters"`
}

const maxBody = 32 << 20

// migrated is returned by call when the group became a supergroup.
type migrated struct{ to int64 }

func (m migrated) Error() string {
	return "group chat was upgraded to a supergroup " + strconv.FormatInt(m.to, 10)
}

// call POSTs params as JSON to a Bot API method and decodes "result".
func (c *Client) call(ctx context.Context, hc *http.Client, method string, params any, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return &connector.Error{Kind: connector.Permanent, Platform: data.Telegram, Method: method, Msg: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return &connector.Error{Kind: connector.Permanent, Platform: data.Telegram, Method: method, Msg: connector.Redact(err.Error(), c.token)}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return connector.TransportError(data.Telegram, method, err, c.token)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return connector.TransportError(data.Telegram, method, err, c.token)
	}
	var env envelope
	if jerr := json.Unmarshal(raw, &env); jerr != nil {
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusOK {
			return malformed(method, resp.StatusCode, raw, jerr)
		}
		env = envelope{ErrorCode: resp.StatusCode, Description: resp.Status}
	}
	if !env.OK {
		if env.ErrorCode == 0 {
			env.ErrorCode = resp.StatusCode
		}
		return c.classify(method, env)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return malformed(method, resp.StatusCode, raw, err)
	}
	return nil
}

func malformed(method string, status int, body []byte, err error) error {
	if len(body) > 120 {
		body = body[:120]
	}
	return &connector.Error{Kind: connector.Transient, Platform: data.Telegram, Method: method, Code: status, Ambiguous: true,
		Msg: fmt.Sprintf("malformed response (%v): %q", err, body), Err: err}
}

// classify maps Bot API errors (https://core.telegram.org/bots/api#making-requests).
func (c *Client) classify(method string, env envelope) error {
	e := &connector.Error{Platform: data.Telegram, Method: method, Code: env.ErrorCode, Msg: connector.Redact(env.Description, c.token)}
	switch {
	case env.ErrorCode == 400 && env.Parameters != nil && env.Parameters.MigrateToChatID != 0:
		e.Kind, e.Err = connector.Permanent, migrated{env.Parameters.MigrateToChatID}
	case env.ErrorCode == 429:
		e.Kind, e.RetryAfter = connector.RateLimited, time.Second
		if env.Parameters != nil && env.Parameters.RetryAfter > 0 {
			e.RetryAfter = time.Duration(env.Parameters.RetryAfter) * time.Second
		}
	case env.ErrorCode == 401:
		e.Kind = connector.AuthFailed // the token was revoked
	case env.ErrorCode == 403, env.ErrorCode == 409:
		// 403: the bot was removed from the chat or lacks rights; 409: another
		// getUpdates consumer or a webhook holds the bot. A person must act.
		e.Kind = connector.UserVisible
	case env.ErrorCode >= 500:
		e.Kind, e.Ambiguous = connector.Transient, true
	default:
		e.Kind = connector.Permanent
	}
	return e
}

// migrate switches the discussion group to its new supergroup id and tells
// the engine. It reports whether from was the configured group.
func (c *Client) migrate(from, to int64) bool {
	c.mu.Lock()
	if c.cfg.ChatID != from {
		c.mu.Unlock()
		return false
	}
	c.cfg.ChatID = to
	b, _ := json.Marshal(c.cfg)
	// Keep keys the engine stored that Config does not know.
	var merged map[string]any
	if json.Unmarshal([]byte(c.acc.Config), &merged) != nil || merged == nil {
		merged = map[string]any{}
	}
	merged["chat_id"] = to
	if mb, err := json.Marshal(merged); err == nil {
		b = mb
	}
	c.acc.Config = string(b)
	acc := c.acc
	c.mu.Unlock()
	if c.onChange != nil {
		c.onChange(acc)
	}
	return true
}
