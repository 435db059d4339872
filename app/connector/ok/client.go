// Package ok reads comments from an Odnoklassniki group through the public
// REST API (api.ok.ru/fb.do): discussions.getList for the group's topics,
// discussions.getComments for the comments under each. The public API offers
// no way for an application to comment on a group topic, so this connector
// only pulls.
package ok

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

// DefaultBaseURL is the OK REST endpoint.
const DefaultBaseURL = "https://api.ok.ru/fb.do"

// Config is the non-secret part of an account's settings (data.Account.Config).
type Config struct {
	BaseURL        string `json:"base_url,omitempty"`
	ApplicationKey string `json:"application_key"` // public key of the registered application
	GroupID        string `json:"group_id,omitempty"`
}

// Client is one OK group. The access token and the application's secret
// key are both secrets and never appear in errors.
type Client struct {
	acc    data.Account
	cfg    Config
	token  string
	secret string
	http   *http.Client
}

// New makes a Client for acc; acc.Config holds a Config.
func New(acc data.Account, accessToken, secretKey string, hc *http.Client) (*Client, error) {
	var cfg Config
	if strings.TrimSpace(acc.Config) != "" {
		if err := json.Unmarshal([]byte(acc.Config), &cfg); err != nil {
			return nil, fmt.Errorf("ok: account config: %w", err)
		}
	}
	if cfg.GroupID == "" {
		cfg.GroupID = acc.ExternalID
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	switch {
	case cfg.ApplicationKey == "":
		return nil, errors.New("ok: application_key is missing")
	case accessToken == "" || secretKey == "":
		return nil, errors.New("ok: access token or application secret key is missing")
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{acc: acc, cfg: cfg, token: accessToken, secret: secretKey, http: hc}, nil
}

// Platform implements connector.Connector.
func (c *Client) Platform() data.Platform { return data.OK }

// Account implements connector.Connector.
func (c *Client) Account() data.Account { return c.acc }

// Sign computes OK's request signature: the parameters other than
// access_token, session_key and sig, sorted by name and written as "k=v"
// with no separator, followed by md5(access_token + secret key); the md5 of
// that, in lowercase hex.
func Sign(params url.Values, accessToken, secretKey string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		switch k {
		case "access_token", "session_key", "sig":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params.Get(k))
	}
	inner := md5.Sum([]byte(accessToken + secretKey))
	b.WriteString(hex.EncodeToString(inner[:]))
	sum := md5.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

type apiError struct {
	Code *int   `json:"error_code"`
	Msg  string `json:"error_msg"`
}

// call invokes a method and decodes the JSON answer into out.
func (c *Client) call(ctx context.Context, method string, params url.Values, out any) error {
	p := url.Values{}
	for k, v := range params {
		p[k] = v
	}
	p.Set("method", method)
	p.Set("application_key", c.cfg.ApplicationKey)
	p.Set("format", "json")
	p.Set("sig", Sign(p, c.token, c.secret))
	p.Set("access_token", c.token)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL, strings.NewReader(p.Encode()))
	if err != nil {
		return &connector.Error{Kind: connector.Permanent, Platform: data.OK, Method: method, Msg: connector.Redact(err.Error(), c.token, c.secret)}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return connector.TransportError(data.OK, method, err, c.token, c.secret)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return connector.TransportError(data.OK, method, err, c.token, c.secret)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &connector.Error{Kind: connector.RateLimited, Platform: data.OK, Method: method, Code: resp.StatusCode, Msg: resp.Status, RetryAfter: time.Second}
	case resp.StatusCode >= 500:
		return &connector.Error{Kind: connector.Transient, Platform: data.OK, Method: method, Code: resp.StatusCode, Msg: resp.Status, Ambiguous: true}
	case resp.StatusCode != http.StatusOK:
		return &connector.Error{Kind: connector.Permanent, Platform: data.OK, Method: method, Code: resp.StatusCode, Msg: resp.Status}
	}
	var ae apiError
	if json.Unmarshal(body, &ae) == nil && ae.Code != nil {
		return classify(method, *ae.Code, connector.Redact(ae.Msg, c.token, c.secret))
	}
	if err := json.Unmarshal(body, out); err != nil {
		if len(body) > 120 {
			body = body[:120]
		}
		return &connector.Error{Kind: connector.Transient, Platform: data.OK, Method: method, Ambiguous: true,
			Msg: fmt.Sprintf("malformed response (%v): %q", err, body), Err: err}
	}
	return nil
}

// classify maps OK error codes (https://apiok.ru/dev/errors).
func classify(method string, code int, msg string) *connector.Error {
	e := &connector.Error{Platform: data.OK, Method: method, Code: code, Msg: msg}
	switch code {
	case 1, 2: // UNKNOWN, SERVICE: temporary trouble on OK's side
		e.Kind = connector.Transient
	case 8: // FLOOD_BLOCKED
		e.Kind, e.RetryAfter = connector.RateLimited, 30*time.Second
	case 101, 102, 103, 104: // PARAM_API_KEY, PARAM_SESSION_EXPIRED, PARAM_SESSION_KEY, PARAM_SIGNATURE
		e.Kind = connector.AuthFailed
	case 7, 9: // ACTION_BLOCKED (captcha), IP_BLOCKED
		e.Kind = connector.UserVisible
	default: // 3 METHOD, 10 PERMISSION_DENIED, 100 PARAM, …
		e.Kind = connector.Permanent
	}
	return e
}

// okTime parses OK's "2006-01-02 15:04:05" dates, given in Moscow time.
func okTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.FixedZone("MSK", 3*3600))
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q", s)
	}
	return t.UTC(), nil
}

