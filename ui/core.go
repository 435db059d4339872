package ui

import (
	"context"
	"time"

	"otklik/app"
	"otklik/app/notify"
	"otklik/app/sla"
	"otklik/app/textru"
	"otklik/data"
)

// Core is what the views need from the headless core (package app). The real
// *app.App satisfies it; tests and the screenshot tool use a fake over
// realistic messages. Every method may be called from any goroutine; the
// views call the slow ones off the UI goroutine only.
type Core interface {
	Inbox(ctx context.Context, q Query, after data.Cursor, limit int) (Page, error)
	Count(ctx context.Context, q Query) (int, error)
	// CountUpTo counts up to limit; exact is false when it stopped there.
	CountUpTo(ctx context.Context, q Query, limit int) (n int, exact bool, err error)
	CountBy(ctx context.Context, q Query, field string) (map[string]int, error)
	Views() []View
	Detail(ctx context.Context, id int64) (Detail, error)

	SetStatus(ctx context.Context, ids []int64, s data.Status) error
	Assign(ctx context.Context, ids []int64, who string) error
	SetDistrict(ctx context.Context, ids []int64, code string) error
	SetCategory(ctx context.Context, ids []int64, code string) error
	AddNote(ctx context.Context, id int64, text string) error

	Municipalities() []Municipality
	Categories() []Category
	Highlight(text string, stems []string) [][2]int

	Summary(ctx context.Context) (Summary, error)
	SetUser(ctx context.Context, name string) error
	Subscribe() (<-chan Event, func())
	ResetToEmpty(ctx context.Context) error

	// Reply deadlines and the overdue watcher (app/sla_settings.go).
	Rules() sla.Rules
	SetRules(ctx context.Context, rules sla.Rules) error
	WatchSettings(ctx context.Context) (WatchSettings, error)
	SetWatchSettings(ctx context.Context, s WatchSettings) error
	Snooze(ctx context.Context, until time.Time) error
	RunWatcher(ctx context.Context, n notify.Notifier, opts notify.Options) error

	// Triage: tags, undo, replies, saved replies (Настройки → «Шаблоны
	// ответов») and the report (app/undo.go, app/reply.go, app/templates.go,
	// app/report.go).
	AddTag(ctx context.Context, ids []int64, tag string) error
	RemoveTag(ctx context.Context, ids []int64, tag string) error
	Undo(ctx context.Context) (UndoInfo, error)
	LastAction() (UndoInfo, bool)
	Templates(ctx context.Context) ([]data.Template, error)
	SaveTemplate(ctx context.Context, t *data.Template) error
	DeleteTemplate(ctx context.Context, id int64) error
	FillTemplate(text string, m data.Message) string
	Reply(ctx context.Context, messageID int64, text string) (data.OutboxItem, error)
	MessageOutbox(ctx context.Context, messageID int64) ([]data.OutboxItem, error)
	RetryOutbox(ctx context.Context, id int64) error
	ResponseReport(ctx context.Context, since, until time.Time) (Report, error)
	InboxAccounts(ctx context.Context) ([]data.Account, error)

	// The content calendar (app/calendar.go; the methods in ui/calendar_core.go).
	CalendarCore

	// Настройки → Аккаунты and background sync (app/accounts.go, app/sync.go).
	Accounts(ctx context.Context) ([]AccountState, error)
	SaveAccount(ctx context.Context, in AccountInput) (data.Account, string, error)
	SyncNow(ctx context.Context) error
	RetryUnsent(ctx context.Context, accountID int64) (int, error)
}

// Accounts and their sync state, under the names the views use.
type (
	AccountState = app.AccountState
	AccountInput = app.AccountInput
)

// Triage types, under the names the views use.
type (
	UndoInfo  = app.UndoInfo
	Report    = app.Report
	ReportRow = app.ReportRow
)

// The core's types, under the names the views use.
type (
	Query        = app.Query
	Page         = app.Page
	View         = app.View
	Detail       = app.Detail
	SyncInfo     = app.SyncInfo
	Summary      = app.Summary
	Event        = app.Event
	Municipality = textru.Municipality
	Category     = textru.Category
)

// WatchSettings are the overdue watcher's settings, edited in Настройки.
type WatchSettings = app.WatchSettings

// Event kinds, as the core sends them.
const (
	EventMessages = app.EventMessages
	EventSync     = app.EventSync
	EventCounts   = app.EventCounts
	EventReset    = app.EventReset
)

// View IDs the core defines.
const (
	ViewAll      = app.ViewAll
	ViewNew      = app.ViewNew
	ViewMine     = app.ViewMine
	ViewOverdue  = app.ViewOverdue
	ViewDueSoon  = app.ViewDueSoon
	ViewProgress = app.ViewProgress
	ViewDone     = app.ViewDone
)

var _ Core = (*app.App)(nil)
