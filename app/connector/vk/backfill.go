package vk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"otklik/app/connector"
	"otklik/data"
)

// pageSize is VK's maximum count for wall.get and wall.getComments.
const pageSize = 100

// threadInline is how many replies wall.getComments inlines per comment
// (thread_items_count, at most 10); longer threads are fetched separately.
const threadInline = 10

// backfillCursor is the walk's position: which wall.get offset comes next,
// which posts still have comments to read, and where in the first of them.
type backfillCursor struct {
	PostOffset    int     `json:"po,omitempty"`
	PostsDone     bool    `json:"pd,omitempty"`
	Pending       []int64 `json:"q,omitempty"`
	CommentOffset int     `json:"co,omitempty"`
}

func decodeBackfill(s string) (backfillCursor, error) {
	var c backfillCursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, &connector.Error{Kind: connector.Permanent, Platform: data.VK, Method: "backfill", Msg: fmt.Sprintf("bad cursor %q", s)}
	}
	return c, nil
}

func (c backfillCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Backfill implements connector.Backfiller. Each call makes one step: a page
// of recent posts (wall.get), or a page of one post's comments with the
// threads under them (wall.getComments). It reads the newest
// Config.BackfillPosts posts; re-reading is harmless since ingest upserts.
func (c *Client) Backfill(ctx context.Context, cursor string) (connector.Page, error) {
	cur, err := decodeBackfill(cursor)
	if err != nil {
		return connector.Page{}, err
	}
	var page connector.Page
	switch {
	case len(cur.Pending) > 0:
		postID := cur.Pending[0]
		res, err := c.commentsPage(ctx, postID, 0, cur.CommentOffset)
		if err != nil {
			return connector.Page{}, err
		}
		page.Messages, page.Quarantine = res.Messages, res.Quarantine
		cur.CommentOffset += res.TopLevel
		if levelDone(res, cur.CommentOffset) {
			cur.Pending, cur.CommentOffset = cur.Pending[1:], 0
		}
	case !cur.PostsDone:
		count := min(pageSize, c.cfg.BackfillPosts-cur.PostOffset)
		var raw json.RawMessage
		err := c.call(ctx, "wall.get", url.Values{
			"owner_id": {itoa(c.ownerID())},
			"offset":   {strconv.Itoa(cur.PostOffset)},
			"count":    {strconv.Itoa(count)},
		}, &raw)
		if err != nil {
			return connector.Page{}, err
		}
		w, err := parseWall(raw, c.acc, c.ownerID())
		if err != nil {
			return connector.Page{}, malformed("wall.get", raw, err)
		}
		page.Posts, page.Quarantine = w.Posts, w.Quarantine
		cur.Pending = w.Commented
		cur.PostOffset += w.Items
		cur.PostsDone = w.Items == 0 || cur.PostOffset >= w.Count || cur.PostOffset >= c.cfg.BackfillPosts
	}
	page.More = len(cur.Pending) > 0 || !cur.PostsDone
	page.Cursor = cur.encode()
	return page, nil
}

// levelDone reports whether offset paging over one level has reached its
// end: VK's current_level_count when present, else a short page.
func levelDone(res parsedComments, offset int) bool {
	if res.TopLevel == 0 {
		return true
	}
	if res.LevelCount >= 0 {
		return offset >= res.LevelCount
	}
	return res.TopLevel < pageSize
}

// commentsPage reads one page of a post's comments (thread 0) or of one
// thread, and fetches in full every thread that was only partly inlined.
func (c *Client) commentsPage(ctx context.Context, postID, thread int64, offset int) (parsedComments, error) {
	res, err := c.getComments(ctx, postID, thread, offset, "asc")
	if err != nil {
		return res, err
	}
	seen := make(map[string]bool, len(res.Messages))
	for _, m := range res.Messages {
		seen[m.ExternalID] = true
	}
	for _, root := range res.Partial {
		for off := 0; ; {
			sub, err := c.getComments(ctx, postID, root, off, "asc")
			if err != nil {
				return res, err
			}
			for _, m := range sub.Messages {
				if !seen[m.ExternalID] {
					seen[m.ExternalID] = true
					res.Messages = append(res.Messages, m)
				}
			}
			res.Quarantine = append(res.Quarantine, sub.Quarantine...)
			off += sub.TopLevel
			if levelDone(sub, off) {
				break
			}
		}
	}
	res.Partial = nil
	return res, nil
}

func (c *Client) getComments(ctx context.Context, postID, thread int64, offset int, sort string) (parsedComments, error) {
	p := url.Values{
		"owner_id":       {itoa(c.ownerID())},
		"post_id":        {itoa(postID)},
		"offset":         {strconv.Itoa(offset)},
		"count":          {strconv.Itoa(pageSize)},
		"sort":           {sort},
		"preview_length": {"0"},
		"extended":       {"1"},
		"fields":         {"city"},
	}
	if thread != 0 {
		p.Set("comment_id", itoa(thread))
	} else {
		p.Set("thread_items_count", strconv.Itoa(threadInline))
	}
	var raw json.RawMessage
	if err := c.call(ctx, "wall.getComments", p, &raw); err != nil {
		return parsedComments{}, err
	}
	res, err := parseComments(raw, c.acc, c.cfg.GroupID, c.ownerID(), postID, thread)
	if err != nil {
		return res, malformed("wall.getComments", raw, err)
	}
	return res, nil
}
