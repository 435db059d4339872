// Package vk connects a VK community (API 5.199): wall history through
// wall.get and wall.getComments, live comments through the Bots Long Poll,
// replies through wall.createComment and posts through wall.post.
package vk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"otklik/app/connector"
	"otklik/data"
)

// APIVersion is the VK API version the wire formats here follow.
const APIVersion = "5.199"

// DefaultBaseURL is VK's API endpoint; methods are appended to it.
const DefaultBaseURL = "https://api.vk.com/method/"

// TokenKind decides the client-side rate limit: VK allows 3 calls a second
// for a user token and 20 for a community token.
type TokenKind string

const (
	UserToken      TokenKind = "user"
	CommunityToken TokenKind = "community"
)

// Config is the non-secret part of an account's settings (data.Account.Config).
type Config struct {
	BaseURL       string    `json:"base_url,omitempty"`
	GroupID       int64     `json:"group_id"`                 // the community, positive
	TokenKind     TokenKind `json:"token_kind,omitempty"`     // default community
	BackfillPosts int       `json:"backfill_posts,omitempty"` // how many recent posts a backfill reads; default 50
}

// Options configure a Client beyond the account's Config.
type Options struct {
	HTTPClient   *http.Client // default: a client with a 60 s timeout
	LongPollWait int          // seconds the Long Poll server may hold a request; default 25
	// Limiter replaces the shared per-token limiter (tests only).
	Limiter *rate.Limiter
}

// Client is one VK community. It is safe for concurrent use.
type Client struct {
	acc     data.Account
	cfg     Config
	base    string
	token   string
	http    *http.Client
	limiter *rate.Limiter
	wait    int

	mu     sync.Mutex
	lp     *lpServer // Long Poll server, key and ts; nil until first needed
	events *eventSet // recently seen Long Poll event_ids
}

// New makes a Client for acc with its access token. acc.Config holds a Config.
func New(acc data.Account, token string, opt Options) (*Client, error) {
	var cfg Config
	if strings.TrimSpace(acc.Config) != "" {
		if err := json.Unmarshal([]byte(acc.Config), &cfg); err != nil {
			return nil, fmt.Errorf("vk: account config: %w", err)
		}
	}
	if cfg.GroupID == 0 && acc.ExternalID != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(acc.ExternalID, "-"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("vk: account external id %q is not a community id", acc.ExternalID)
		}
		cfg.GroupID = id
	}
	if cfg.GroupID < 0 {
		cfg.GroupID = -cfg.GroupID
	}
	if cfg.GroupID == 0 {
		return nil, errors.New("vk: community id is missing")
	}
	if token == "" {
		return nil, errors.New("vk: access token is missing")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	if cfg.TokenKind == "" {
		cfg.TokenKind = CommunityToken
	}
	if cfg.BackfillPosts <= 0 {
		cfg.BackfillPosts = 50
	}
	c := &Client{acc: acc, cfg: cfg, base: cfg.BaseURL, token: token, http: opt.HTTPClient,
		limiter: opt.Limiter, wait: opt.LongPollWait, events: newEventSet(4096)}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	if c.limiter == nil {
		c.limiter = limiterFor(token, cfg.TokenKind)
	}
	if c.wait <= 0 {
		c.wait = 25
	}
	return c, nil
}

// Platform implements connector.Connector.
func (c *Client) Platform() data.Platform { return data.VK }

// Account implements connector.Connector.
func (c *Client) Account() data.Account { return c.acc }

func (c *Client) ownerID() int64 { return -c.cfg.GroupID }

var (
	limitersMu sync.Mutex
	limiters   = map[[32]byte]*rate.Limiter{}
)

// limiterFor returns the limiter shared by every Client using the token: VK
// counts calls per token, not per connection.
func limiterFor(token string, kind TokenKind) *rate.Limiter {
	key := sha256.Sum256([]byte(token))
	limitersMu.Lock()
	defer limitersMu.Unlock()
	if l, ok := limiters[key]; ok {
		return l
	}
	perSec := 20
	if kind == UserToken {
		perSec = 3
	}
	l := rate.NewLimiter(rate.Limit(perSec), 1)
	limiters[key] = l
	return l
}

type apiError struct {
	Code int    `json:"error_code"`
	Msg  string `json:"error_msg"`
}

type envelope struct {
	Response json.RawMessage `json:"response"`
	Error    *apiError       `json:"error"`
}

// maxBody bounds a response; the largest legitimate one (100 comments with
// profiles) is well under a megabyte.
const maxBody = 32 << 20

