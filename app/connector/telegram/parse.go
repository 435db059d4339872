package telegram

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Username  string `json:"username"`
}

type chat struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`
	Title    string `json:"title"`
	Username string `json:"username"`
}

type origin struct {
	Type      string `json:"type"`
	Chat      *chat  `json:"chat"`
	MessageID int64  `json:"message_id"`
}

type file struct {
	FileID   string `json:"file_id"`
	FileName string `json:"file_name"`
	Title    string `json:"title"`
}

type message struct {
	MessageID          int64     `json:"message_id"`
	MessageThreadID    int64     `json:"message_thread_id"`
	From               *user     `json:"from"`
	SenderChat         *chat     `json:"sender_chat"`
	Chat               chat      `json:"chat"`
	Date               int64     `json:"date"`
	Text               string    `json:"text"`
	Caption            string    `json:"caption"`
	IsAutomaticForward bool      `json:"is_automatic_forward"`
	ForwardOrigin      *origin   `json:"forward_origin"`
	ReplyToMessage     *message  `json:"reply_to_message"`
	Photo              []file    `json:"photo"`
	Video              *file     `json:"video"`
	Document           *file     `json:"document"`
	Sticker            *struct{} `json:"sticker"`
	Voice              *file     `json:"voice"`
	Audio              *file     `json:"audio"`
	Animation          *file     `json:"animation"`
	VideoNote          *file     `json:"video_note"`
}

type update struct {
	UpdateID      int64    `json:"update_id"`
	Message       *message `json:"message"`
	EditedMessage *message `json:"edited_message"`
	ChannelPost   *message `json:"channel_post"`
}

// attachments lists the media of a message as placeholders: the Bot API
// gives file ids, not public links.
func (m *message) attachments() []data.Attachment {
	var out []data.Attachment
	if len(m.Photo) > 0 {
		out = append(out, data.Attachment{Type: "photo"})
	}
	if m.Video != nil {
		out = append(out, data.Attachment{Type: "video", Title: m.Video.FileName})
	}
	if m.Animation != nil {
		out = append(out, data.Attachment{Type: "video", Title: "GIF"})
	}
	if m.VideoNote != nil {
		out = append(out, data.Attachment{Type: "video", Title: "Видеосообщение"})
	}
	if m.Document != nil && m.Animation == nil {
		out = append(out, data.Attachment{Type: "doc", Title: m.Document.FileName})
	}
	if m.Sticker != nil {
		out = append(out, data.Attachment{Type: "sticker"})
	}
	if m.Voice != nil {
		out = append(out, data.Attachment{Type: "audio", Title: "Голосовое сообщение"})
	}
	if m.Audio != nil {
		out = append(out, data.Attachment{Type: "audio", Title: m.Audio.Title})
	}
	return out
}

func (m *message) body() string {
	if m.Text != "" {
		return m.Text
	}
	return m.Caption
}

// MessageURL links to a message: by username for public chats, by the
// internal id (the chat id without -100) for private supergroups and
// channels; "" for basic groups and private chats, which have no links.
func MessageURL(chatID int64, username string, messageID int64) string {
	if username != "" {
		return "https://t.me/" + username + "/" + strconv.FormatInt(messageID, 10)
	}
	if s := strconv.FormatInt(chatID, 10); strings.HasPrefix(s, "-100") {
		return "https://t.me/c/" + s[4:] + "/" + strconv.FormatInt(messageID, 10)
	}
	return ""
}

// parsed is what one update contributes.
type parsed struct {
	Post    *data.Post
	Message *data.Message
}

// errSkip marks an update that is valid but not ours to ingest (service
// messages, other chats).
var errSkip = errors.New("skip")

// convert turns one update into a post or a message under cfg.
func convert(u update, acc data.Account, cfg Config) (parsed, error) {
	m := u.Message
	if m == nil {
		m = u.EditedMessage
	}
	if m == nil && u.ChannelPost != nil {
		// With a discussion group the post arrives again as its automatic
		// forward, which is what comments thread under; take that one.
		if cfg.ChatID != 0 {
			return parsed{}, errSkip
		}
		p, err := channelPost(u.ChannelPost, acc)
		return parsed{Post: p}, err
	}
	if m == nil {
		return parsed{}, errSkip
	}
	if m.MessageID <= 0 || m.Chat.ID == 0 {
		return parsed{}, errors.New("message without id or chat")
	}
	isGroup := m.Chat.Type == "group" || m.Chat.Type == "supergroup"
	if isGroup && cfg.ChatID != 0 && m.Chat.ID != cfg.ChatID {
		return parsed{}, errSkip
	}
	if m.Chat.Type == "channel" {
		return parsed{}, errSkip
	}
	if m.IsAutomaticForward && m.ForwardOrigin != nil && m.ForwardOrigin.Type == "channel" {
		p := &data.Post{AccountID: acc.ID, Platform: data.Telegram, ExternalID: ChatKey(m.Chat.ID, m.MessageID),
			Text: m.body(), Kind: postKind(m), CreatedAt: unix(m.Date)}
		if ch := m.ForwardOrigin.Chat; ch != nil {
			p.URL = MessageURL(ch.ID, ch.Username, m.ForwardOrigin.MessageID)
		}
		if p.URL == "" {
			p.URL = MessageURL(m.Chat.ID, m.Chat.Username, m.MessageID)
		}
		return parsed{Post: p}, nil
	}
	text, atts := m.body(), m.attachments()
	if text == "" && len(atts) == 0 {
		return parsed{}, errSkip // joins, pins and other service messages
	}
	out := &data.Message{Platform: data.Telegram, AccountID: acc.ID, ExternalID: ChatKey(m.Chat.ID, m.MessageID),
		Text: text, Attachments: atts, CreatedAt: unix(m.Date), URL: MessageURL(m.Chat.ID, m.Chat.Username, m.MessageID)}
	switch {
	case m.SenderChat != nil:
		out.AuthorExternalID = strconv.FormatInt(m.SenderChat.ID, 10)
		out.AuthorName = m.SenderChat.Title
		// The channel itself or an anonymous admin of the group: the office.
		out.FromOffice = m.SenderChat.ID == cfg.ChannelID || m.SenderChat.ID == m.Chat.ID
	case m.From != nil:
		out.AuthorExternalID = strconv.FormatInt(m.From.ID, 10)
		out.AuthorName = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
		if out.AuthorName == "" {
			out.AuthorName = m.From.Username
		}
	}
	if r := m.ReplyToMessage; r != nil && r.MessageID > 0 {
		if r.IsAutomaticForward {
			out.PostExternalID = ChatKey(m.Chat.ID, r.MessageID)
		} else {
			out.ParentExternalID = ChatKey(m.Chat.ID, r.MessageID)
			if r.MessageThreadID != 0 {
				out.PostExternalID = ChatKey(m.Chat.ID, r.MessageThreadID)
			}
		}
	}
	if out.PostExternalID == "" && m.MessageThreadID != 0 && isGroup {
		out.PostExternalID = ChatKey(m.Chat.ID, m.MessageThreadID)
	}
	if out.ParentExternalID == out.PostExternalID {
		out.ParentExternalID = ""
	}
	return parsed{Message: out}, nil
}

func channelPost(m *message, acc data.Account) (*data.Post, error) {
	if m.MessageID <= 0 || m.Chat.ID == 0 {
		return nil, errors.New("channel post without id or chat")
	}
	return &data.Post{AccountID: acc.ID, Platform: data.Telegram, ExternalID: ChatKey(m.Chat.ID, m.MessageID),
		Text: m.body(), Kind: postKind(m), CreatedAt: unix(m.Date), URL: MessageURL(m.Chat.ID, m.Chat.Username, m.MessageID)}, nil
}

func postKind(m *message) string {
	switch {
	case m.Video != nil:
		return "video"
	case len(m.Photo) > 0:
		return "photo"
	}
	return "post"
}

func unix(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// parseUpdates decodes a getUpdates result into a page. Each update is
// decoded on its own so a bad one is quarantined, and the cursor still moves
// past it. The returned cursor is the next offset, or prev when empty.
func parseUpdates(result []byte, acc data.Account, cfg Config, prev string) (connector.Page, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(result, &raws); err != nil {
		return connector.Page{}, err
	}
	page := connector.Page{Cursor: prev}
	var next int64
	if n, err := strconv.ParseInt(prev, 10, 64); err == nil {
		next = n
	}
	for _, raw := range raws {
		var u update
		if err := json.Unmarshal(raw, &u); err != nil {
			// Still skip past it if the id is readable.
			var id struct {
				UpdateID int64 `json:"update_id"`
			}
			if json.Unmarshal(raw, &id) == nil && id.UpdateID >= next {
				next = id.UpdateID + 1
			}
			page.Quarantine = append(page.Quarantine, connector.Bad{Raw: raw, Reason: "telegram update: " + err.Error()})
			continue
		}
		if u.UpdateID >= next {
			next = u.UpdateID + 1
		}
		p, err := convert(u, acc, cfg)
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			page.Quarantine = append(page.Quarantine, connector.Bad{Raw: raw, Reason: "telegram update: " + err.Error()})
		case p.Post != nil:
			page.Posts = append(page.Posts, *p.Post)
		case p.Message != nil:
			page.Messages = append(page.Messages, *p.Message)
		}
	}
	if next > 0 {
		page.Cursor = strconv.FormatInt(next, 10)
	}
	return page, nil
}
