package vk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

// flexString accepts a JSON string or number: the Long Poll sends ts as a
// string in normal answers and as a number with "failed": 1.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

type city struct {
	Title string `json:"title"`
}

type profile struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	City      *city  `json:"city"`
}

type group struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type photoSize struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type attachment struct {
	Type  string `json:"type"`
	Photo *struct {
		Sizes []photoSize `json:"sizes"`
		Text  string      `json:"text"`
	} `json:"photo"`
	Video *struct {
		ID      int64  `json:"id"`
		OwnerID int64  `json:"owner_id"`
		Title   string `json:"title"`
	} `json:"video"`
	Doc *struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"doc"`
	Link *struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"link"`
	Audio *struct {
		Artist string `json:"artist"`
		Title  string `json:"title"`
	} `json:"audio"`
	Sticker *struct {
		ID int64 `json:"sticker_id"`
	} `json:"sticker"`
}

func (a attachment) toData() data.Attachment {
	out := data.Attachment{Type: a.Type}
	switch {
	case a.Photo != nil:
		out.Title = a.Photo.Text
		best := 0
		for _, s := range a.Photo.Sizes {
			if s.Width*s.Height >= best && s.URL != "" {
				best, out.URL = s.Width*s.Height, s.URL
			}
		}
	case a.Video != nil:
		out.Title = a.Video.Title
		if a.Video.ID != 0 {
			out.URL = "https://vk.com/video" + ExternalID(a.Video.OwnerID, a.Video.ID)
		}
	case a.Doc != nil:
		out.Title, out.URL = a.Doc.Title, a.Doc.URL
	case a.Link != nil:
		out.Title, out.URL = a.Link.Title, a.Link.URL
	case a.Audio != nil:
		out.Title = strings.TrimSpace(a.Audio.Artist + " — " + a.Audio.Title)
	}
	return out
}

func attachmentsToData(in []attachment) []data.Attachment {
	if len(in) == 0 {
		return nil
	}
	out := make([]data.Attachment, 0, len(in))
	for _, a := range in {
		if a.Type != "" {
			out = append(out, a.toData())
		}
	}
	return out
}

// comment is a wall comment as wall.getComments and the Long Poll send it.
type comment struct {
	ID             int64        `json:"id"`
	FromID         int64        `json:"from_id"`
	PostID         int64        `json:"post_id"`
	OwnerID        int64        `json:"owner_id"`
	PostOwnerID    int64        `json:"post_owner_id"` // Long Poll events
	Date           int64        `json:"date"`
	Text           *string      `json:"text"` // absent on deleted comments
	Deleted        bool         `json:"deleted"`
	ReplyToComment int64        `json:"reply_to_comment"`
	ParentsStack   []int64      `json:"parents_stack"`
	Attachments    []attachment `json:"attachments"`
	Thread         *struct {
		Count int               `json:"count"`
		Items []json.RawMessage `json:"items"`
	} `json:"thread"`
}

// people resolves from_id to a name and profile city.
type people struct {
	profiles map[int64]profile
	groups   map[int64]group
}

func newPeople(ps []profile, gs []group) people {
	p := people{profiles: make(map[int64]profile, len(ps)), groups: make(map[int64]group, len(gs))}
	for _, x := range ps {
		p.profiles[x.ID] = x
	}
	for _, x := range gs {
		p.groups[x.ID] = x
	}
	return p
}

func (p people) lookup(fromID int64) (name, cityTitle string) {
	if fromID < 0 {
		return p.groups[-fromID].Name, ""
	}
	pr, ok := p.profiles[fromID]
	if !ok {
		return "", ""
	}
	if pr.City != nil {
		cityTitle = pr.City.Title
	}
	return strings.TrimSpace(pr.FirstName + " " + pr.LastName), cityTitle
}

// toMessage converts a comment; ownerID and postID fill in what the payload
// omits, thread is the top-level comment it was fetched under (0 if none).
func (cm comment) toMessage(acc data.Account, groupID, ownerID, postID, thread int64, pp people) (data.Message, error) {
	if cm.ID <= 0 {
		return data.Message{}, errors.New("comment without id")
	}
	if cm.PostOwnerID != 0 {
		ownerID = cm.PostOwnerID
	} else if cm.OwnerID != 0 {
		ownerID = cm.OwnerID
	}
	if cm.PostID != 0 {
		postID = cm.PostID
	}
	if ownerID == 0 || postID <= 0 {
		return data.Message{}, fmt.Errorf("comment %d: no post", cm.ID)
	}
	parent := cm.ReplyToComment
	if len(cm.ParentsStack) > 0 {
		if thread == 0 {
			thread = cm.ParentsStack[0]
		}
		if parent == 0 {
			parent = cm.ParentsStack[len(cm.ParentsStack)-1]
		}
	}
	if parent == 0 && thread != cm.ID {
		parent = thread
	}
	m := data.Message{
		Platform:         data.VK,
		ExternalID:       ExternalID(ownerID, cm.ID),
		AccountID:        acc.ID,
		PostExternalID:   ExternalID(ownerID, postID),
		AuthorExternalID: itoa(cm.FromID),
		URL:              CommentURL(ownerID, postID, cm.ID, thread),
		Attachments:      attachmentsToData(cm.Attachments),
		FromOffice:       groupID != 0 && cm.FromID == -groupID,
		Deleted:          cm.Deleted || cm.Text == nil,
	}
	if parent != 0 && parent != cm.ID {
		m.ParentExternalID = ExternalID(ownerID, parent)
	}
	if cm.FromID == 0 {
		m.AuthorExternalID = ""
	}
	if cm.Date > 0 {
		m.CreatedAt = time.Unix(cm.Date, 0).UTC()
	}
	if cm.Text != nil && !cm.Deleted {
		m.Text = *cm.Text
	}
	m.AuthorName, m.AuthorCity = pp.lookup(cm.FromID)
	return m, nil
}

