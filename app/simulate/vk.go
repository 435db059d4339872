package simulate

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"otklik/data"
)

type vkComment struct {
	ID       int64
	PostID   int64
	FromID   int64
	Date     int64
	Text     string
	Thread   int64 // the top-level comment it sits under, 0 if top level
	ReplyTo  int64
	Deleted  bool
	Children []int64
}

type vkEvent struct {
	TS  int64
	Raw json.RawMessage
}

type vkState struct {
	s        *Server
	owner    int64
	posts    []int64
	postText map[int64]string
	postDate map[int64]int64
	comments map[int64]*vkComment
	top      map[int64][]int64 // post → top-level comment ids in order
	nextID   int64
	nextPost int64
	guids    map[string]int64
	postGUID map[string]int64
	events   []vkEvent
	ts       int64 // the next event's number
	key      string
}

const vkUserBase = 512000000

func newVKState(s *Server, now time.Time) *vkState {
	v := &vkState{s: s, owner: -s.opts.VKGroupID, postText: map[int64]string{}, postDate: map[int64]int64{},
		comments: map[int64]*vkComment{}, top: map[int64][]int64{}, nextID: 1, nextPost: 1000,
		guids: map[string]int64{}, postGUID: map[string]int64{}, ts: 1, key: "k" + strconv.FormatUint(s.rnd.Uint64(), 36)}
	for i, text := range posts {
		id := v.nextPost
		v.nextPost++
		v.posts = append(v.posts, id)
		v.postText[id] = text
		v.postDate[id] = now.Add(-time.Duration(len(posts)-i) * 24 * time.Hour).Unix()
	}
	return v
}

// comment adds one resident's comment; s.mu is held.
func (v *vkState) comment(now time.Time) {
	r := v.s.rnd
	post := v.posts[r.IntN(len(v.posts))]
	c := &vkComment{ID: v.nextID, PostID: post, FromID: vkUserBase + int64(r.IntN(len(residents))),
		Date: now.Unix(), Text: phrases[r.IntN(len(phrases))]}
	v.nextID++
	if tops := v.top[post]; len(tops) > 0 && r.IntN(5) == 0 {
		root := v.comments[tops[r.IntN(len(tops))]]
		c.Thread, c.ReplyTo = root.ID, root.ID
		root.Children = append(root.Children, c.ID)
	} else {
		v.top[post] = append(v.top[post], c.ID)
	}
	v.comments[c.ID] = c
	v.event("wall_reply_new", v.commentJSON(c, true))
}

func (v *vkState) event(typ string, obj any) {
	raw, _ := json.Marshal(map[string]any{"type": typ, "object": obj, "group_id": v.s.opts.VKGroupID,
		"event_id": fmt.Sprintf("%x", v.ts*2654435761), "v": "5.199"})
	v.events = append(v.events, vkEvent{TS: v.ts, Raw: raw})
	v.ts++
	if len(v.events) > 5000 {
		v.events = v.events[len(v.events)-5000:]
	}
}

func (v *vkState) commentJSON(c *vkComment, lp bool) map[string]any {
	m := map[string]any{"id": c.ID, "from_id": c.FromID, "post_id": c.PostID, "owner_id": v.owner, "date": c.Date,
		"parents_stack": []int64{}}
	if c.Deleted {
		m["deleted"] = true
		m["text"] = ""
	} else {
		m["text"] = c.Text
	}
	if c.Thread != 0 {
		m["parents_stack"] = []int64{c.Thread}
	}
	if c.ReplyTo != 0 && c.ReplyTo != c.Thread {
		m["reply_to_comment"] = c.ReplyTo
		m["reply_to_user"] = v.comments[c.ReplyTo].FromID
	}
	if lp {
		m["post_owner_id"] = v.owner
	}
	return m
}

type vkAnswer struct {
	Response any `json:"response,omitempty"`
	Error    any `json:"error,omitempty"`
}

