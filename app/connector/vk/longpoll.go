package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

type lpServer struct {
	Server string     `json:"server"`
	Key    string     `json:"key"`
	TS     flexString `json:"ts"`
}

// eventSet remembers recent Long Poll event_ids: the server may deliver an
// event again when a ts is replayed.
type eventSet struct {
	ids  map[string]struct{}
	ring []string
	next int
}

func newEventSet(n int) *eventSet {
	return &eventSet{ids: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add reports whether id is new and remembers it.
func (s *eventSet) add(id string) bool {
	if _, ok := s.ids[id]; ok {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.ids[id] = struct{}{}
	return true
}

func (c *Client) longPollServer(ctx context.Context) (*lpServer, error) {
	var s lpServer
	if err := c.call(ctx, "groups.getLongPollServer", url.Values{"group_id": {itoa(c.cfg.GroupID)}}, &s); err != nil {
		return nil, err
	}
	if s.Server == "" || s.Key == "" || s.TS == "" {
		return nil, malformed("groups.getLongPollServer", nil, errors.New("server, key or ts missing"))
	}
	return &s, nil
}

type lpAnswer struct {
	TS      flexString        `json:"ts"`
	Failed  int               `json:"failed"`
	Updates []json.RawMessage `json:"updates"`
}

type lpUpdate struct {
	Type    string          `json:"type"`
	Object  json.RawMessage `json:"object"`
	GroupID int64           `json:"group_id"`
	EventID string          `json:"event_id"`
}

// Poll implements connector.Live with the Bots Long Poll. The cursor is the
// last ts; server and key stay in memory and are fetched again when the
// server says they expired ("failed": 2 or 3) or after a restart.
func (c *Client) Poll(ctx context.Context, cursor string) (connector.Page, error) {
	c.mu.Lock()
	lp := c.lp
	c.mu.Unlock()
	resync := false
	for attempt := 0; attempt < 3; attempt++ {
		if lp == nil {
			var err error
			if lp, err = c.longPollServer(ctx); err != nil {
				return connector.Page{}, err
			}
			c.mu.Lock()
			c.lp = lp
			c.mu.Unlock()
		}
		if cursor == "" {
			cursor = string(lp.TS)
		}
		ans, err := c.check(ctx, lp, cursor)
		if err != nil {
			return connector.Page{}, err
		}
		switch ans.Failed {
		case 0:
			page := c.updates(ans.Updates)
			page.Cursor = string(ans.TS)
			if page.Cursor == "" {
				page.Cursor = cursor
			}
			page.Resync = resync
			return page, nil
		case 1:
			// Events between our ts and the new one are gone: backfill.
			if ans.TS == "" {
				return connector.Page{}, malformed("a_check", nil, errors.New(`"failed": 1 without ts`))
			}
			return connector.Page{Cursor: string(ans.TS), Resync: true}, nil
		case 2:
			lp = nil // the key expired; our ts is still valid
		case 3:
			lp, cursor, resync = nil, "", true // the whole session is gone
		default:
			return connector.Page{}, &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: "a_check",
				Code: ans.Failed, Msg: fmt.Sprintf("unknown failed code %d", ans.Failed)}
		}
		c.mu.Lock()
		c.lp = nil
		c.mu.Unlock()
	}
	return connector.Page{}, &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: "a_check", Msg: "long poll session keeps expiring"}
}

func (c *Client) check(ctx context.Context, lp *lpServer, ts string) (lpAnswer, error) {
	u, err := url.Parse(lp.Server)
	if err != nil {
		return lpAnswer{}, &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: "a_check", Msg: "bad long poll server address"}
	}
	q := u.Query()
	q.Set("act", "a_check")
	q.Set("key", lp.Key)
	q.Set("ts", ts)
	q.Set("wait", strconv.Itoa(c.wait))
	u.RawQuery = q.Encode()
	// The server holds the request up to wait seconds; allow for that.
	cctx, cancel := context.WithTimeout(ctx, time.Duration(c.wait+15)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return lpAnswer{}, &connector.Error{Kind: connector.Transient, Platform: data.VK, Method: "a_check", Msg: connector.Redact(err.Error(), lp.Key)}
	}
	hc := *c.http
	hc.Timeout = 0 // the context above bounds the wait
	resp, err := hc.Do(req)
	if err != nil {
		return lpAnswer{}, connector.TransportError(data.VK, "a_check", err, lp.Key, c.token)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return lpAnswer{}, connector.TransportError(data.VK, "a_check", err, lp.Key, c.token)
	}
	if e := httpStatusError("a_check", resp); e != nil {
		return lpAnswer{}, e
	}
	ans, err := parseUpdates(body)
	if err != nil {
		return lpAnswer{}, malformed("a_check", body, err)
	}
	return ans, nil
}

// parseUpdates decodes a Long Poll answer.
func parseUpdates(body []byte) (lpAnswer, error) {
	var ans lpAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		return ans, err
	}
	if ans.Failed == 0 && ans.TS == "" {
		return ans, errors.New("answer without ts")
	}
	return ans, nil
}

type deletedReply struct {
	OwnerID int64 `json:"owner_id"`
	ID      int64 `json:"id"`
	PostID  int64 `json:"post_id"`
}

// updates turns Long Poll events into a page, skipping events already seen.
func (c *Client) updates(raw []json.RawMessage) connector.Page {
	var page connector.Page
	for _, item := range raw {
		var u lpUpdate
		if err := json.Unmarshal(item, &u); err != nil {
			page.Quarantine = append(page.Quarantine, connector.Bad{Raw: item, Reason: "vk update: " + err.Error()})
			continue
		}
		if u.EventID != "" {
			c.mu.Lock()
			fresh := c.events.add(u.EventID)
			c.mu.Unlock()
			if !fresh {
				continue
			}
		}
		bad := func(err error) {
			page.Quarantine = append(page.Quarantine, connector.Bad{Raw: item, Reason: "vk " + u.Type + ": " + err.Error()})
		}
		switch u.Type {
		case "wall_reply_new", "wall_reply_edit", "wall_reply_restore":
			var cm comment
			if err := json.Unmarshal(u.Object, &cm); err != nil {
				bad(err)
				continue
			}
			m, err := cm.toMessage(c.acc, c.cfg.GroupID, c.ownerID(), 0, 0, people{})
			if err != nil {
				bad(err)
				continue
			}
			page.Messages = append(page.Messages, m)
		case "wall_reply_delete":
			var d deletedReply
			if err := json.Unmarshal(u.Object, &d); err != nil {
				bad(err)
				continue
			}
			owner := d.OwnerID
			if owner == 0 {
				owner = c.ownerID()
			}
			if d.ID <= 0 || d.PostID <= 0 {
				bad(errors.New("no comment or post id"))
				continue
			}
			page.Messages = append(page.Messages, data.Message{Platform: data.VK, AccountID: c.acc.ID,
				ExternalID: ExternalID(owner, d.ID), PostExternalID: ExternalID(owner, d.PostID),
				URL: CommentURL(owner, d.PostID, d.ID, 0), Deleted: true})
		case "wall_post_new":
			var p post
			if err := json.Unmarshal(u.Object, &p); err != nil {
				bad(err)
				continue
			}
			dp, err := p.toPost(c.acc, c.ownerID())
			if err != nil {
				bad(err)
				continue
			}
			page.Posts = append(page.Posts, dp)
		}
	}
	return page
}
