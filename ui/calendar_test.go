package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// calAt is a moment of the fixture's week (Friday 14 March 2025) in Moscow time.
func calAt(day, hour, minute int) time.Time {
	return time.Date(2025, 3, day, hour, minute, 0, 0, msk)
}

// seedCalendar plans a realistic week around the fixture's clock.
func seedCalendar(fc *fakeCore) map[string]data.CalendarItem {
	out := map[string]data.CalendarItem{}
	for _, it := range []data.CalendarItem{
		{AccountID: 1, Kind: "photo", Title: "Новая школа в Рудне", Text: "Строители возвели третий этаж.", District: "rudnya", PlannedAt: calAt(14, 18, 0), Status: app.CalendarApproved, Approver: "Пётр Иванов"},
		{AccountID: 1, Kind: "post", Title: "Итоги недели", Text: "Главное за неделю: дороги, школы, газ.", PlannedAt: calAt(15, 10, 30), Status: app.CalendarReview},
		{AccountID: 2, Kind: "video", Title: "Ремонт моста в Ярцеве", Text: "Показываем, как идут работы.", PlannedAt: calAt(17, 12, 0), Status: app.CalendarDraft},
		{AccountID: 1, Kind: "live", Title: "Прямой эфир с Вязьмой", Text: "Отвечаем на вопросы жителей.", District: "vyazma", PlannedAt: calAt(19, 19, 0), Status: app.CalendarIdea},
		{AccountID: 3, Kind: "story", Title: "Закулисье приёма граждан", PlannedAt: calAt(13, 9, 0), Status: app.CalendarApproved, Approver: "Пётр Иванов"},
		{AccountID: 2, Kind: "post", Title: "Отопление в Рославле", Text: "Котельная вышла на режим.", PlannedAt: calAt(12, 11, 0), Status: app.CalendarPublished, PublishedAt: calAt(12, 11, 2)},
	} {
		out[it.Title] = fc.AddCalendarItem(it)
	}
	return out
}

func newCalendarWindow(t *testing.T, th string) (*MainWindow, *fakeCore, *calendarView, map[string]data.CalendarItem) {
	t.Helper()
	m, fc := newTestWindow(t, th)
	items := seedCalendar(fc)
	v := showCalendar(m)
	v.reload()
	m.b.settle()
	return m, fc, v, items
}

func (v *calendarView) chipOf(id int64) *calItemChip {
	for _, c := range v.chips {
		if c.item.ID == id {
			return c
		}
	}
	return nil
}

func (v *calendarView) cellOf(day time.Time, hour int) *calCell {
	for _, c := range v.cells {
		if c.day.Equal(day) && c.hour == hour {
			return c
		}
	}
	return nil
}

func storedItem(t *testing.T, fc *fakeCore, id int64) data.CalendarItem {
	t.Helper()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if i := fc.calFind(id); i >= 0 {
		return fc.cal.items[i]
	}
	t.Fatalf("item %d is gone", id)
	return data.CalendarItem{}
}

// dragTo drags a chip and releases it over the middle of a cell, the way
// the desktop driver reports it: absolute pointer positions.
func dragTo(c *calItemChip, cell *calCell) {
	d := fyne.CurrentApp().Driver()
	start := d.AbsolutePositionForObject(c).Add(fyne.NewPos(5, 5))
	end := d.AbsolutePositionForObject(cell).Add(fyne.NewPos(cell.Size().Width/2, cell.Size().Height-4))
	mid := fyne.NewPos((start.X+end.X)/2, (start.Y+end.Y)/2)
	for _, p := range []fyne.Position{mid, end} {
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: p}, Dragged: fyne.NewDelta(p.X-start.X, p.Y-start.Y)})
	}
	c.DragEnd()
}

func TestCalendarOpensOnTodaysMonth(t *testing.T) {
	_, _, v, items := newCalendarWindow(t, ThemeLight)
	if got, want := v.title.Text, "Март 2025"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if len(v.cells) != 42 || !v.cellOf(calAt(14, 0, 0).Add(-time.Duration(calAt(14, 0, 0).Hour())*time.Hour), -1).today {
		t.Error("today's cell is not highlighted")
	}
	missed := v.chipOf(items["Закулисье приёма граждан"].ID)
	if missed == nil || !missed.missed {
		t.Error("the approved story of yesterday is not shown as missed")
	}
	if c := v.chipOf(items["Новая школа в Рудне"].ID); c == nil || c.missed {
		t.Error("today's approved photo is missing or red")
	}
}

