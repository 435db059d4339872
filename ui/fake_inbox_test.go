package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"otklik/app"
	"otklik/data"
)

// fakeInbox is what the fake core keeps for triage: the state of the
// messages the last action changed (for Undo), the outbox and the saved
// replies. Guarded by fakeCore.mu.
type fakeInbox struct {
	undoCall string
	before   []data.Message
	undoBox  int64
	outbox   []data.OutboxItem
	// templates are the saved replies, fakeTemplates until the first
	// change (tplOwn).
	templates []data.Template
	tplOwn    bool
}

// fakeTemplates are the saved replies the demo seeds, in its words.
var fakeTemplates = []data.Template{
	{ID: 1, Name: "Дороги: ямочный ремонт", Category: "roads", Text: "Здравствуйте, {имя}! Передали информацию в администрацию {район} и подрядчику. Ямочный ремонт запланирован до {дата}, проконтролируем."},
	{ID: 2, Name: "ЖКХ: отопление", Category: "housing", Text: "{имя}, здравствуйте! Обращение передали в теплоснабжающую организацию и Госжилинспекцию. Специалисты проверят ваш дом до {дата}."},
	{ID: 3, Name: "Благодарность", Category: "thanks", Text: "{имя}, спасибо за добрые слова! Обязательно передадим их коллегам в {район}."},
}

// remember keeps copies of ids before a change; the caller holds c.mu.
func (c *fakeCore) remember(call string, ids []int64) {
	c.inb.undoCall, c.inb.before, c.inb.undoBox = call, nil, 0
	for _, id := range ids {
		if m := c.find(id); m != nil {
			cp := *m
			cp.Tags = slices.Clone(m.Tags)
			c.inb.before = append(c.inb.before, cp)
		}
	}
}

// AddTag implements Core.
func (c *fakeCore) AddTag(_ context.Context, ids []int64, tag string) error {
	tag = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
	if tag == "" {
		return errors.New("empty tag")
	}
	return c.change("AddTag "+tag, ids, func(m *data.Message) {
		if !slices.Contains(m.Tags, tag) {
			m.Tags = append(m.Tags, tag)
		}
	})
}

// RemoveTag implements Core.
func (c *fakeCore) RemoveTag(_ context.Context, ids []int64, tag string) error {
	return c.change("RemoveTag "+tag, ids, func(m *data.Message) {
		m.Tags = slices.DeleteFunc(m.Tags, func(t string) bool { return t == tag })
	})
}

// Undo implements Core: the remembered messages are put back whole.
func (c *fakeCore) Undo(_ context.Context) (UndoInfo, error) {
	c.mu.Lock()
	if c.inb.before == nil {
		c.mu.Unlock()
		return UndoInfo{}, app.ErrNothingToUndo
	}
	info := UndoInfo{Action: fakeAction(c.inb.undoCall), Count: len(c.inb.before), At: c.fx.Now}
	for _, b := range c.inb.before {
		if m := c.find(b.ID); m != nil {
			*m = b
		}
	}
	if c.inb.undoBox != 0 {
		c.inb.outbox = slices.DeleteFunc(c.inb.outbox, func(it data.OutboxItem) bool { return it.ID == c.inb.undoBox })
	}
	c.calls = append(c.calls, "Undo "+c.inb.undoCall)
	c.inb.before, c.inb.undoCall, c.inb.undoBox = nil, "", 0
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
	return info, nil
}

func fakeAction(call string) string {
	switch strings.Fields(call + " x")[0] {
	case "SetStatus":
		return app.ActionStatus
	case "Assign":
		return app.ActionAssign
	case "SetDistrict":
		return app.ActionDistrict
	case "SetCategory":
		return app.ActionCategory
	case "AddTag":
		return app.ActionTag
	case "RemoveTag":
		return app.ActionUntag
	case "Reply":
		return app.ActionReply
	}
	return call
}

// LastAction implements Core.
func (c *fakeCore) LastAction() (UndoInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inb.before == nil {
		return UndoInfo{}, false
	}
	return UndoInfo{Action: fakeAction(c.inb.undoCall), Count: len(c.inb.before), At: c.fx.Now}, true
}

// Templates implements Core, in the order they were made (the store sorts
// by name; the goldens were drawn with this order).
func (c *fakeCore) Templates(context.Context) ([]data.Template, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tpls()), nil
}

