package ui

// The fake core's content calendar: items in memory with the core's
// workflow rules (app.CalendarCanTransition) and the real rules check
// (plan.Evaluate) over them, so the shell's tests see a working calendar.

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"otklik/app"
	"otklik/app/plan"
	"otklik/data"
)

type fakeCalendar struct {
	items []data.CalendarItem
	next  int64
}

// CalendarAccounts implements CalendarCore: every network account.
func (c *fakeCore) CalendarAccounts(context.Context) ([]data.Account, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []data.Account
	for _, a := range c.fx.Accounts {
		if a.Platform != data.POS {
			out = append(out, a)
		}
	}
	return out, nil
}

// CalendarItems implements CalendarCore.
func (c *fakeCore) CalendarItems(_ context.Context, from, to time.Time, accountID int64) ([]data.CalendarItem, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []data.CalendarItem
	for _, it := range c.cal.items {
		if !it.PlannedAt.Before(from) && it.PlannedAt.Before(to) && (accountID == 0 || it.AccountID == accountID) {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b data.CalendarItem) int { return a.PlannedAt.Compare(b.PlannedAt) })
	return out, nil
}

func (c *fakeCore) calFind(id int64) int {
	return slices.IndexFunc(c.cal.items, func(it data.CalendarItem) bool { return it.ID == id })
}

// SaveCalendarItem implements CalendarCore.
func (c *fakeCore) SaveCalendarItem(_ context.Context, it *data.CalendarItem) error {
	if it.Title == "" && it.Text == "" || it.PlannedAt.IsZero() || it.AccountID == 0 {
		return fmt.Errorf("%w: title or text, time and account are needed", app.ErrCalendarInvalid)
	}
	c.mu.Lock()
	v := *it
	v.PlannedAt = v.PlannedAt.UTC().Truncate(time.Minute)
	if v.ID == 0 {
		c.cal.next++
		v.ID = c.cal.next + 1000
		if v.Status == "" {
			v.Status = app.CalendarDraft
		}
		c.cal.items = append(c.cal.items, v)
	} else {
		i := c.calFind(v.ID)
		if i < 0 {
			c.mu.Unlock()
			return data.ErrNotFound
		}
		v.Status, v.Approver = c.cal.items[i].Status, c.cal.items[i].Approver
		c.cal.items[i] = v
	}
	c.calls = append(c.calls, fmt.Sprintf("SaveCalendarItem %d", v.ID))
	c.mu.Unlock()
	*it = v
	c.Publish(Event{Kind: EventCalendar})
	return nil
}

func (c *fakeCore) calUpdate(call string, id int64, fn func(*data.CalendarItem) error) (data.CalendarItem, error) {
	c.mu.Lock()
	i := c.calFind(id)
	if i < 0 {
		c.mu.Unlock()
		return data.CalendarItem{}, data.ErrNotFound
	}
	it := c.cal.items[i]
	if err := fn(&it); err != nil {
		c.mu.Unlock()
		return it, err
	}
	c.cal.items[i] = it
	c.calls = append(c.calls, call)
	c.mu.Unlock()
	c.Publish(Event{Kind: EventCalendar})
	return it, nil
}

// MoveCalendarItem implements CalendarCore.
func (c *fakeCore) MoveCalendarItem(_ context.Context, id int64, at time.Time) (data.CalendarItem, error) {
	return c.calUpdate(fmt.Sprintf("MoveCalendarItem %d %s", id, at.In(msk).Format("2006-01-02 15:04")), id, func(it *data.CalendarItem) error {
		if it.Status == app.CalendarPublished {
			return app.ErrCalendarPublished
		}
		it.PlannedAt = at.UTC().Truncate(time.Minute)
		return nil
	})
}

