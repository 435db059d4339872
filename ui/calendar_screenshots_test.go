package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"otklik/app"
	"otklik/data"
)

// showCalendar switches the window to the calendar and waits for it.
func showCalendar(m *MainWindow) *calendarView {
	for _, ti := range m.tabs.Items {
		if ti.Content == m.calendar.content {
			m.tabs.Select(ti)
		}
	}
	m.b.settle()
	return m.calendar
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
	dir := *screenshotDir
	if dir == "" {
		dir = os.Getenv("OTKLIK_SCREENSHOTS")
	}
	if dir == "" {
		t.Skip("pass -screenshots=DIR or OTKLIK_SCREENSHOTS=DIR to write screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	m, _ := newRealWindow(t, ThemeLight)
	m.Window.Resize(fyne.NewSize(1366, 768))
	save := func(name string) {
		t.Helper()
		m.b.settle()
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, m.Window.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
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