// commentsResponse is the "response" of wall.getComments with extended=1.
type commentsResponse struct {
	Count             int               `json:"count"`
	CurrentLevelCount *int              `json:"current_level_count"`
	Items             []json.RawMessage `json:"items"`
	Profiles          []profile         `json:"profiles"`
	Groups            []group           `json:"groups"`
}

// parsedComments is one wall.getComments answer, flattened.
type parsedComments struct {
	Messages   []data.Message
	Quarantine []connector.Bad
	TopLevel   int     // items at the requested level (for offset paging)
	LevelCount int     // current_level_count, -1 when absent
	Partial    []int64 // top-level comments whose thread holds more than was inlined
}

// parseComments decodes the "response" member of wall.getComments. A
// malformed item goes to Quarantine; only an unreadable envelope is an error.
// thread is the comment_id the request asked for (0 for the top level).
func parseComments(raw []byte, acc data.Account, groupID, ownerID, postID, thread int64) (parsedComments, error) {
	var r commentsResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return parsedComments{}, fmt.Errorf("wall.getComments: %w", err)
	}
	pp := newPeople(r.Profiles, r.Groups)
	out := parsedComments{TopLevel: len(r.Items), LevelCount: -1}
	if r.CurrentLevelCount != nil {
		out.LevelCount = *r.CurrentLevelCount
	}
	add := func(item json.RawMessage, thr int64) (comment, bool) {
		var cm comment
		if err := json.Unmarshal(item, &cm); err != nil {
			out.Quarantine = append(out.Quarantine, connector.Bad{Raw: item, Reason: "vk comment: " + err.Error()})
			return cm, false
		}
		m, err := cm.toMessage(acc, groupID, ownerID, postID, thr, pp)
		if err != nil {
			out.Quarantine = append(out.Quarantine, connector.Bad{Raw: item, Reason: "vk comment: " + err.Error()})
			return cm, false
		}
		out.Messages = append(out.Messages, m)
		return cm, true
	}
	for _, item := range r.Items {
		cm, ok := add(item, thread)
		if !ok || cm.Thread == nil {
			continue
		}
		for _, sub := range cm.Thread.Items {
			add(sub, cm.ID)
		}
		if cm.Thread.Count > len(cm.Thread.Items) {
			out.Partial = append(out.Partial, cm.ID)
		}
	}
	return out, nil
}

// post is a wall post as wall.get and wall_post_new send it.
type post struct {
	ID          int64        `json:"id"`
	OwnerID     int64        `json:"owner_id"`
	Date        int64        `json:"date"`
	Text        string       `json:"text"`
	PostType    string       `json:"post_type"`
	Attachments []attachment `json:"attachments"`
	Comments    *struct {
		Count int `json:"count"`
	} `json:"comments"`
}

func (p post) toPost(acc data.Account, ownerID int64) (data.Post, error) {
	if p.ID <= 0 {
		return data.Post{}, errors.New("post without id")
	}
	if p.OwnerID != 0 {
		ownerID = p.OwnerID
	}
	kind := "post"
	if len(p.Attachments) > 0 {
		switch p.Attachments[0].Type {
		case "video":
			kind = "video"
		case "photo":
			if strings.TrimSpace(p.Text) == "" {
				kind = "photo"
			}
		}
	}
	out := data.Post{AccountID: acc.ID, Platform: data.VK, ExternalID: ExternalID(ownerID, p.ID),
		Text: p.Text, URL: PostURL(ownerID, p.ID), Kind: kind}
	if p.Date > 0 {
		out.CreatedAt = time.Unix(p.Date, 0).UTC()
	}
	return out, nil
}

type wallResponse struct {
	Count int               `json:"count"`
	Items []json.RawMessage `json:"items"`
}

type parsedWall struct {
	Posts      []data.Post
	Quarantine []connector.Bad
	Items      int
	Count      int
	Commented  []int64 // posts that have (or may have) comments
}

// parseWall decodes the "response" member of wall.get.
func parseWall(raw []byte, acc data.Account, ownerID int64) (parsedWall, error) {
	var r wallResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return parsedWall{}, fmt.Errorf("wall.get: %w", err)
	}
	out := parsedWall{Items: len(r.Items), Count: r.Count}
	for _, item := range r.Items {
		var p post
		if err := json.Unmarshal(item, &p); err != nil {
			out.Quarantine = append(out.Quarantine, connector.Bad{Raw: item, Reason: "vk post: " + err.Error()})
			continue
		}
		dp, err := p.toPost(acc, ownerID)
		if err != nil {
			out.Quarantine = append(out.Quarantine, connector.Bad{Raw: item, Reason: "vk post: " + err.Error()})
			continue
		}
		out.Posts = append(out.Posts, dp)
		if p.Comments == nil || p.Comments.Count > 0 {
			out.Commented = append(out.Commented, p.ID)
		}
	}
	return out, nil
}