// flexID accepts ids sent as strings or numbers.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("id is neither a string nor a number")
	}
	*f = flexID(n.String())
	return nil
}

type discussion struct {
	ObjectType    string `json:"object_type"`
	ObjectID      flexID `json:"object_id"`
	Title         string `json:"title"`
	Message       string `json:"message"`
	CreationDate  string `json:"creation_date"`
	TotalComments *int   `json:"total_comments_count"`
}

type okComment struct {
	ID               flexID  `json:"id"`
	Text             *string `json:"text"`
	AuthorID         flexID  `json:"author_id"`
	AuthorName       string  `json:"author_name"`
	Date             string  `json:"date"`
	ReplyToCommentID flexID  `json:"reply_to_comment_id"`
	Deleted          bool    `json:"deleted"`
	Attachments      []struct {
		Type string `json:"type"`
	} `json:"attachments"`
}

type ref struct {
	Type string `json:"t"`
	ID   string `json:"i"`
}

// PostExternalID is a discussion's external id: "<object_type>:<object_id>".
func PostExternalID(objectType, objectID string) string { return objectType + ":" + objectID }

func (c *Client) topicURL(r ref) string {
	if r.Type == "GROUP_TOPIC" && c.cfg.GroupID != "" {
		return "https://ok.ru/group/" + c.cfg.GroupID + "/topic/" + r.ID
	}
	return ""
}

type listAnswer struct {
	Discussions []json.RawMessage `json:"discussions"`
	Anchor      string            `json:"anchor"`
	HasMore     bool              `json:"has_more"`
}

type commentsAnswer struct {
	Comments []json.RawMessage `json:"comments"`
	Anchor   string            `json:"anchor"`
	HasMore  bool              `json:"has_more"`
}

// parseComments converts a discussions.getComments answer.
func parseComments(body []byte, acc data.Account, topic ref, topicURL string) (commentsAnswer, []data.Message, []connector.Bad, error) {
	var a commentsAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return a, nil, nil, err
	}
	var msgs []data.Message
	var bad []connector.Bad
	for _, raw := range a.Comments {
		var cm okComment
		err := json.Unmarshal(raw, &cm)
		if err == nil && cm.ID == "" {
			err = errors.New("comment without id")
		}
		var at time.Time
		if err == nil && cm.Date != "" {
			at, err = okTime(cm.Date)
		}
		if err != nil {
			bad = append(bad, connector.Bad{Raw: raw, Reason: "ok comment: " + err.Error()})
			continue
		}
		m := data.Message{Platform: data.OK, AccountID: acc.ID, ExternalID: string(cm.ID),
			PostExternalID: PostExternalID(topic.Type, topic.ID), ParentExternalID: string(cm.ReplyToCommentID),
			AuthorExternalID: string(cm.AuthorID), AuthorName: cm.AuthorName, CreatedAt: at,
			Deleted: cm.Deleted || cm.Text == nil, URL: topicURL}
		if cm.Text != nil && !cm.Deleted {
			m.Text = *cm.Text
		}
		for _, att := range cm.Attachments {
			if att.Type != "" {
				m.Attachments = append(m.Attachments, data.Attachment{Type: strings.ToLower(att.Type)})
			}
		}
		msgs = append(msgs, m)
	}
	return a, msgs, bad, nil
}