func vkError(code int, msg string) vkAnswer {
	return vkAnswer{Error: map[string]any{"error_code": code, "error_msg": msg, "request_params": []any{}}}
}

func (s *Server) vkMethod(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	_ = r.ParseForm()
	sends := method == "wall.createComment" || method == "wall.post"
	f, lat := s.takeFault(method, sends)
	s.sleep(r, lat)
	var ans vkAnswer
	switch {
	case f == faultRate:
		ans = vkError(6, "Too many requests per second")
	case f == fault5xx:
		writeRaw(w, http.StatusBadGateway, []byte("<html>502 Bad Gateway</html>"))
		return
	case s.opts.VKToken != "" && r.PostForm.Get("access_token") != s.opts.VKToken:
		ans = vkError(5, "User authorization failed: invalid access_token (4).")
	case r.PostForm.Get("v") == "":
		ans = vkError(8, "Invalid request: v (version) is required")
	default:
		s.mu.Lock()
		ans = s.vk.handle(method, r.PostForm)
		s.signal()
		s.dirty = s.dirty || method != "wall.get" && method != "wall.getComments"
		s.mu.Unlock()
		if sends {
			s.saveLogged() // a guid seen is kept before the sender learns of it
		}
	}
	if f == faultHang {
		hang(w)
		return
	}
	body, _ := json.Marshal(ans)
	if f == faultMalformed {
		body = cut(body)
	}
	writeRaw(w, http.StatusOK, body)
}

func formInt(f map[string][]string, k string, def int64) int64 {
	if vs := f[k]; len(vs) > 0 {
		if n, err := strconv.ParseInt(vs[0], 10, 64); err == nil {
			return n
		}
	}
	return def
}

