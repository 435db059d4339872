package simulate

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"otklik/data"
)

type tgMsg struct {
	ID      int64
	Thread  int64 // the forwarded post the comment is under
	ReplyTo int64
	User    int
	Date    int64
	Text    string
	Forward int64 // the channel message this automatic forward copies, 0 if a comment
}

type tgState struct {
	s        *Server
	chatID   int64
	msgs     map[int64]*tgMsg
	forwards []int64 // group ids of the automatic forwards
	nextMsg  int64
	nextChan int64
	updates  []json.RawMessage
	firstID  int64 // update_id of updates[0]
}

const tgUserBase = 380000000

func newTGState(s *Server, now time.Time) *tgState {
	t := &tgState{s: s, chatID: s.opts.ChatID, msgs: map[int64]*tgMsg{}, nextMsg: 1, nextChan: 100, firstID: 700000001}
	for i, text := range posts {
		t.forward(text, now.Add(-time.Duration(len(posts)-i)*24*time.Hour))
	}
	return t
}

func (t *tgState) chat() map[string]any {
	return map[string]any{"id": t.chatID, "type": "supergroup", "title": "Обсуждение — Губернатор Смоленской области"}
}

func (t *tgState) channel() map[string]any {
	return map[string]any{"id": t.s.opts.ChannelID, "type": "channel", "title": "Губернатор Смоленской области", "username": "gubernator67"}
}

// forward publishes a channel post and its automatic forward to the group.
func (t *tgState) forward(text string, at time.Time) int64 {
	chanID := t.nextChan
	t.nextChan++
	m := &tgMsg{ID: t.nextMsg, Date: at.Unix(), Text: text, Forward: chanID}
	t.nextMsg++
	t.msgs[m.ID] = m
	t.forwards = append(t.forwards, m.ID)
	t.push("channel_post", map[string]any{"message_id": chanID, "sender_chat": t.channel(), "chat": t.channel(), "date": m.Date, "text": text})
	t.push("message", t.json(m))
	return chanID
}

func (t *tgState) json(m *tgMsg) map[string]any {
	out := map[string]any{"message_id": m.ID, "chat": t.chat(), "date": m.Date}
	if m.Text != "" {
		out["text"] = m.Text
	}
	if m.Forward != 0 {
		out["from"] = map[string]any{"id": 777000, "is_bot": false, "first_name": "Telegram"}
		out["sender_chat"] = t.channel()
		out["is_automatic_forward"] = true
		out["forward_origin"] = map[string]any{"type": "channel", "chat": t.channel(), "message_id": m.Forward, "date": m.Date}
		return out
	}
	if m.User < 0 {
		out["from"] = map[string]any{"id": 5000000001, "is_bot": true, "first_name": "Отклик", "username": "otklik67_bot"}
	} else {
		r := residents[m.User]
		out["from"] = map[string]any{"id": tgUserBase + m.User, "is_bot": false, "first_name": r.First, "last_name": r.Last}
	}
	if m.Thread != 0 {
		out["message_thread_id"] = m.Thread
	}
	if p := t.msgs[m.ReplyTo]; p != nil {
		out["reply_to_message"] = t.json(&tgMsg{ID: p.ID, Thread: p.Thread, User: p.User, Date: p.Date, Text: p.Text, Forward: p.Forward})
	}
	return out
}

func (t *tgState) push(kind string, msg map[string]any) {
	id := t.firstID + int64(len(t.updates))
	raw, _ := json.Marshal(map[string]any{"update_id": id, kind: msg})
	t.updates = append(t.updates, raw)
}

// comment adds a resident's comment under a post, sometimes answering
// another comment; s.mu is held.
func (t *tgState) comment(now time.Time) {
	r := t.s.rnd
	post := t.forwards[r.IntN(len(t.forwards))]
	m := &tgMsg{ID: t.nextMsg, Thread: post, ReplyTo: post, User: r.IntN(len(residents)), Date: now.Unix(),
		Text: phrases[r.IntN(len(phrases))]}
	t.nextMsg++
	if r.IntN(4) == 0 {
		for id := m.ID - 1; id > 0 && id > m.ID-20; id-- {
			if c := t.msgs[id]; c != nil && c.Thread == post && c.Forward == 0 {
				m.ReplyTo = id
				break
			}
		}
	}
	if r.IntN(10) == 0 && len(t.msgs) > 0 {
		// Now and then someone fixes a typo.
		for id := m.ID - 1; id > 0; id-- {
			if c := t.msgs[id]; c != nil && c.Forward == 0 && c.User >= 0 {
				c.Text += " (исправлено)"
				t.push("edited_message", t.json(c))
				break
			}
		}
	}
	t.msgs[m.ID] = m
	t.push("message", t.json(m))
}

type tgAnswer struct {
	OK          bool           `json:"ok"`
	Result      any            `json:"result,omitempty"`
	ErrorCode   int            `json:"error_code,omitempty"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters,omitempty"`
}