func TestCalendarCreateByDoubleTap(t *testing.T) {
	m, fc, v, _ := newCalendarWindow(t, ThemeLight)
	cell := v.cellOf(dayOf(calAt(18, 0, 0)), -1)
	test.DoubleTap(cell)
	e := v.editor
	if e == nil {
		t.Fatal("a double tap on a day opens no editor")
	}
	test.Type(e.title, "Субботник в Сафонове")
	test.Type(e.text, "В субботу выходим на субботник: грабли и мешки выдадут на месте.")
	e.kind.SetSelected(T("calendar.kind.photo"))
	test.Tap(e.save)
	m.b.settle()
	var got *data.CalendarItem
	for _, it := range fc.cal.items {
		if it.Title == "Субботник в Сафонове" {
			got = &it
		}
	}
	if got == nil {
		t.Fatal("the new item was not saved")
	}
	if !got.PlannedAt.Equal(calAt(18, 9, 0)) || got.Kind != "photo" || got.AccountID != 1 || got.Status != app.CalendarDraft {
		t.Errorf("new item: %+v", *got)
	}
	if v.editor != nil {
		t.Error("the editor stays open after «Сохранить»")
	}
	if v.chipOf(got.ID) == nil {
		t.Error("the new item is not in the grid")
	}
}

func TestCalendarDragMovesAnItem(t *testing.T) {
	m, fc, v, items := newCalendarWindow(t, ThemeLight)
	it := items["Итоги недели"]
	dragTo(v.chipOf(it.ID), v.cellOf(dayOf(calAt(20, 0, 0)), -1))
	m.b.settle()
	if got := storedItem(t, fc, it.ID).PlannedAt; !got.Equal(calAt(20, 10, 30)) {
		t.Errorf("month drag: planned %v, want 20 March 10:30", got.In(msk))
	}
	// The week grid moves to the hour, keeping the minutes.
	v.anchor, v.week = dayOf(calAt(20, 0, 0)), true
	v.reload()
	m.b.settle()
	v.weekScroll.Offset = fyne.NewPos(0, 0)
	v.weekScroll.Refresh()
	dragTo(v.chipOf(it.ID), v.cellOf(dayOf(calAt(21, 0, 0)), 10))
	m.b.settle()
	if got := storedItem(t, fc, it.ID).PlannedAt; !got.Equal(calAt(21, 10, 30)) {
		t.Errorf("week drag: planned %v, want 21 March 10:30", got.In(msk))
	}
	// A published item stays where it went out.
	pub := items["Отопление в Рославле"]
	v.anchor, v.week = dayOf(pub.PlannedAt), false
	v.reload()
	m.b.settle()
	dragTo(v.chipOf(pub.ID), v.cellOf(dayOf(calAt(20, 0, 0)), -1))
	m.b.settle()
	if got := storedItem(t, fc, pub.ID).PlannedAt; !got.Equal(pub.PlannedAt) {
		t.Errorf("a published item moved to %v", got)
	}
}

func TestCalendarApproveDuplicateMoveDelete(t *testing.T) {
	m, fc, v, items := newCalendarWindow(t, ThemeLight)
	it := items["Итоги недели"]
	test.Tap(v.chipOf(it.ID))
	e := v.editor
	if e == nil || e.title.Text != "Итоги недели" {
		t.Fatal("a tap on a chip opens no editor")
	}
	if _, ok := e.flowButtons[app.CalendarPublished]; ok {
		t.Error("an item in review offers «опубликовано»")
	}
	test.Tap(e.flowButtons[app.CalendarApproved])
	m.b.settle()
	got := storedItem(t, fc, it.ID)
	if got.Status != app.CalendarApproved || got.Approver != fc.fx.User {
		t.Errorf("after «Согласовать»: %s by %q", got.Status, got.Approver)
	}
	if !strings.Contains(e.approver.Text, fc.fx.User) || e.flowButtons[app.CalendarScheduled] == nil {
		t.Errorf("the editor does not follow: %q, buttons %v", e.approver.Text, e.flowButtons)
	}
	// The keyboard way to move: a day later.
	test.Tap(e.later)
	m.b.settle()
	if got := storedItem(t, fc, it.ID).PlannedAt; !got.Equal(calAt(16, 10, 30)) {
		t.Errorf("«На день позже»: %v", got.In(msk))
	}
	test.Tap(e.duplicate)
	m.b.settle()
	cp := v.editor
	if cp == e || cp.item.ID == it.ID || cp.item.Title != "Итоги недели" || cp.item.Status != app.CalendarDraft {
		t.Fatalf("duplicate: %+v", cp.item)
	}
	n := len(fc.cal.items)
	test.Tap(cp.remove)
	confirm := calFindButton(m.Window.Canvas(), "Yes", "Да", "OK")
	if confirm == nil {
		t.Fatal("no confirmation for «Удалить»")
	}
	test.Tap(confirm)
	m.b.settle()
	if len(fc.cal.items) != n-1 || fc.calFind(cp.item.ID) >= 0 {
		t.Error("the duplicate was not deleted")
	}
}