// DuplicateCalendarItem implements CalendarCore.
func (c *fakeCore) DuplicateCalendarItem(ctx context.Context, id int64, at time.Time) (data.CalendarItem, error) {
	c.mu.Lock()
	i := c.calFind(id)
	if i < 0 {
		c.mu.Unlock()
		return data.CalendarItem{}, data.ErrNotFound
	}
	src := c.cal.items[i]
	c.mu.Unlock()
	if at.IsZero() {
		at = src.PlannedAt.AddDate(0, 0, 1)
	}
	cp := data.CalendarItem{AccountID: src.AccountID, Kind: src.Kind, Title: src.Title, Text: src.Text,
		District: src.District, PlannedAt: at, Status: app.CalendarDraft}
	err := c.SaveCalendarItem(ctx, &cp)
	return cp, err
}

// DeleteCalendarItem implements CalendarCore.
func (c *fakeCore) DeleteCalendarItem(_ context.Context, id int64) error {
	c.mu.Lock()
	i := c.calFind(id)
	if i < 0 {
		c.mu.Unlock()
		return data.ErrNotFound
	}
	c.cal.items = slices.Delete(c.cal.items, i, i+1)
	c.calls = append(c.calls, fmt.Sprintf("DeleteCalendarItem %d", id))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventCalendar})
	return nil
}

// SetCalendarStatus implements CalendarCore with the core's workflow.
func (c *fakeCore) SetCalendarStatus(_ context.Context, id int64, to string) (data.CalendarItem, error) {
	return c.calUpdate(fmt.Sprintf("SetCalendarStatus %d %s", id, to), id, func(it *data.CalendarItem) error {
		if !app.CalendarCanTransition(it.Status, to) {
			return app.ErrCalendarTransition
		}
		switch to {
		case app.CalendarApproved:
			it.Approver = c.fx.User
		case app.CalendarIdea, app.CalendarDraft, app.CalendarReview:
			it.Approver = ""
		case app.CalendarPublished:
			it.PublishedAt = c.fx.Now
		}
		it.Status = to
		return nil
	})
}

// CheckCalendar implements CalendarCore with the real rules over the fake's items.
func (c *fakeCore) CheckCalendar(_ context.Context, now time.Time, lang string) (plan.Report, error) {
	c.mu.Lock()
	items := slices.Clone(c.cal.items)
	accs := map[int64]data.Account{}
	rules := plan.DefaultRules()
	rules.Accounts = map[int64]plan.AccountRules{}
	for _, a := range c.fx.Accounts {
		if a.Platform != data.POS {
			accs[a.ID] = a
			rules.Accounts[a.ID] = rules.Default
		}
	}
	c.mu.Unlock()
	return plan.Evaluate(items, nil, rules, now, plan.Options{Lang: lang, Horizon: app.CheckHorizon, Accounts: accs}), nil
}

// CheckText implements CalendarCore.
func (c *fakeCore) CheckText(text string) plan.TextReport { return plan.CheckText(text) }

// ExportICS implements CalendarCore.
func (c *fakeCore) ExportICS(ctx context.Context, w io.Writer, from, to time.Time) error {
	items, _ := c.CalendarItems(ctx, from, to, 0)
	accs := map[int64]data.Account{}
	for _, a := range c.fx.Accounts {
		accs[a.ID] = a
	}
	return plan.WriteICS(w, items, accs, c.fx.Now)
}

// PlanSuggestion implements CalendarCore: a draft at the slot.
func (c *fakeCore) PlanSuggestion(ctx context.Context, s plan.Suggestion) (data.CalendarItem, error) {
	it := data.CalendarItem{AccountID: s.AccountID, Kind: s.Kind, District: s.District, PlannedAt: s.At,
		Status: app.CalendarDraft, Title: "Пост по плану"}
	err := c.SaveCalendarItem(ctx, &it)
	return it, err
}

// AddCalendarItem stores an item in any status, as a test's setup.
func (c *fakeCore) AddCalendarItem(it data.CalendarItem) data.CalendarItem {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cal.next++
	it.ID = c.cal.next + 1000
	it.PlannedAt = it.PlannedAt.UTC()
	c.cal.items = append(c.cal.items, it)
	return it
}
