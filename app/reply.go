package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"otklik/data"
	"otklik/data/sqlite"
)

// ReplyLimit is how long a reply may be on a platform and how the network
// counts it.
type ReplyLimit struct {
	Max    int
	UTF16  bool // Telegram counts UTF-16 code units (an emoji is two)
	Portal bool // ПОС: answers are written on the portal itself, not sent by Otklik
}

// ReplyLimitFor gives the platform's limit. Telegram's sendMessage takes
// 1–4096 characters after entity parsing, counted in UTF-16. VK's
// wall.createComment documents no limit of its own; comments longer than
// 16 384 characters are cut by the site, so that is the bound. OK's
// mediatopic comments are held to 4096 to be safe. ПОС answers are
// published by the responsible agency on the portal.
func ReplyLimitFor(p data.Platform) ReplyLimit {
	switch p {
	case data.Telegram:
		return ReplyLimit{Max: 4096, UTF16: true}
	case data.VK:
		return ReplyLimit{Max: 16384}
	case data.OK:
		return ReplyLimit{Max: 4096}
	case data.POS:
		return ReplyLimit{Max: 4000, Portal: true}
	}
	return ReplyLimit{Max: 4096}
}

// Length counts text as the network does.
func (l ReplyLimit) Length(text string) int {
	if l.UTF16 {
		return len(utf16.Encode([]rune(text)))
	}
	return utf8.RuneCountInString(text)
}

// ReplyPayload is the outbox payload of a reply, for the connectors.
type ReplyPayload struct {
	Text     string `json:"text"`
	ReplyTo  string `json:"reply_to"`         // the message's external id
	Post     string `json:"post,omitempty"`   // the post it is under
	Platform string `json:"platform"`         //
	Author   string `json:"author,omitempty"` // the resident's external id (direct messages)
}

// ReplyKey is the idempotency key of a reply: the same text to the same
// message is one reply, however many times Send is clicked.
func ReplyKey(messageID int64, text string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(text)))
	return fmt.Sprintf("reply:%d:%s", messageID, hex.EncodeToString(sum[:8]))
}

// Reply answers a message. On VK, Telegram and OK the reply is written to
// the outbox and the message marked answered in one transaction; the sync
// engine sends it. ПОС answers are published on the portal by the
// responsible agency: Reply then marks the message answered and keeps the
// text as an internal note, and the returned item has ID 0. A reply already
// queued with the same text is returned as is.
func (a *App) Reply(ctx context.Context, messageID int64, text string) (data.OutboxItem, error) {
	return a.reply(ctx, messageID, text, "")
}

// QueueReply is Reply with an idempotency key of the caller's ("" derives it
// from the message and the text): scripts and tests that send the same words
// twice on purpose.
func (a *App) QueueReply(ctx context.Context, messageID int64, text, key string) (data.OutboxItem, error) {
	return a.reply(ctx, messageID, text, key)
}

func (a *App) reply(ctx context.Context, messageID int64, text, key string) (data.OutboxItem, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return data.OutboxItem{}, errors.New("the reply is empty")
	}
	db, err := a.store()
	if err != nil {
		return data.OutboxItem{}, err
	}
	m, err := db.Message(ctx, messageID)
	if err != nil {
		return data.OutboxItem{}, err
	}
	lim := ReplyLimitFor(m.Platform)
	if n := lim.Length(text); n > lim.Max {
		return data.OutboxItem{}, fmt.Errorf("the reply is %d characters long; %s allows %d", n, m.Platform, lim.Max)
	}
	ids := []int64{messageID}
	if lim.Portal {
		err := a.recorded(ctx, ActionPortalAns, ids, func(ctx context.Context, db *sqlite.DB) error {
			if err := db.SetStatus(ctx, ids, data.StatusAnswered, a.now()); err != nil {
				return err
			}
			_, err := db.AddNote(ctx, data.Note{MessageID: messageID, Author: a.User(ctx),
				Text: "Ответ для портала «Решаем вместе»:\n" + text, CreatedAt: a.now()})
			return err
		})
		return data.OutboxItem{}, err
	}
	payload, err := json.Marshal(ReplyPayload{Text: text, ReplyTo: m.ExternalID, Post: m.PostExternalID,
		Platform: string(m.Platform), Author: m.AuthorExternalID})
	if err != nil {
		return data.OutboxItem{}, err
	}
	if key == "" {
		key = ReplyKey(messageID, text)
	}
	it := data.OutboxItem{AccountID: m.AccountID, Kind: "reply", MessageID: messageID,
		IdempotencyKey: key, Payload: string(payload), CreatedAt: a.now().UTC()}
	commit, err := a.remember(ctx, ActionReply, ids)
	if err != nil {
		return data.OutboxItem{}, err
	}
	err = db.EnqueueOutbox(ctx, &it, data.StatusAnswered)
	if errors.Is(err, sqlite.ErrDuplicate) {
		return db.OutboxItem(ctx, it.ID)
	}
	if err != nil {
		return data.OutboxItem{}, err
	}
	commit(it.ID)
	// Wake the account's sender rather than wait for its next outbox poll.
	if st := a.syncState(); st != nil {
		st.engine.Kick(m.AccountID)
	}
	a.publish(Event{Kind: EventMessages})
	return it, nil
}

// MessageOutbox lists the replies queued for a message with their state,
// so the detail pane shows queued / sent / failed and the error.
func (a *App) MessageOutbox(ctx context.Context, messageID int64) ([]data.OutboxItem, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return db.MessageOutbox(ctx, messageID)
}

// RetryOutbox puts a failed reply back in the queue; the sync engine tries
// it at once.
func (a *App) RetryOutbox(ctx context.Context, id int64) error {
	return a.change(ctx, func(ctx context.Context) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		return db.RetryOutbox(ctx, id)
	})
}

// ReplyText is the text of a queued reply, read from its payload.
func ReplyText(it data.OutboxItem) string {
	var p ReplyPayload
	if json.Unmarshal([]byte(it.Payload), &p) != nil {
		return ""
	}
	return p.Text
}