// tpls is the fake's own list of saved replies; the caller holds c.mu.
func (c *fakeCore) tpls() []data.Template {
	if !c.inb.tplOwn {
		c.inb.templates, c.inb.tplOwn = slices.Clone(fakeTemplates), true
	}
	return c.inb.templates
}

// SaveTemplate implements Core with the real core's checks.
func (c *fakeCore) SaveTemplate(_ context.Context, t *data.Template) error {
	t.Name, t.Text = strings.TrimSpace(t.Name), strings.TrimSpace(t.Text)
	if err := app.CheckTemplate(*t); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ts := c.tpls()
	for _, o := range ts {
		if o.ID != t.ID && strings.EqualFold(o.Name, t.Name) {
			return app.ErrTemplateNameTaken
		}
	}
	if t.ID == 0 {
		for _, o := range ts {
			t.ID = max(t.ID, o.ID)
		}
		t.ID++
		c.inb.templates = append(ts, *t)
		c.calls = append(c.calls, fmt.Sprintf("SaveTemplate %d", t.ID))
		return nil
	}
	i := slices.IndexFunc(ts, func(o data.Template) bool { return o.ID == t.ID })
	if i < 0 {
		return data.ErrNotFound
	}
	ts[i] = *t
	c.calls = append(c.calls, fmt.Sprintf("SaveTemplate %d", t.ID))
	return nil
}

// DeleteTemplate implements Core.
func (c *fakeCore) DeleteTemplate(_ context.Context, id int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	ts := c.tpls()
	i := slices.IndexFunc(ts, func(o data.Template) bool { return o.ID == id })
	if i < 0 {
		return data.ErrNotFound
	}
	c.inb.templates = slices.Delete(ts, i, i+1)
	c.calls = append(c.calls, fmt.Sprintf("DeleteTemplate %d", id))
	return nil
}

// FillTemplate implements Core like the real one, for the fixture's places.
func (c *fakeCore) FillTemplate(text string, m data.Message) string {
	district := "районе"
	for _, mu := range c.fx.Municipalities {
		if mu.Code == m.District {
			district = mu.Short
		}
	}
	due := m.AnswerDue
	if due.IsZero() || due.Before(c.fx.Now) {
		due = c.fx.Now.Add(7 * 24 * time.Hour)
	}
	return strings.NewReplacer(app.VarName, app.AddressName(m.AuthorName), app.VarDistrict, district,
		app.VarDate, app.RussianDate(due)).Replace(text)
}

// Reply implements Core: queued for the networks, a note for ПОС.
func (c *fakeCore) Reply(_ context.Context, id int64, text string) (data.OutboxItem, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return data.OutboxItem{}, errors.New("the reply is empty")
	}
	c.mu.Lock()
	m := c.find(id)
	if m == nil {
		c.mu.Unlock()
		return data.OutboxItem{}, data.ErrNotFound
	}
	lim := app.ReplyLimitFor(m.Platform)
	if n := lim.Length(text); n > lim.Max {
		c.mu.Unlock()
		return data.OutboxItem{}, fmt.Errorf("the reply is %d characters long; %s allows %d", n, m.Platform, lim.Max)
	}
	key := app.ReplyKey(id, text)
	for _, it := range c.inb.outbox {
		if it.IdempotencyKey == key {
			c.mu.Unlock()
			return it, nil
		}
	}
	c.remember("Reply", []int64{id})
	m.Status = data.StatusAnswered
	if m.FirstResponseAt.IsZero() {
		m.FirstResponseAt = c.fx.Now
	}
	var it data.OutboxItem
	if lim.Portal {
		c.fx.Notes = append(c.fx.Notes, data.Note{ID: int64(len(c.fx.Notes) + 1), MessageID: id, Author: c.summary.User,
			Text: "Ответ для портала «Решаем вместе»:\n" + text, CreatedAt: c.fx.Now})
	} else {
		it = data.OutboxItem{ID: int64(len(c.inb.outbox) + 1), AccountID: m.AccountID, Kind: "reply", MessageID: id,
			IdempotencyKey: key, Payload: fmt.Sprintf(`{"text":%q}`, text), State: data.OutboxQueued, CreatedAt: c.fx.Now}
		c.inb.outbox = append(c.inb.outbox, it)
		c.inb.undoBox = it.ID
	}
	c.calls = append(c.calls, fmt.Sprintf("Reply %d", id))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
	return it, nil
}

