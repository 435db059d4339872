package vk

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"otklik/app/connector"
	"otklik/data"
)

func invalid(method, msg string) error {
	return &connector.Error{Kind: connector.UserVisible, Platform: data.VK, Method: method, Msg: msg}
}

// target resolves the post and the comment a reply answers.
func (c *Client) target(r connector.Reply) (ownerID, postID, commentID int64, err error) {
	if r.PostExternalID == "" {
		return 0, 0, 0, invalid("wall.createComment", "reply without a post")
	}
	ownerID, postID, err = ParseExternalID(r.PostExternalID)
	if err != nil {
		return 0, 0, 0, invalid("wall.createComment", err.Error())
	}
	if r.MessageExternalID != "" {
		var o int64
		if o, commentID, err = ParseExternalID(r.MessageExternalID); err != nil || o != ownerID {
			return 0, 0, 0, invalid("wall.createComment", "the comment is not under the post: "+r.MessageExternalID)
		}
	}
	return ownerID, postID, commentID, nil
}

// Reply implements connector.Replier with wall.createComment on behalf of
// the community. The outbox key goes as guid, so VK applies a resent
// request once.
func (c *Client) Reply(ctx context.Context, r connector.Reply) (string, error) {
	if strings.TrimSpace(r.Text) == "" {
		return "", invalid("wall.createComment", "empty reply")
	}
	ownerID, postID, commentID, err := c.target(r)
	if err != nil {
		return "", err
	}
	p := url.Values{
		"owner_id":   {itoa(ownerID)},
		"post_id":    {itoa(postID)},
		"message":    {r.Text},
		"from_group": {itoa(c.cfg.GroupID)},
	}
	if commentID != 0 {
		p.Set("reply_to_comment", itoa(commentID))
	}
	if r.IdempotencyKey != "" {
		p.Set("guid", r.IdempotencyKey)
	}
	var res struct {
		CommentID int64 `json:"comment_id"`
	}
	if err := c.call(ctx, "wall.createComment", p, &res); err != nil {
		return "", err
	}
	if res.CommentID <= 0 {
		return "", malformed("wall.createComment", nil, errNoID)
	}
	return ExternalID(ownerID, res.CommentID), nil
}

var errNoID = errors.New("no id in answer")

// FindSent implements connector.Reconciler: it looks for a comment by the
// community with the same text among the newest comments of the post and,
// for a reply to a comment, in that comment's thread. guid already makes a
// resend safe; this read-back lets the engine record the id without one.
func (c *Client) FindSent(ctx context.Context, r connector.Reply) (string, bool, error) {
	_, postID, commentID, err := c.target(r)
	if err != nil {
		return "", false, err
	}
	threads := []int64{0}
	if commentID != 0 {
		threads = []int64{commentID, 0}
	}
	want := strings.TrimSpace(r.Text)
	for _, thread := range threads {
		res, err := c.getComments(ctx, postID, thread, 0, "desc")
		if err != nil {
			if connector.Classify(err) == connector.Permanent && thread != 0 {
				continue // e.g. the comment is itself a reply and has no thread
			}
			return "", false, err
		}
		for _, m := range res.Messages {
			if m.FromOffice && !m.Deleted && strings.TrimSpace(m.Text) == want &&
				(commentID == 0 || m.ParentExternalID != "") {
				return m.ExternalID, true, nil
			}
		}
	}
	return "", false, nil
}

// Publish implements connector.Publisher with wall.post from the community.
func (c *Client) Publish(ctx context.Context, pub connector.Publication) (string, error) {
	if strings.TrimSpace(pub.Text) == "" && len(pub.Media) == 0 {
		return "", invalid("wall.post", "empty post")
	}
	p := url.Values{
		"owner_id":   {itoa(c.ownerID())},
		"from_group": {"1"},
		"message":    {pub.Text},
	}
	if len(pub.Media) > 0 {
		p.Set("attachments", strings.Join(pub.Media, ","))
	}
	if pub.IdempotencyKey != "" {
		p.Set("guid", pub.IdempotencyKey)
	}
	var res struct {
		PostID int64 `json:"post_id"`
	}
	if err := c.call(ctx, "wall.post", p, &res); err != nil {
		return "", err
	}
	if res.PostID <= 0 {
		return "", malformed("wall.post", nil, errNoID)
	}
	return ExternalID(c.ownerID(), res.PostID), nil
}

// Hide implements connector.Hider with wall.deleteComment; VK has no
// "hidden" state for wall comments, and the local copy stays.
func (c *Client) Hide(ctx context.Context, externalID string) error {
	ownerID, commentID, err := ParseExternalID(externalID)
	if err != nil {
		return invalid("wall.deleteComment", err.Error())
	}
	var ok json.RawMessage
	return c.call(ctx, "wall.deleteComment", url.Values{"owner_id": {itoa(ownerID)}, "comment_id": {itoa(commentID)}}, &ok)
}

// Interface checks.
var (
	_ connector.Connector  = (*Client)(nil)
	_ connector.Backfiller = (*Client)(nil)
	_ connector.Live       = (*Client)(nil)
	_ connector.Replier    = (*Client)(nil)
	_ connector.Reconciler = (*Client)(nil)
	_ connector.Publisher  = (*Client)(nil)
	_ connector.Hider      = (*Client)(nil)
)
