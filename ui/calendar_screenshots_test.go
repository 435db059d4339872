package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"otklik/app"
	"otklik/data"
)

// showCalendar switches the window to the calendar and waits for it.
func showCalendar(m *MainWindow) *calendarView {
	m.show(sectionCalendar)
	m.b.settle()
	return m.calendarView()
}

// worstDraft is the draft that reads most like an official memo.
func worstDraft(v *calendarView) data.CalendarItem {
	var worst data.CalendarItem
	best := 101
	for _, it := range v.items {
		if it.Status != app.CalendarDraft {
			continue
		}
		if s := v.core.CheckText(it.Title + "\n" + it.Text).Score; s < best {
			best, worst = s, it
		}
	}
	return worst
}

// TestScreenshotsCalendar renders the calendar on the real demo region at a
// laptop's 1366×768: the month, the week and the канцелярит draft.
func TestScreenshotsCalendar(t *testing.T) {
	dir := screenshotsDir(t)
	m, _ := newRealWindow(t, ThemeLight)
	m.Window.Resize(fyne.NewSize(1366, 768))
	save := saveFrame(t, dir, m)
	v := showCalendar(m)
	save("calendar-month")
	draft := worstDraft(v)
	if draft.ID == 0 {
		t.Fatal("the demo month has no draft")
	}
	v.anchor, v.week = dayOf(draft.PlannedAt), true
	v.reload()
	save("calendar-week")
	v.open(draft)
	save("calendar-draft")
}
