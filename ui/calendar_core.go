package ui

import (
	"context"
	"image/color"
	"io"
	"strconv"
	"time"

	"otklik/app"
	"otklik/app/plan"
	"otklik/data"
)

// CalendarCore is what the content calendar needs from the core; Core
// includes it. Times are instants; the view shows them in Moscow time,
// the region's clock, whatever the laptop's zone.
type CalendarCore interface {
	CalendarAccounts(ctx context.Context) ([]data.Account, error)
	CalendarItems(ctx context.Context, from, to time.Time, accountID int64) ([]data.CalendarItem, error)
	SaveCalendarItem(ctx context.Context, it *data.CalendarItem) error
	MoveCalendarItem(ctx context.Context, id int64, at time.Time) (data.CalendarItem, error)
	DuplicateCalendarItem(ctx context.Context, id int64, at time.Time) (data.CalendarItem, error)
	DeleteCalendarItem(ctx context.Context, id int64) error
	SetCalendarStatus(ctx context.Context, id int64, to string) (data.CalendarItem, error)
	CheckCalendar(ctx context.Context, now time.Time, lang string) (plan.Report, error)
	CheckText(text string) plan.TextReport
	ExportICS(ctx context.Context, w io.Writer, from, to time.Time) error
	PlanSuggestion(ctx context.Context, s plan.Suggestion) (data.CalendarItem, error)
}

var _ CalendarCore = (*app.App)(nil)

// EventCalendar is the core's event for changed calendar items.
const EventCalendar = app.EventCalendar

// msk is the region's zone: every day and hour of the grid is Moscow time.
var msk = plan.Moscow

func dayOf(t time.Time) time.Time {
	t = t.In(msk)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, msk)
}

// mondayOf is the start of t's ISO week, as Russian calendars draw it.
func mondayOf(t time.Time) time.Time {
	d := dayOf(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func monthOf(t time.Time) time.Time {
	t = t.In(msk)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, msk)
}

// calWhen is a slot as the rules panel names it: «пт, 4 декабря, 18:00».
func calWhen(t time.Time) string {
	t = t.In(msk)
	return T("calendar.wd."+strconv.Itoa(int(t.Weekday()))) + ", " + dayMonth(t) + ", " + t.Format("15:04")
}

// calKindColor tells the kinds apart at a glance; red is kept for missed items.
func calKindColor(kind string) color.NRGBA {
	switch kind {
	case "photo":
		return color.NRGBA{R: 0x16, G: 0xa3, B: 0x4a, A: 0xff}
	case "video":
		return color.NRGBA{R: 0x7c, G: 0x3a, B: 0xed, A: 0xff}
	case "live":
		return color.NRGBA{R: 0xea, G: 0x8a, B: 0x0c, A: 0xff}
	case "story":
		return color.NRGBA{R: 0xdb, G: 0x27, B: 0x77, A: 0xff}
	}
	return color.NRGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff}
}

var calMissedColor = color.NRGBA{R: 0xdc, G: 0x26, B: 0x26, A: 0xff}

// calStatusColor tints the status chip in the editor.
func calStatusColor(s string) color.NRGBA {
	switch s {
	case app.CalendarReview:
		return color.NRGBA{R: 0xf5, G: 0x9e, B: 0x0b, A: 0xff}
	case app.CalendarApproved, app.CalendarScheduled:
		return color.NRGBA{R: 0x0e, G: 0x6f, B: 0x80, A: 0xff}
	case app.CalendarPublished:
		return color.NRGBA{R: 0x16, G: 0xa3, B: 0x4a, A: 0xff}
	}
	return color.NRGBA{R: 0x6b, G: 0x72, B: 0x80, A: 0xff}
}

// calAccountLabel names an account in the select: «ВК · Губернатор…».
func calAccountLabel(a data.Account) string {
	return platformShort(a.Platform) + " · " + a.Name
}