// calFindButton finds a button in the top overlay labelled with one of texts.
func calFindButton(c fyne.Canvas, texts ...string) *widget.Button {
	top := c.Overlays().Top()
	if top == nil {
		return nil
	}
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil {
			return
		}
		if b, ok := o.(*widget.Button); ok {
			for _, t := range texts {
				if strings.EqualFold(b.Text, t) {
					found = b
				}
			}
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, ch := range x.Objects {
				walk(ch)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(x)
			for _, ch := range r.Objects() {
				walk(ch)
			}
		}
	}
	walk(top)
	return found
}

func TestCalendarSuggestionCreatesADraft(t *testing.T) {
	m, fc, v, _ := newCalendarWindow(t, ThemeLight)
	if len(v.side.suggestionButtons) == 0 {
		t.Fatal("the rules panel offers no slot")
	}
	var k int
	for i, sg := range v.side.suggestions {
		if sg.ItemID == 0 {
			k = i
			break
		}
	}
	sg := v.side.suggestions[k]
	if want := Tf("calendar.plan_at"+map[bool]string{true: "", false: "." + sg.Kind}[sg.Kind == "post"],
		map[string]any{"When": calWhen(sg.At)}); v.side.suggestionButtons[k].Text != want {
		t.Errorf("button %q, want %q", v.side.suggestionButtons[k].Text, want)
	}
	n := len(fc.cal.items)
	test.Tap(v.side.suggestionButtons[k])
	m.b.settle()
	if len(fc.cal.items) != n+1 {
		t.Fatal("no draft created")
	}
	got := fc.cal.items[len(fc.cal.items)-1]
	if !got.PlannedAt.Equal(sg.At) || got.AccountID != sg.AccountID || got.Status != app.CalendarDraft {
		t.Errorf("draft %+v for suggestion %+v", got, sg)
	}
	if v.editor == nil || v.editor.item.ID != got.ID {
		t.Error("the new draft is not opened for writing")
	}
}

func TestCalendarLiveLanguageCheck(t *testing.T) {
	_, _, v, items := newCalendarWindow(t, ThemeLight)
	v.open(items["Итоги недели"])
	e := v.editor
	e.text.SetText("")
	test.Type(e.text, "В целях обеспечения надлежащего функционирования объектов осуществляется проведение мероприятий.")
	if e.check.Score >= 40 || !strings.Contains(e.score.text, "Живой язык") {
		t.Errorf("канцелярит scored %d, badge %q", e.check.Score, e.score.text)
	}
	if len(e.findings.Objects) == 0 {
		t.Error("no suggestions listed")
	}
	// A long text that addresses no one: the finding about the whole text
	// quotes nothing.
	e.text.SetText(strings.Repeat("В целях обеспечения надлежащего функционирования объектов осуществляется проведение мероприятий. ", 3))
	noAddress := false
	for _, o := range e.findings.Objects {
		l := o.(*widget.Label)
		if strings.Contains(l.Text, "«»") {
			t.Errorf("an empty quote: %q", l.Text)
		}
		noAddress = noAddress || strings.HasPrefix(l.Text, "Обратитесь к людям")
	}
	if !noAddress {
		t.Error("no finding about addressing the reader")
	}
	e.text.SetText("")
	test.Type(e.text, "В целях обеспечения надлежащего функционирования объектов осуществляется проведение мероприятий.")
	marked := false
	for _, s := range e.preview.Segments {
		if ts, ok := s.(*widget.TextSegment); ok && ts.Style.TextStyle.Bold && strings.Contains(ts.Text, "целях обеспечения") {
			marked = true
		}
	}
	if !marked {
		t.Error("«в целях обеспечения» is not marked in the text")
	}
	e.text.SetText("Приходите в субботу на субботник в Сафонове: грабли выдадим, чай будет горячий.")
	if e.check.Score < 70 {
		t.Errorf("live language scored %d", e.check.Score)
	}
}

func TestCalendarExportWritesICS(t *testing.T) {
	m, _, v, _ := newCalendarWindow(t, ThemeLight)
	var buf closingBuffer
	var got error = errNotCalled
	v.export(&buf, func(err error) { got = err })
	m.b.settle()
	if got != nil || !buf.closed {
		t.Fatalf("export: %v, closed %v", got, buf.closed)
	}
	if s := buf.String(); !strings.HasPrefix(s, "BEGIN:VCALENDAR") || strings.Count(s, "BEGIN:VEVENT") != 6 {
		t.Errorf("ICS:\n%s", s)
	}
}

type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closingBuffer) Close() error { b.closed = true; return nil }

var errNotCalled = errorString("done was not called")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestCalendarGolden(t *testing.T) {
	m, _, v, _ := newCalendarWindow(t, ThemeLight)
	test.AssertImageMatches(t, "calendar_month_light.png", m.Window.Canvas().Capture())
	v.week = true
	v.reload()
	m.b.settle()
	test.AssertImageMatches(t, "calendar_week_light.png", m.Window.Canvas().Capture())
}