// call invokes an API method with the token and version as POST form
// parameters (never in the URL, so they cannot leak into logs) and decodes
// the "response" member into out.
func (c *Client) call(ctx context.Context, method string, params url.Values, out any) error {
	if err := c.limiter.Wait(ctx); err != nil {
		return &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: method, Msg: err.Error(), Err: err}
	}
	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	form.Set("access_token", c.token)
	form.Set("v", APIVersion)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+method, strings.NewReader(form.Encode()))
	if err != nil {
		return &connector.Error{Kind: connector.Permanent, Platform: data.VK, Method: method, Msg: connector.Redact(err.Error(), c.token)}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return connector.TransportError(data.VK, method, err, c.token)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return connector.TransportError(data.VK, method, err, c.token)
	}
	if e := httpStatusError(method, resp); e != nil {
		return e
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return malformed(method, body, err)
	}
	if env.Error != nil {
		return classify(method, env.Error.Code, connector.Redact(env.Error.Msg, c.token))
	}
	if len(env.Response) == 0 || bytes.Equal(env.Response, []byte("null")) {
		return malformed(method, body, errors.New("no response member"))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		return malformed(method, body, err)
	}
	return nil
}

func httpStatusError(method string, resp *http.Response) error {
	switch {
	case resp.StatusCode == http.StatusOK:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests:
		return &connector.Error{Kind: connector.RateLimited, Platform: data.VK, Method: method, Code: resp.StatusCode,
			Msg: resp.Status, RetryAfter: retryAfterHeader(resp.Header.Get("Retry-After"), time.Second)}
	case resp.StatusCode >= 500:
		// The server may have done the work before failing.
		return &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: method, Code: resp.StatusCode, Msg: resp.Status, Ambiguous: true}
	default:
		return &connector.Error{Kind: connector.Permanent, Platform: data.VK, Method: method, Code: resp.StatusCode, Msg: resp.Status}
	}
}

func retryAfterHeader(v string, def time.Duration) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return def
}

// malformed is a 200 answer that is not the documented JSON: a cut or
// garbled body. A send may have been applied, so it is ambiguous.
func malformed(method string, body []byte, err error) error {
	snippet := body
	if len(snippet) > 120 {
		snippet = snippet[:120]
	}
	return &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: method, Ambiguous: true,
		Msg: fmt.Sprintf("malformed response (%v): %q", err, snippet), Err: err}
}

// Waits VK does not state; chosen so the engine does not hammer the API.
const (
	tooManyRequestsWait = time.Second      // error 6: the per-second quota
	floodControlWait    = 30 * time.Second // error 9: repeated similar actions
)

// classify maps VK error codes (https://dev.vk.com/ru/reference/errors).
func classify(method string, code int, msg string) *connector.Error {
	e := &connector.Error{Platform: data.VK, Method: method, Code: code, Msg: msg}
	switch code {
	case 6:
		e.Kind, e.RetryAfter = connector.RateLimited, tooManyRequestsWait
	case 9:
		e.Kind, e.RetryAfter = connector.RateLimited, floodControlWait
	case 1, 10:
		e.Kind = connector.Transient
	case 5:
		e.Kind = connector.AuthFailed
	case 14, 15, 17:
		e.Kind = connector.UserVisible
	default:
		e.Kind = connector.Permanent
	}
	return e
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ExternalID is the id of a VK wall object (post or comment) as stored:
// "<owner_id>_<id>".
func ExternalID(ownerID, id int64) string { return itoa(ownerID) + "_" + itoa(id) }

// ParseExternalID splits "<owner_id>_<id>".
func ParseExternalID(s string) (ownerID, id int64, err error) {
	o, i, ok := strings.Cut(s, "_")
	if !ok {
		return 0, 0, fmt.Errorf("vk: %q is not an <owner>_<id> id", s)
	}
	if ownerID, err = strconv.ParseInt(o, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("vk: %q: bad owner id", s)
	}
	if id, err = strconv.ParseInt(i, 10, 64); err != nil || id <= 0 {
		return 0, 0, fmt.Errorf("vk: %q: bad object id", s)
	}
	return ownerID, id, nil
}

// CommentURL links to a comment; thread is the top-level comment it sits
// under, 0 for a top-level comment.
func CommentURL(ownerID, postID, commentID, thread int64) string {
	u := "https://vk.com/wall" + ExternalID(ownerID, postID) + "?reply=" + itoa(commentID)
	if thread != 0 && thread != commentID {
		u += "&thread=" + itoa(thread)
	}
	return u
}

// PostURL links to a post.
func PostURL(ownerID, postID int64) string {
	return "https://vk.com/wall" + ExternalID(ownerID, postID)
}