type cursor struct {
	ListAnchor    string `json:"la,omitempty"`
	ListDone      bool   `json:"ld,omitempty"`
	Pending       []ref  `json:"q,omitempty"`
	CommentAnchor string `json:"ca,omitempty"`
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, &connector.Error{Kind: connector.Permanent, Platform: data.OK, Method: "backfill", Msg: "bad cursor " + strconv.Quote(s)}
	}
	return c, nil
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

const pageSize = 100

// Backfill implements connector.Backfiller. Each call is one step: a page
// of discussions (which become Posts), or a page of one discussion's
// comments, following OK's anchors.
func (c *Client) Backfill(ctx context.Context, cur string) (connector.Page, error) {
	st, err := decodeCursor(cur)
	if err != nil {
		return connector.Page{}, err
	}
	var page connector.Page
	switch {
	case len(st.Pending) > 0:
		topic := st.Pending[0]
		p := url.Values{"discussionId": {topic.ID}, "discussionType": {topic.Type}, "count": {strconv.Itoa(pageSize)}, "direction": {"FORWARD"}}
		if st.CommentAnchor != "" {
			p.Set("anchor", st.CommentAnchor)
		}
		var raw json.RawMessage
		if err := c.call(ctx, "discussions.getComments", p, &raw); err != nil {
			return connector.Page{}, err
		}
		a, msgs, bad, err := parseComments(raw, c.acc, topic, c.topicURL(topic))
		if err != nil {
			return connector.Page{}, &connector.Error{Kind: connector.Transient, Platform: data.OK, Method: "discussions.getComments", Msg: err.Error(), Ambiguous: true}
		}
		page.Messages, page.Quarantine = msgs, bad
		if a.HasMore && len(a.Comments) > 0 && a.Anchor != "" && a.Anchor != st.CommentAnchor {
			st.CommentAnchor = a.Anchor
		} else {
			st.Pending, st.CommentAnchor = st.Pending[1:], ""
		}
	case !st.ListDone:
		p := url.Values{"count": {strconv.Itoa(pageSize)}}
		if c.cfg.GroupID != "" {
			p.Set("gid", c.cfg.GroupID)
		}
		if st.ListAnchor != "" {
			p.Set("anchor", st.ListAnchor)
		}
		var a listAnswer
		if err := c.call(ctx, "discussions.getList", p, &a); err != nil {
			return connector.Page{}, err
		}
		for _, raw := range a.Discussions {
			var d discussion
			if err := json.Unmarshal(raw, &d); err != nil || d.ObjectID == "" || d.ObjectType == "" {
				reason := "discussion without type or id"
				if err != nil {
					reason = err.Error()
				}
				page.Quarantine = append(page.Quarantine, connector.Bad{Raw: raw, Reason: "ok discussion: " + reason})
				continue
			}
			r := ref{Type: d.ObjectType, ID: string(d.ObjectID)}
			post := data.Post{AccountID: c.acc.ID, Platform: data.OK, ExternalID: PostExternalID(r.Type, r.ID),
				Text: strings.TrimSpace(d.Title + "\n" + d.Message), URL: c.topicURL(r), Kind: "post"}
			if d.CreationDate != "" {
				post.CreatedAt, _ = okTime(d.CreationDate)
			}
			page.Posts = append(page.Posts, post)
			if d.TotalComments == nil || *d.TotalComments > 0 {
				st.Pending = append(st.Pending, r)
			}
		}
		st.ListDone = !a.HasMore || len(a.Discussions) == 0 || a.Anchor == "" || a.Anchor == st.ListAnchor
		st.ListAnchor = a.Anchor
	}
	page.More = len(st.Pending) > 0 || !st.ListDone
	page.Cursor = st.encode()
	return page, nil
}

var (
	_ connector.Connector  = (*Client)(nil)
	_ connector.Backfiller = (*Client)(nil)
)