func formStr(f map[string][]string, k string) string {
	if vs := f[k]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// handle answers one API method; s.mu is held.
func (v *vkState) handle(method string, f map[string][]string) vkAnswer {
	switch method {
	case "groups.getLongPollServer":
		if formInt(f, "group_id", 0) != v.s.opts.VKGroupID {
			return vkError(100, "One of the parameters specified was missing or invalid: group_id")
		}
		return vkAnswer{Response: map[string]any{"server": v.s.base + "/vk/lp", "key": v.key, "ts": strconv.FormatInt(v.ts, 10)}}
	case "wall.get":
		return v.wallGet(f)
	case "wall.getComments":
		return v.getComments(f)
	case "wall.createComment":
		return v.createComment(f)
	case "wall.post":
		return v.post(f)
	case "wall.deleteComment":
		c := v.comments[formInt(f, "comment_id", 0)]
		if c == nil || c.Deleted {
			return vkError(100, "One of the parameters specified was missing or invalid: comment_id")
		}
		c.Deleted = true
		v.event("wall_reply_delete", map[string]any{"owner_id": v.owner, "id": c.ID, "deleter_id": 1, "post_id": c.PostID})
		return vkAnswer{Response: 1}
	}
	return vkError(3, "Unknown method passed")
}

func (v *vkState) wallGet(f map[string][]string) vkAnswer {
	if formInt(f, "owner_id", 0) != v.owner {
		return vkError(15, "Access denied: wall is disabled")
	}
	off, cnt := formInt(f, "offset", 0), min(formInt(f, "count", 20), 100)
	var items []any
	// Newest first, as VK lists a wall.
	for i := int64(len(v.posts)) - 1 - off; i >= 0 && int64(len(items)) < cnt; i-- {
		id := v.posts[i]
		n := len(v.top[id])
		for _, t := range v.top[id] {
			n += len(v.comments[t].Children)
		}
		items = append(items, map[string]any{"id": id, "owner_id": v.owner, "from_id": v.owner, "date": v.postDate[id],
			"text": v.postText[id], "post_type": "post", "comments": map[string]any{"count": n, "can_post": 1}})
	}
	if items == nil {
		items = []any{}
	}
	return vkAnswer{Response: map[string]any{"count": len(v.posts), "items": items}}
}

func (v *vkState) getComments(f map[string][]string) vkAnswer {
	post := formInt(f, "post_id", 0)
	if _, ok := v.postText[post]; !ok || formInt(f, "owner_id", 0) != v.owner {
		return vkError(100, "One of the parameters specified was missing or invalid: post_id")
	}
	off, cnt := formInt(f, "offset", 0), min(formInt(f, "count", 10), 100)
	inline := min(formInt(f, "thread_items_count", 0), 10)
	level := v.top[post]
	if root := formInt(f, "comment_id", 0); root != 0 {
		c := v.comments[root]
		if c == nil || c.PostID != post {
			return vkError(100, "One of the parameters specified was missing or invalid: comment_id")
		}
		level, inline = c.Children, 0
	}
	ids := append([]int64(nil), level...)
	if formStr(f, "sort") == "desc" {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	users := map[int64]bool{}
	items := []any{}
	for i := off; i < int64(len(ids)) && int64(len(items)) < cnt; i++ {
		c := v.comments[ids[i]]
		m := v.commentJSON(c, false)
		users[c.FromID] = true
		if c.Thread == 0 {
			th := []any{}
			for k := 0; k < len(c.Children) && int64(k) < inline; k++ {
				ch := v.comments[c.Children[k]]
				users[ch.FromID] = true
				th = append(th, v.commentJSON(ch, false))
			}
			m["thread"] = map[string]any{"count": len(c.Children), "items": th, "can_post": true}
		}
		items = append(items, m)
	}
	resp := map[string]any{"count": len(ids), "current_level_count": len(level), "items": items, "can_post": true}
	if formStr(f, "extended") == "1" {
		profiles, groups := []any{}, []any{}
		for id := range users {
			if id < 0 {
				groups = append(groups, map[string]any{"id": -id, "name": "Губернатор Смоленской области", "screen_name": "gubernator67"})
				continue
			}
			res := residents[(id-vkUserBase)%int64(len(residents))]
			p := map[string]any{"id": id, "first_name": res.First, "last_name": res.Last}
			if res.City != "" {
				p["city"] = map[string]any{"id": 1000 + id%100, "title": res.City}
			}
			profiles = append(profiles, p)
		}
		resp["profiles"], resp["groups"] = profiles, groups
	}
	return vkAnswer{Response: resp}
}

func (v *vkState) createComment(f map[string][]string) vkAnswer {
	post := formInt(f, "post_id", 0)
	text := formStr(f, "message")
	if _, ok := v.postText[post]; !ok || formInt(f, "owner_id", 0) != v.owner {
		return vkError(100, "One of the parameters specified was missing or invalid: post_id")
	}
	if strings.TrimSpace(text) == "" {
		return vkError(100, "One of the parameters specified was missing or invalid: message is empty")
	}
	guid := formStr(f, "guid")
	if id, ok := v.guids[guid]; ok && guid != "" {
		return vkAnswer{Response: map[string]any{"comment_id": id, "parents_stack": []int64{}}}
	}
	c := &vkComment{ID: v.nextID, PostID: post, FromID: v.owner, Date: time.Now().Unix(), Text: text}
	v.nextID++
	replyTo := formInt(f, "reply_to_comment", 0)
	if replyTo != 0 {
		parent := v.comments[replyTo]
		if parent == nil || parent.PostID != post {
			return vkError(100, "One of the parameters specified was missing or invalid: reply_to_comment")
		}
		c.ReplyTo, c.Thread = replyTo, replyTo
		if parent.Thread != 0 {
			c.Thread = parent.Thread
		}
		root := v.comments[c.Thread]
		root.Children = append(root.Children, c.ID)
	} else {
		v.top[post] = append(v.top[post], c.ID)
	}
	v.comments[c.ID] = c
	if guid != "" {
		v.guids[guid] = c.ID
	}
	item := SentItem{Platform: data.VK, Kind: "reply", RemoteID: fmt.Sprintf("%d_%d", v.owner, c.ID), Text: text,
		PostID: fmt.Sprintf("%d_%d", v.owner, post), GUID: guid, At: time.Now()}
	if replyTo != 0 {
		item.ReplyTo = fmt.Sprintf("%d_%d", v.owner, replyTo)
	}
	v.s.sent = append(v.s.sent, item)
	v.event("wall_reply_new", v.commentJSON(c, true))
	return vkAnswer{Response: map[string]any{"comment_id": c.ID, "parents_stack": []int64{}}}
}

func (v *vkState) post(f map[string][]string) vkAnswer {
	if formInt(f, "owner_id", 0) != v.owner {
		return vkError(15, "Access denied")
	}
	text, media := formStr(f, "message"), formStr(f, "attachments")
	if strings.TrimSpace(text) == "" && media == "" {
		return vkError(100, "One of the parameters specified was missing or invalid: message is empty")
	}
	guid := formStr(f, "guid")
	if id, ok := v.postGUID[guid]; ok && guid != "" {
		return vkAnswer{Response: map[string]any{"post_id": id}}
	}
	id := v.nextPost
	v.nextPost++
	v.posts = append(v.posts, id)
	v.postText[id], v.postDate[id] = text, time.Now().Unix()
	if guid != "" {
		v.postGUID[guid] = id
	}
	item := SentItem{Platform: data.VK, Kind: "post", RemoteID: fmt.Sprintf("%d_%d", v.owner, id), Text: text, GUID: guid, At: time.Now()}
	if media != "" {
		item.Media = strings.Split(media, ",")
	}
	v.s.sent = append(v.s.sent, item)
	v.event("wall_post_new", map[string]any{"id": id, "owner_id": v.owner, "from_id": v.owner, "date": v.postDate[id], "text": text, "post_type": "post"})
	return vkAnswer{Response: map[string]any{"post_id": id}}
}

// vkLongPoll serves a_check: events from ts on, waiting up to wait seconds.
func (s *Server) vkLongPoll(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, lat := s.takeFault("a_check", false)
	s.sleep(r, lat)
	if f == fault5xx {
		writeRaw(w, http.StatusBadGateway, []byte("502 Bad Gateway"))
		return
	}
	ts, err := strconv.ParseInt(q.Get("ts"), 10, 64)
	wait, _ := strconv.Atoi(q.Get("wait"))
	wait = min(max(wait, 0), 90)
	deadline := time.NewTimer(time.Duration(wait) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		v := s.vk
		var ans any
		switch {
		case s.faults.LongPollFailed != 0:
			code := s.faults.LongPollFailed
			s.faults.LongPollFailed = 0
			if code == 1 {
				ans = map[string]any{"failed": 1, "ts": v.ts}
			} else {
				if code == 3 {
					v.key = "k" + strconv.FormatUint(s.rnd.Uint64(), 36)
				}
				ans = map[string]any{"failed": code}
			}
		case q.Get("act") != "a_check" || q.Get("key") != v.key:
			ans = map[string]any{"failed": 2}
		case err != nil || ts > v.ts:
			ans = map[string]any{"failed": 3}
		case len(v.events) > 0 && ts < v.events[0].TS:
			ans = map[string]any{"failed": 1, "ts": v.ts}
		}
		if ans == nil && ts < v.ts {
			var ups []json.RawMessage
			for _, e := range v.events {
				if e.TS >= ts {
					ups = append(ups, e.Raw)
				}
			}
			ans = map[string]any{"ts": strconv.FormatInt(v.ts, 10), "updates": ups}
		}
		wake := s.wake
		s.mu.Unlock()
		if ans != nil {
			body, _ := json.Marshal(ans)
			if f == faultMalformed {
				body = cut(body)
			}
			writeRaw(w, http.StatusOK, body)
			return
		}
		select {
		case <-wake:
		case <-deadline.C:
			writeRaw(w, http.StatusOK, fmt.Appendf(nil, `{"ts":"%d","updates":[]}`, ts))
			return
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
	}
}
