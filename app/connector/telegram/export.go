package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

// ExportResult is a whole parsed export (see ParseExport).
type ExportResult struct {
	Name       string
	Type       string // personal_chat, private_group, public_supergroup, public_channel…
	ChatID     int64  // in Bot API form (-100… for supergroups and channels)
	Posts      []data.Post
	Messages   []data.Message
	Service    int // service messages skipped (joins, pins…)
	Quarantine []connector.Bad
}

// ExportItem is one message of an export: exactly one of Post and Message
// is set.
type ExportItem struct {
	Post    *data.Post
	Message *data.Message
}

// ExportSummary is what StreamExport learned besides the items.
type ExportSummary struct {
	Name       string
	Type       string
	ChatID     int64
	Items      int
	Service    int
	Quarantine []connector.Bad
}

// ParseExport reads a Telegram Desktop "Export chat history" result.json
// into memory. For very large exports use StreamExport.
func ParseExport(r io.Reader) (ExportResult, error) {
	var res ExportResult
	sum, err := StreamExport(r, func(it ExportItem) error {
		if it.Post != nil {
			res.Posts = append(res.Posts, *it.Post)
		} else {
			res.Messages = append(res.Messages, *it.Message)
		}
		return nil
	})
	res.Name, res.Type, res.ChatID, res.Service, res.Quarantine = sum.Name, sum.Type, sum.ChatID, sum.Service, sum.Quarantine
	return res, err
}

type exportText struct{ s string }

// UnmarshalJSON accepts a plain string or an array of strings and entity
// objects {"type": "bold", "text": "…"}.
func (t *exportText) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		t.s = s
		return nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return errors.New("text is neither a string nor an array")
	}
	var sb strings.Builder
	for _, p := range parts {
		var ps string
		if json.Unmarshal(p, &ps) == nil {
			sb.WriteString(ps)
			continue
		}
		var ent struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(p, &ent); err != nil {
			return errors.New("text part is neither a string nor an entity")
		}
		sb.WriteString(ent.Text)
	}
	t.s = sb.String()
	return nil
}

type exportMessage struct {
	ID            int64       `json:"id"`
	Type          string      `json:"type"`
	Date          string      `json:"date"`
	DateUnix      string      `json:"date_unixtime"`
	From          *string     `json:"from"`
	FromID        string      `json:"from_id"`
	Text          exportText  `json:"text"`
	TextEntities  []entityRaw `json:"text_entities"`
	ReplyTo       int64       `json:"reply_to_message_id"`
	ForwardedFrom *string     `json:"forwarded_from"`
	Photo         string      `json:"photo"`
	File          string      `json:"file"`
	FileName      string      `json:"file_name"`
	MediaType     string      `json:"media_type"`
	StickerEmoji  string      `json:"sticker_emoji"`
	EditedUnix    string      `json:"edited_unixtime"`
}

type entityRaw struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// botAPIChatID converts an export's chat id to the Bot API form used by the
// live connector, so an import and live polling key the same rows alike.
func botAPIChatID(typ string, id int64) int64 {
	switch {
	case strings.HasSuffix(typ, "supergroup"), strings.HasSuffix(typ, "channel"):
		v, err := strconv.ParseInt("-100"+strconv.FormatInt(id, 10), 10, 64)
		if err == nil {
			return v
		}
	case typ == "private_group":
		return -id
	}
	return id
}

// peerID converts "user123" / "channel456" / "chat789" to a Bot API id.
func peerID(s string) string {
	switch {
	case strings.HasPrefix(s, "user"):
		return strings.TrimPrefix(s, "user")
	case strings.HasPrefix(s, "channel"):
		return "-100" + strings.TrimPrefix(s, "channel")
	case strings.HasPrefix(s, "chat"):
		return "-" + strings.TrimPrefix(s, "chat")
	}
	return s
}

// moscow is Telegram Desktop's local time when date_unixtime is missing
// (exports before 2022); the office works in Moscow time.
var moscow = time.FixedZone("MSK", 3*3600)

func (m *exportMessage) created() (time.Time, error) {
	if m.DateUnix != "" {
		n, err := strconv.ParseInt(m.DateUnix, 10, 64)
		if err != nil || n <= 0 {
			return time.Time{}, fmt.Errorf("bad date_unixtime %q", m.DateUnix)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", m.Date, moscow)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q", m.Date)
	}
	return t.UTC(), nil
}

func (m *exportMessage) attachments() []data.Attachment {
	var out []data.Attachment
	if m.Photo != "" {
		out = append(out, data.Attachment{Type: "photo", Title: m.Photo})
	}
	if m.File != "" || m.MediaType != "" {
		title := m.FileName
		if title == "" {
			title = m.File
		}
		switch m.MediaType {
		case "sticker":
			out = append(out, data.Attachment{Type: "sticker", Title: m.StickerEmoji})
		case "video_file", "video_message", "animation":
			out = append(out, data.Attachment{Type: "video", Title: title})
		case "voice_message":
			out = append(out, data.Attachment{Type: "audio", Title: "Голосовое сообщение"})
		case "audio_file":
			out = append(out, data.Attachment{Type: "audio", Title: title})
		default:
			out = append(out, data.Attachment{Type: "doc", Title: title})
		}
	}
	return out
}

