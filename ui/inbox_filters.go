package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// Date range presets of the «Фильтры» popup.
const (
	periodAny = iota
	periodToday
	periodYesterday
	periodWeek
	period7
	period30
	periodCustom
)

// Deadline choices.
const (
	deadlineAny = iota
	deadlineOverdue
	deadlineSoon
	deadlineToday
)

// moreFilters are the filters beyond the toolbar's four selects, in a
// popup behind «Фильтры»; the button shows how many are on.
type moreFilters struct {
	v          *inboxView
	btn        *widget.Button
	account    *widget.Select
	sentiment  *widget.Select
	assignee   *widget.Select
	deadline   *widget.Select
	period     *widget.Select
	from, to   *widget.Entry
	unanswered *widget.Check
	bad        *widget.Label
	reset      *widget.Button
	accounts   []data.Account
	names      []string // assignee options after the fixed ones
	popup      *widget.PopUp
	form       fyne.CanvasObject
	syncing    bool
}

func newMoreFilters(v *inboxView) *moreFilters {
	f := &moreFilters{v: v, syncing: true}
	defer func() { f.syncing = false }()
	changed := func(string) { f.changed() }
	f.account = widget.NewSelect([]string{T("filter.all_accounts")}, changed)
	f.sentiment = widget.NewSelect([]string{T("filter.any_sentiment"), T("sentiment.negative"), T("sentiment.neutral"), T("sentiment.positive")}, changed)
	f.assignee = widget.NewSelect([]string{T("filter.any_assignee"), T("filter.unassigned")}, changed)
	f.deadline = widget.NewSelect([]string{T("filter.any_deadline"), T("view.overdue"), T("filter.due_soon"), T("filter.due_today")}, changed)
	f.period = widget.NewSelect([]string{T("filter.any_date"), T("filter.today"), T("filter.yesterday"), T("filter.this_week"),
		T("filter.days7"), T("filter.days30"), T("filter.custom")}, changed)
	for _, s := range []*widget.Select{f.account, f.sentiment, f.assignee, f.deadline, f.period} {
		s.SetSelectedIndex(0)
	}
	f.from, f.to = widget.NewEntry(), widget.NewEntry()
	f.from.SetPlaceHolder(T("filter.date_placeholder"))
	f.to.SetPlaceHolder(T("filter.date_placeholder"))
	f.from.OnChanged, f.to.OnChanged = changed, changed
	f.unanswered = widget.NewCheck(T("filter.unanswered"), func(bool) { f.changed() })
	f.bad = widget.NewLabel("")
	f.bad.Importance = widget.DangerImportance
	f.bad.Hide()
	f.reset = widget.NewButtonWithIcon(T("filter.reset"), theme.ContentClearIcon(), f.clear)
	f.btn = widget.NewButtonWithIcon(T("filter.more"), theme.ListIcon(), f.show)
	dates := container.NewGridWithColumns(2, f.from, f.to)
	f.form = container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(T("filter.account"), f.account),
			widget.NewFormItem(T("filter.sentiment"), f.sentiment),
			widget.NewFormItem(T("filter.assignee"), f.assignee),
			widget.NewFormItem(T("filter.deadline"), f.deadline),
			widget.NewFormItem(T("filter.period"), f.period),
			widget.NewFormItem(T("filter.from_to"), dates),
		),
		f.unanswered, f.bad,
		container.NewHBox(f.reset),
	)
	return f
}

// load fills the account list off the UI goroutine.
func (f *moreFilters) load() {
	async(f.v.b, func(ctx context.Context) ([]data.Account, error) { return f.v.core.InboxAccounts(ctx) },
		func(accs []data.Account, err error) {
			if err != nil {
				return
			}
			f.accounts = accs
			opts := []string{T("filter.all_accounts")}
			for _, a := range accs {
				opts = append(opts, platformShort(a.Platform)+" · "+a.Name)
			}
			f.syncing = true
			i := f.account.SelectedIndex()
			f.account.SetOptions(opts)
			f.account.SetSelectedIndex(max(0, min(i, len(opts)-1)))
			f.syncing = false
		})
}

func (f *moreFilters) show() {
	// Colleagues come from the rows seen, so assigning and filtering agree.
	f.syncing = true
	cur := f.assignee.Selected
	f.names = f.v.assignees("")
	f.assignee.SetOptions(append([]string{T("filter.any_assignee"), T("filter.unassigned")}, f.names...))
	f.assignee.SetSelected(cur)
	if f.assignee.SelectedIndex() < 0 {
		f.assignee.SetSelectedIndex(0)
	}
	f.syncing = false
	f.popup = widget.NewPopUp(container.New(fixedWidth(380), container.NewPadded(f.form)), f.v.win.Canvas())
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f.btn)
	ps := f.popup.MinSize()
	x := min(pos.X, f.v.win.Canvas().Size().Width-ps.Width-theme.Padding())
	f.popup.ShowAtPosition(fyne.NewPos(max(0, x), pos.Y+f.btn.Size().Height))
}

