// Package data holds the records that the core (package app) and the local
// store (package data/sqlite) exchange. It has no behaviour beyond small
// helpers, so both sides can import it without a cycle: app → data/sqlite → data.
package data

import (
	"errors"
	"time"
)

// Platform is the network a record came from.
type Platform string

const (
	VK       Platform = "vk"
	Telegram Platform = "telegram"
	OK       Platform = "ok"
	POS      Platform = "pos" // «Госуслуги. Решаем вместе»
)

// Platforms lists every platform in display order.
var Platforms = []Platform{VK, Telegram, OK, POS}

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool {
	switch p {
	case VK, Telegram, OK, POS:
		return true
	}
	return false
}

// Status is where a message is in the press office's workflow.
type Status string

const (
	StatusNew        Status = "new"         // новое
	StatusInProgress Status = "in_progress" // в работе
	StatusAnswered   Status = "answered"    // отвечено
	StatusForwarded  Status = "forwarded"   // передано в ведомство
	StatusClosed     Status = "closed"      // закрыто
	StatusSpam       Status = "spam"        // спам
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusAnswered, StatusForwarded, StatusClosed, StatusSpam}

// Open reports whether a message in this status still waits for the office.
func (s Status) Open() bool { return s == StatusNew || s == StatusInProgress }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Sentiment is the tone of a message.
type Sentiment string

const (
	Negative Sentiment = "negative"
	Neutral  Sentiment = "neutral"
	Positive Sentiment = "positive"
)

// Valid reports whether s is a known sentiment.
func (s Sentiment) Valid() bool { return s == Negative || s == Neutral || s == Positive }

// Account is one page, community, channel or source the office works with.
type Account struct {
	ID         int64
	Platform   Platform
	ExternalID string // VK group/user id, Telegram chat id, OK group id, ПОС source name
	Name       string // «Губернатор Смоленской области»
	Kind       string // community, page, channel, group, portal
	Demo       bool   // created by the demo generator
	Config     string // JSON with non-secret settings (base URL, linked chat…); tokens live in the keyring
	CreatedAt  time.Time
}

// Post is a publication on an account that residents comment on.
type Post struct {
	ID         int64
	AccountID  int64
	Platform   Platform
	ExternalID string
	Text       string
	URL        string
	Kind       string // post, photo, video, live, story
	CreatedAt  time.Time
}

// Attachment is a file or link attached to a message; only metadata is kept.
type Attachment struct {
	Type  string `json:"type"` // photo, video, doc, link, audio, sticker
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Message is a resident's comment or message, or the office's own reply.
// Local fields (Status, Assignee, District/Category when Manual, tags, notes)
// belong to the office and are never overwritten by a re-pull of the remote text.
type Message struct {
	ID               int64
	Platform         Platform
	ExternalID       string // unique within Platform
	AccountID        int64
	PostExternalID   string // "" for direct messages and ПОС items
	ParentExternalID string // the comment this one answers, "" for top level
	AuthorExternalID string
	AuthorName       string
	AuthorCity       string // profile city, the tagger's fallback for District
	Text             string
	URL              string // link to the original
	Attachments      []Attachment
	CreatedAt        time.Time
	FromOffice       bool // written by the press office (our reply)
	Deleted          bool // removed on the network; kept locally

	District       string // municipality code, "" when unknown
	Category       string // topic code
	Sentiment      Sentiment
	DistrictManual bool // a user's correction: the tagger never changes it again
	CategoryManual bool

	Status           Status
	Assignee         string
	FirstResponseDue time.Time // zero when no rule applies
	AnswerDue        time.Time
	FirstResponseAt  time.Time // zero until the office first responds
	UpdatedAt        time.Time
	Tags             []string
}

// Note is an internal note on a message, never sent to the resident.
type Note struct {
	ID        int64
	MessageID int64
	Author    string
	Text      string
	CreatedAt time.Time
}

// Template is a saved reply with variables such as {имя}, {район}, {дата}.
type Template struct {
	ID       int64
	Name     string
	Category string // "" for any
	Text     string
}

// OutboxState is where an outgoing item is on its way to the network.
type OutboxState string

const (
	OutboxQueued  OutboxState = "queued"
	OutboxSending OutboxState = "sending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed"
)

// OutboxItem is a reply or post waiting to be sent, written in the same
// transaction as the user's action so that nothing is lost or sent twice.
type OutboxItem struct {
	ID             int64
	AccountID      int64
	Kind           string // reply, post
	MessageID      int64  // the message replied to (reply), 0 for posts
	CalendarItemID int64  // the planned item (post), 0 for replies
	IdempotencyKey string
	Payload        string // JSON the connector understands (text, reply_to, attachments)
	State          OutboxState
	Attempts       int
	NextTry        time.Time
	LastError      string
	RemoteID       string
	CreatedAt      time.Time
	SentAt         time.Time
}

// CalendarItem is a planned publication or live stream.
type CalendarItem struct {
	ID          int64
	AccountID   int64
	Kind        string // post, photo, video, live, story
	Title       string
	Text        string
	District    string // the municipality the item is about, "" for region-wide
	PlannedAt   time.Time
	Status      string // idea, draft, review, approved, scheduled, published, skipped
	Approver    string
	PublishedAt time.Time
	RemoteID    string
}

// Broadcast is the governor's live stream with one municipality.
type Broadcast struct {
	ID                 int64
	District           string
	PlannedAt          time.Time
	Title              string
	AnnouncementPostID int64 // the post collecting questions, 0 if none
	// AnnouncementPostExternalID names that post by its network id when the
	// producer (an importer, the demo generator) cannot know the store's Post ID.
	AnnouncementPostExternalID string
	Status                     string // planned, done
}

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// Filter selects messages for the inbox, counts and exports. Zero fields do
// not filter. Filters combine with AND; values inside one slice with OR.
type Filter struct {
	Platforms  []Platform
	AccountIDs []int64
	Districts  []string // municipality codes; "-" selects messages with no district
	Categories []string
	Statuses   []Status
	Sentiments []Sentiment
	Assignee   string // "" any, "-" unassigned, otherwise exact name
	Tag        string
	Since      time.Time // CreatedAt >= Since
	Until      time.Time // CreatedAt < Until

	// Deadlines, evaluated against Now (which must be set when these are used).
	Overdue bool          // open and a due time (first response or answer) has passed
	DueSoon time.Duration // open, not overdue, and a due time falls within Now+DueSoon
	Now     time.Time

	// HasUnanswered selects messages with at least one open reply from a resident under them.
	HasUnanswered bool
	// IncludeOffice includes the office's own replies; the inbox hides them.
	IncludeOffice bool

	// Match is an FTS5 MATCH expression over the stemmed text. It is built by
	// the core's query parser and is always syntactically safe; never pass
	// user input here directly.
	Match string
}

// Cursor is a keyset position in the newest-first inbox order.
type Cursor struct {
	CreatedAt time.Time
	ID        int64
}

// IsZero reports whether the cursor is the start of the list.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// NotifyMark is one threshold the deadline watcher notified for a message.
type NotifyMark struct {
	MessageID int64
	Threshold string
}

// Deadline is what the deadline watcher reads of an open message.
type Deadline struct {
	ID               int64
	Platform         Platform
	CreatedAt        time.Time
	District         string // a municipality's id, or ""
	FirstResponseDue time.Time
	AnswerDue        time.Time
	FirstResponseAt  time.Time
}

// Cursor is the keyset position of d, for the next page.
func (d Deadline) Cursor() Cursor { return Cursor{CreatedAt: d.CreatedAt, ID: d.ID} }