// SetOutbox changes an outbox item as the sync engine would, and tells subscribers.
func (c *fakeCore) SetOutbox(id int64, state data.OutboxState, lastError string) {
	c.mu.Lock()
	for i := range c.inb.outbox {
		if c.inb.outbox[i].ID == id {
			c.inb.outbox[i].State, c.inb.outbox[i].LastError = state, lastError
		}
	}
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
}

// MessageOutbox implements Core.
func (c *fakeCore) MessageOutbox(_ context.Context, id int64) ([]data.OutboxItem, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []data.OutboxItem
	for _, it := range c.inb.outbox {
		if it.MessageID == id {
			out = append(out, it)
		}
	}
	return out, nil
}

// RetryOutbox implements Core.
func (c *fakeCore) RetryOutbox(_ context.Context, id int64) error {
	c.mu.Lock()
	found := false
	for i := range c.inb.outbox {
		if it := &c.inb.outbox[i]; it.ID == id && it.State == data.OutboxFailed {
			it.State, it.LastError, found = data.OutboxQueued, "", true
		}
	}
	c.calls = append(c.calls, fmt.Sprintf("RetryOutbox %d", id))
	c.mu.Unlock()
	if !found {
		return data.ErrNotFound
	}
	c.Publish(Event{Kind: EventMessages})
	return nil
}

// ResponseReport implements Core over the fixture with nearest-rank
// percentiles, as the store computes them.
func (c *fakeCore) ResponseReport(_ context.Context, since, until time.Time) (Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	type acc struct {
		total int
		ds    []time.Duration
	}
	groups := [3]map[string]*acc{{}, {}, {}}
	for _, m := range c.fx.Messages {
		if m.FromOffice || (!since.IsZero() && m.CreatedAt.Before(since)) || (!until.IsZero() && !m.CreatedAt.Before(until)) {
			continue
		}
		msk := m.CreatedAt.In(time.FixedZone("MSK", 3*3600))
		monday := msk.AddDate(0, 0, -((int(msk.Weekday()) + 6) % 7)).Format(time.DateOnly)
		for i, k := range []string{m.Category, m.District, monday} {
			g := groups[i][k]
			if g == nil {
				g = &acc{}
				groups[i][k] = g
			}
			g.total++
			if !m.FirstResponseAt.IsZero() {
				g.ds = append(g.ds, max(m.FirstResponseAt.Sub(m.CreatedAt), 0).Truncate(time.Second))
			}
		}
	}
	label := func(i int, k string) string {
		switch i {
		case 0:
			for _, cat := range c.fx.Categories {
				if cat.Code == k {
					return cat.Name
				}
			}
		case 1:
			for _, mu := range c.fx.Municipalities {
				if mu.Code == k {
					return mu.Short
				}
			}
			return "Район не определён"
		case 2:
			t, _ := time.Parse(time.DateOnly, k)
			return "с " + app.RussianDate(t.Add(12*time.Hour))
		}
		return k
	}
	r := Report{Since: since, Until: until}
	outs := []*[]ReportRow{&r.ByCategory, &r.ByDistrict, &r.ByWeek}
	for i, g := range groups {
		keys := make([]string, 0, len(g))
		for k := range g {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			a := g[k]
			slices.Sort(a.ds)
			row := ReportRow{Key: k, Label: label(i, k), Total: a.total, Responded: len(a.ds)}
			if n := len(a.ds); n > 0 {
				row.Median, row.P90 = a.ds[(n*50+99)/100-1], a.ds[(n*90+99)/100-1]
			}
			*outs[i] = append(*outs[i], row)
		}
	}
	return r, nil
}

// InboxAccounts implements Core.
func (c *fakeCore) InboxAccounts(context.Context) ([]data.Account, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.fx.Accounts), nil
}

// hasOpenReply reports whether a resident's open reply sits under m, as
// the store's HasUnanswered filter does; the caller holds c.mu.
func (c *fakeCore) hasOpenReply(m *data.Message) bool {
	for i := range c.fx.Messages {
		o := &c.fx.Messages[i]
		if o.Platform == m.Platform && o.ParentExternalID == m.ExternalID && o.ParentExternalID != "" && !o.FromOffice && o.Status.Open() {
			return true
		}
	}
	return false
}
