package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"otklik/app/connector"
	"otklik/data"
)

// Poll implements connector.Live with getUpdates long polling. The cursor
// is the next offset (last update_id + 1); passing it confirms everything
// before it to Telegram, so the engine must commit a page before polling
// with its cursor. An empty cursor takes what Telegram still holds (up to
// 24 hours of updates).
func (c *Client) Poll(ctx context.Context, cursor string) (connector.Page, error) {
	params := map[string]any{
		"timeout":         c.timeout,
		"allowed_updates": []string{"message", "edited_message", "channel_post"},
	}
	if cursor != "" {
		off, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil {
			return connector.Page{}, &connector.Error{Kind: connector.Permanent, Platform: data.Telegram, Method: "getUpdates", Msg: "bad cursor " + strconv.Quote(cursor)}
		}
		params["offset"] = off
	}
	// The server holds the request up to timeout seconds; allow for that.
	hc := *c.http
	hc.Timeout = time.Duration(c.timeout+15) * time.Second
	var raw rawResult
	if err := c.call(ctx, &hc, "getUpdates", params, &raw); err != nil {
		return connector.Page{}, err
	}
	page, err := parseUpdates(raw, c.Account(), c.config(), cursor)
	if err != nil {
		return connector.Page{}, malformed("getUpdates", 200, raw, err)
	}
	return page, nil
}

// rawResult keeps "result" undecoded.
type rawResult []byte

func (r *rawResult) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

type sentMessage struct {
	MessageID int64 `json:"message_id"`
	Chat      chat  `json:"chat"`
}

// send calls a sending method, following a group's upgrade to a supergroup
// once: the failed call did nothing, so repeating it is safe.
func (c *Client) send(ctx context.Context, method string, params map[string]any) (string, error) {
	for attempt := 0; ; attempt++ {
		var res sentMessage
		err := c.call(ctx, c.http, method, params, &res)
		var mig migrated
		if err != nil && errors.As(err, &mig) && attempt == 0 {
			from, _ := params["chat_id"].(int64)
			if c.migrate(from, mig.to) {
				params["chat_id"] = mig.to
				if rp, ok := params["reply_parameters"].(map[string]any); ok {
					rp["chat_id"] = mig.to
				}
				continue
			}
		}
		if err != nil {
			return "", err
		}
		if res.MessageID <= 0 || res.Chat.ID == 0 {
			return "", malformed(method, 200, nil, errors.New("no message id in answer"))
		}
		return ChatKey(res.Chat.ID, res.MessageID), nil
	}
}

func invalid(method, msg string) error {
	return &connector.Error{Kind: connector.UserVisible, Platform: data.Telegram, Method: method, Msg: msg}
}

// Limits of the Bot API on text length, in characters.
const (
	maxText    = 4096
	maxCaption = 1024
)

// remembered returns the id of a send made earlier in this process.
func (c *Client) remembered(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.sent[key]
	return id, ok
}

func (c *Client) remember(key, id string) {
	if key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sent) > 10000 {
		clear(c.sent) // a bound; the engine records ids durably anyway
	}
	c.sent[key] = id
}

// Reply implements connector.Replier with sendMessage and reply_parameters.
// Telegram takes no idempotency key; a key already sent by this process is
// answered from memory instead of sending again.
func (c *Client) Reply(ctx context.Context, r connector.Reply) (string, error) {
	if id, ok := c.remembered(r.IdempotencyKey); ok {
		return id, nil
	}
	if strings.TrimSpace(r.Text) == "" {
		return "", invalid("sendMessage", "empty reply")
	}
	if utf8.RuneCountInString(r.Text) > maxText {
		return "", invalid("sendMessage", "reply longer than 4096 characters")
	}
	target := r.MessageExternalID
	if target == "" {
		target = r.PostExternalID
	}
	chatID, msgID, err := ParseChatKey(target)
	if err != nil {
		return "", invalid("sendMessage", err.Error())
	}
	id, err := c.send(ctx, "sendMessage", map[string]any{
		"chat_id":          chatID,
		"text":             r.Text,
		"reply_parameters": map[string]any{"message_id": msgID, "chat_id": chatID},
	})
	if err != nil {
		return "", err
	}
	c.remember(r.IdempotencyKey, id)
	return id, nil
}

// FindSent implements connector.Reconciler as far as the Bot API allows: a
// bot cannot read chat history and never receives its own messages in
// getUpdates, so only sends whose answer this process saw are known. For
// anything else it returns connector.ErrUnverifiable, so that the engine
// asks a person instead of risking a duplicate reply.
func (c *Client) FindSent(ctx context.Context, r connector.Reply) (string, bool, error) {
	if id, ok := c.remembered(r.IdempotencyKey); ok {
		return id, true, nil
	}
	return "", false, connector.ErrUnverifiable
}

// Publish implements connector.Publisher: sendPhoto with a caption when
// there is a photo, sendMessage otherwise, to the channel.
func (c *Client) Publish(ctx context.Context, p connector.Publication) (string, error) {
	if id, ok := c.remembered(p.IdempotencyKey); ok {
		return id, nil
	}
	ch := c.config().ChannelID
	if ch == 0 {
		return "", invalid("sendMessage", "no channel to publish to")
	}
	var (
		id  string
		err error
	)
	switch {
	case len(p.Media) > 0:
		if utf8.RuneCountInString(p.Text) > maxCaption {
			return "", invalid("sendPhoto", "caption longer than 1024 characters")
		}
		params := map[string]any{"chat_id": ch, "photo": p.Media[0]}
		if p.Text != "" {
			params["caption"] = p.Text
		}
		id, err = c.send(ctx, "sendPhoto", params)
	case strings.TrimSpace(p.Text) == "":
		return "", invalid("sendMessage", "empty post")
	case utf8.RuneCountInString(p.Text) > maxText:
		return "", invalid("sendMessage", "post longer than 4096 characters")
	default:
		id, err = c.send(ctx, "sendMessage", map[string]any{"chat_id": ch, "text": p.Text})
	}
	if err != nil {
		return "", err
	}
	c.remember(p.IdempotencyKey, id)
	return id, nil
}

// Hide implements connector.Hider with deleteMessage; the bot must be an
// admin of the group with the right to delete messages.
func (c *Client) Hide(ctx context.Context, externalID string) error {
	chatID, msgID, err := ParseChatKey(externalID)
	if err != nil {
		return invalid("deleteMessage", err.Error())
	}
	var ok bool
	return c.call(ctx, c.http, "deleteMessage", map[string]any{"chat_id": chatID, "message_id": msgID}, &ok)
}

var (
	_ connector.Connector  = (*Client)(nil)
	_ connector.Live       = (*Client)(nil)
	_ connector.Replier    = (*Client)(nil)
	_ connector.Reconciler = (*Client)(nil)
	_ connector.Publisher  = (*Client)(nil)
	_ connector.Hider      = (*Client)(nil)
)