func (f *moreFilters) changed() {
	if f.syncing {
		return
	}
	custom := f.period.SelectedIndex() == periodCustom
	if custom {
		f.from.Enable()
		f.to.Enable()
	} else {
		f.from.Disable()
		f.to.Disable()
	}
	f.updateButton()
	f.v.reloadList(true)
}

func (f *moreFilters) clear() {
	f.syncing = true
	for _, s := range []*widget.Select{f.account, f.sentiment, f.assignee, f.deadline, f.period} {
		s.SetSelectedIndex(0)
	}
	f.from.SetText("")
	f.to.SetText("")
	f.unanswered.SetChecked(false)
	f.syncing = false
	f.changed()
}

// active counts the filters that are on.
func (f *moreFilters) active() int {
	n := 0
	for _, s := range []*widget.Select{f.account, f.sentiment, f.assignee, f.deadline, f.period} {
		if s.SelectedIndex() > 0 {
			n++
		}
	}
	if f.unanswered.Checked {
		n++
	}
	return n
}

func (f *moreFilters) updateButton() {
	if n := f.active(); n > 0 {
		f.btn.SetText(Tf("filter.more_n", map[string]any{"N": n}))
		f.btn.Importance = widget.HighImportance
	} else {
		f.btn.SetText(T("filter.more"))
		f.btn.Importance = widget.MediumImportance
	}
	f.btn.Refresh()
}

// apply narrows q by the popup's filters. A date that cannot be read is
// shown in red and ignored rather than silently emptying the list.
func (f *moreFilters) apply(q *Query, now time.Time) {
	if i := f.account.SelectedIndex(); i > 0 && i <= len(f.accounts) {
		q.AccountIDs = intersect(q.AccountIDs, []int64{f.accounts[i-1].ID})
	}
	if i := f.sentiment.SelectedIndex(); i > 0 {
		q.Sentiments = intersect(q.Sentiments, []data.Sentiment{[]data.Sentiment{data.Negative, data.Neutral, data.Positive}[i-1]})
	}
	switch i := f.assignee.SelectedIndex(); {
	case i == 1:
		q.Assignee = narrowAssignee(q.Assignee, "-")
	case i > 1 && i-2 < len(f.names):
		q.Assignee = narrowAssignee(q.Assignee, f.names[i-2])
	}
	switch f.deadline.SelectedIndex() {
	case deadlineOverdue:
		q.Overdue = true
	case deadlineSoon:
		q.DueSoon = app.DueSoonWindow
	case deadlineToday:
		q.DueSoon = 24 * time.Hour
	}
	if q.Overdue && q.DueSoon > 0 {
		// Overdue and «not yet overdue» together select nothing; say so
		// with an impossible status rather than a contradictory filter.
		q.DueSoon = 0
		q.Statuses = []data.Status{""}
	}
	since, until, bad := f.dates(now)
	if bad {
		f.bad.SetText(T("filter.bad_date"))
		f.bad.Show()
	} else {
		f.bad.Hide()
	}
	if !since.IsZero() && (q.Since.IsZero() || since.After(q.Since)) {
		q.Since = since
	}
	if !until.IsZero() && (q.Until.IsZero() || until.Before(q.Until)) {
		q.Until = until
	}
	q.HasUnanswered = q.HasUnanswered || f.unanswered.Checked
}

// narrowAssignee combines a view's assignee with the popup's: the same or
// none keeps it, two different names select nobody.
func narrowAssignee(have, want string) string {
	if have == "" || have == want {
		return want
	}
	return "\x00"
}

// dates turns the period into [since, until) in the clock's time zone.
func (f *moreFilters) dates(now time.Time) (since, until time.Time, bad bool) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch f.period.SelectedIndex() {
	case periodToday:
		return day, time.Time{}, false
	case periodYesterday:
		return day.AddDate(0, 0, -1), day, false
	case periodWeek:
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)), time.Time{}, false
	case period7:
		return day.AddDate(0, 0, -6), time.Time{}, false
	case period30:
		return day.AddDate(0, 0, -29), time.Time{}, false
	case periodCustom:
		var err1, err2 error
		since, err1 = parseDay(f.from.Text, now.Location())
		until, err2 = parseDay(f.to.Text, now.Location())
		if !until.IsZero() {
			until = until.AddDate(0, 0, 1) // «по 27.11» includes the 27th
		}
		return since, until, err1 != nil || err2 != nil
	}
	return time.Time{}, time.Time{}, false
}

// parseDay reads «27.11.2026» or «27.11.26»; empty is no bound.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"02.01.2006", "2.1.2006", "02.01.06", "2.1.06", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	_, err := time.ParseInLocation("02.01.2006", s, loc)
	return time.Time{}, err
}