// exportState threads replies under posts as the stream goes by: replies
// always come after what they answer.
type exportState struct {
	typ    string
	chatID int64
	root   map[int64]int64 // message id → the post it is under (0: none)
	posts  map[int64]bool
}

func (st *exportState) convert(raw []byte) (ExportItem, bool, error) {
	var m exportMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return ExportItem{}, false, err
	}
	if m.Type == "service" {
		return ExportItem{}, true, nil
	}
	if m.Type != "message" {
		return ExportItem{}, false, fmt.Errorf("unknown message type %q", m.Type)
	}
	if m.ID <= 0 {
		return ExportItem{}, false, errors.New("message without id")
	}
	at, err := m.created()
	if err != nil {
		return ExportItem{}, false, err
	}
	text := m.Text.s
	if text == "" && len(m.TextEntities) > 0 {
		var sb strings.Builder
		for _, e := range m.TextEntities {
			sb.WriteString(e.Text)
		}
		text = sb.String()
	}
	key := ChatKey(st.chatID, m.ID)
	url := MessageURL(st.chatID, "", m.ID)
	isChannel := strings.HasSuffix(st.typ, "channel")
	fromChannel := strings.HasPrefix(m.FromID, "channel")
	// A channel's own messages, and in its discussion group the channel's
	// forwarded posts, are what residents comment on.
	if isChannel || (fromChannel && m.ForwardedFrom != nil) || (fromChannel && m.ReplyTo == 0 && strings.HasSuffix(st.typ, "supergroup")) {
		st.posts[m.ID] = true
		st.root[m.ID] = m.ID
		kind := "post"
		if m.Photo != "" {
			kind = "photo"
		} else if m.MediaType == "video_file" {
			kind = "video"
		}
		return ExportItem{Post: &data.Post{Platform: data.Telegram, ExternalID: key, Text: text, URL: url, Kind: kind, CreatedAt: at}}, false, nil
	}
	msg := &data.Message{Platform: data.Telegram, ExternalID: key, AuthorExternalID: peerID(m.FromID),
		Text: text, URL: url, Attachments: m.attachments(), CreatedAt: at}
	if m.From != nil {
		msg.AuthorName = *m.From
	}
	if m.ReplyTo > 0 {
		root := st.root[m.ReplyTo]
		if root != 0 {
			msg.PostExternalID = ChatKey(st.chatID, root)
		}
		if !st.posts[m.ReplyTo] {
			msg.ParentExternalID = ChatKey(st.chatID, m.ReplyTo)
		}
		st.root[m.ID] = root
	}
	return ExportItem{Message: msg}, false, nil
}

// StreamExport reads result.json token by token, calling fn for each
// message as it is decoded, so memory stays flat on a 500 MB export. A
// malformed message is quarantined; a broken JSON structure stops the read
// with an error saying where, after fn has seen everything before it.
func StreamExport(r io.Reader, fn func(ExportItem) error) (ExportSummary, error) {
	var sum ExportSummary
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return sum, fmt.Errorf("telegram export: %w", err)
	}
	st := &exportState{root: map[int64]int64{}, posts: map[int64]bool{}}
	var rawID int64
	sawMessages := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return sum, fmt.Errorf("telegram export at byte %d: %w", dec.InputOffset(), err)
		}
		key, _ := tok.(string)
		switch key {
		case "name":
			err = dec.Decode(&sum.Name)
		case "type":
			err = dec.Decode(&sum.Type)
		case "id":
			err = dec.Decode(&rawID)
		case "messages":
			if sum.Type == "" {
				// Telegram Desktop writes name, type and id first; without
				// them ids cannot be put in Bot API form.
				return sum, errors.New("telegram export: \"messages\" before the chat's \"type\"")
			}
			sawMessages = true
			st.typ, st.chatID = sum.Type, botAPIChatID(sum.Type, rawID)
			sum.ChatID = st.chatID
			err = streamMessages(dec, st, &sum, fn)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return sum, fmt.Errorf("telegram export: %q at byte %d: %w", key, dec.InputOffset(), err)
		}
	}
	if !sawMessages {
		return sum, errors.New("telegram export: no \"messages\" array; is this result.json from «Экспорт истории чата»?")
	}
	return sum, nil
}

func streamMessages(dec *json.Decoder, st *exportState, sum *ExportSummary, fn func(ExportItem) error) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("message %d: %w", sum.Items+sum.Service+len(sum.Quarantine)+1, err)
		}
		it, service, err := st.convert(raw)
		switch {
		case err != nil:
			sum.Quarantine = append(sum.Quarantine, connector.Bad{Raw: raw, Reason: "telegram export: " + err.Error()})
		case service:
			sum.Service++
		default:
			sum.Items++
			if err := fn(it); err != nil {
				return err
			}
		}
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, tok)
	}
	return nil
}