func (s *Server) tgMethod(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	token, ok := strings.CutPrefix(r.PathValue("bot"), "bot")
	var params map[string]json.RawMessage
	if r.Body != nil {
		_ = json.NewDecoder(r.Body).Decode(&params)
	}
	sends := method == "sendMessage" || method == "sendPhoto"
	f, lat := s.takeFault(method, sends)
	s.sleep(r, lat)
	var ans tgAnswer
	switch {
	case !ok || (s.opts.TelegramToken != "" && token != s.opts.TelegramToken):
		ans = tgAnswer{ErrorCode: 401, Description: "Unauthorized"}
	case f == faultRate:
		s.mu.Lock()
		after := s.faults.RetryAfter
		s.mu.Unlock()
		if after <= 0 {
			after = 3
		}
		ans = tgAnswer{ErrorCode: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", after), Parameters: map[string]any{"retry_after": after}}
	case f == fault5xx:
		writeRaw(w, http.StatusBadGateway, []byte("<html>502 Bad Gateway</html>"))
		return
	case method == "getUpdates":
		ans = s.tgUpdates(r, params)
	default:
		s.mu.Lock()
		ans = s.tg.handle(method, params)
		s.dirty = true
		s.mu.Unlock()
		if sends {
			s.saveLogged()
		}
	}
	if f == faultHang && ans.OK {
		hang(w)
		return
	}
	body, _ := json.Marshal(ans)
	if f == faultMalformed {
		body = cut(body)
	}
	status := http.StatusOK
	if !ans.OK {
		status = ans.ErrorCode
	}
	writeRaw(w, status, body)
}

func param[T any](p map[string]json.RawMessage, k string) (T, bool) {
	var v T
	raw, ok := p[k]
	if !ok {
		return v, false
	}
	return v, json.Unmarshal(raw, &v) == nil
}

// tgUpdates serves getUpdates: updates from offset on, waiting up to timeout.
func (s *Server) tgUpdates(r *http.Request, p map[string]json.RawMessage) tgAnswer {
	offset, _ := param[int64](p, "offset")
	timeout, _ := param[int](p, "timeout")
	limit, ok := param[int](p, "limit")
	if !ok || limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.NewTimer(time.Duration(min(max(timeout, 0), 50)) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		t := s.tg
		start := max(offset-t.firstID, 0)
		var out []json.RawMessage
		for i := start; i < int64(len(t.updates)) && len(out) < limit; i++ {
			out = append(out, t.updates[i])
		}
		wake := s.wake
		s.mu.Unlock()
		if len(out) > 0 {
			return tgAnswer{OK: true, Result: out}
		}
		select {
		case <-wake:
		case <-deadline.C:
			return tgAnswer{OK: true, Result: []any{}}
		case <-r.Context().Done():
			return tgAnswer{OK: true, Result: []any{}}
		case <-s.stop:
			return tgAnswer{OK: true, Result: []any{}}
		}
	}
}

func badRequest(desc string) tgAnswer {
	return tgAnswer{ErrorCode: 400, Description: "Bad Request: " + desc}
}

// handle answers a sending method; s.mu is held.
func (t *tgState) handle(method string, p map[string]json.RawMessage) tgAnswer {
	chatID, _ := param[int64](p, "chat_id")
	switch method {
	case "sendMessage", "sendPhoto":
		text, _ := param[string](p, "text")
		if method == "sendPhoto" {
			text, _ = param[string](p, "caption")
		}
		if chatID == t.chatID && t.s.faults.Migrate {
			t.s.faults.Migrate = false
			t.chatID = -1002000000000 - (t.chatID % 1000)
			return tgAnswer{ErrorCode: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat",
				Parameters: map[string]any{"migrate_to_chat_id": t.chatID}}
		}
		item := SentItem{Platform: data.Telegram, Text: text, At: time.Now()}
		switch chatID {
		case t.s.opts.ChannelID:
			if method == "sendPhoto" {
				photo, _ := param[string](p, "photo")
				item.Media = []string{photo}
			} else if strings.TrimSpace(text) == "" {
				return badRequest("message text is empty")
			}
			id := t.forward(text, time.Now())
			item.Kind, item.RemoteID = "post", fmt.Sprintf("%d:%d", chatID, id)
			t.s.sent = append(t.s.sent, item)
			t.s.signal()
			return tgAnswer{OK: true, Result: map[string]any{"message_id": id, "chat": t.channel(), "date": time.Now().Unix(), "text": text}}
		case t.chatID:
			if strings.TrimSpace(text) == "" {
				return badRequest("message text is empty")
			}
			rp, _ := param[struct {
				MessageID int64 `json:"message_id"`
			}](p, "reply_parameters")
			target := t.msgs[rp.MessageID]
			if rp.MessageID != 0 && target == nil {
				return badRequest("message to be replied not found")
			}
			m := &tgMsg{ID: t.nextMsg, User: -1, Date: time.Now().Unix(), Text: text}
			t.nextMsg++
			if target != nil {
				m.ReplyTo, m.Thread = target.ID, target.Thread
				if target.Forward != 0 {
					m.Thread = target.ID
				}
				item.ReplyTo = fmt.Sprintf("%d:%d", chatID, target.ID)
				item.PostID = fmt.Sprintf("%d:%d", chatID, m.Thread)
			}
			t.msgs[m.ID] = m
			item.Kind, item.RemoteID = "reply", fmt.Sprintf("%d:%d", chatID, m.ID)
			t.s.sent = append(t.s.sent, item)
			// A bot does not receive its own messages in getUpdates.
			return tgAnswer{OK: true, Result: t.json(m)}
		}
		return badRequest("chat not found")
	case "deleteMessage":
		id, _ := param[int64](p, "message_id")
		if chatID != t.chatID || t.msgs[id] == nil {
			return badRequest("message to delete not found")
		}
		delete(t.msgs, id)
		return tgAnswer{OK: true, Result: true}
	case "getMe":
		return tgAnswer{OK: true, Result: map[string]any{"id": 5000000001, "is_bot": true, "first_name": "Отклик", "username": "otklik67_bot"}}
	}
	return tgAnswer{ErrorCode: 404, Description: "Not Found"}
}
