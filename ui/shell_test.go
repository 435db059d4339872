package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// textStyles are the styles of every text drawn under o.
func textStyles(o fyne.CanvasObject) map[fyne.TextStyle]int {
	out := map[fyne.TextStyle]int{}
	for _, x := range test.LaidOutObjects(o) {
		if t, ok := x.(*canvas.Text); ok && t.Text != "" {
			out[t.TextStyle]++
		}
	}
	return out
}

// TestStartBuildsOnlyTheInbox: the window opens on the inbox with the other
// sections unbuilt and its text in two styles, regular and bold — the
// toolkit parses its fonts once for every style it measures, a few
// megabytes each for the life of the window. A section is built when its
// tab is first chosen, and events for an unbuilt section change nothing.
func TestStartBuildsOnlyTheInbox(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	if m.calendar != nil || m.report != nil || m.settings != nil || m.broadcast != nil {
		t.Fatal("a section other than the inbox was built at start")
	}
	m.inbox.list.Select(1)
	m.b.settle()
	styles := textStyles(m.Window.Canvas().Content())
	if styles[fyne.TextStyle{}] == 0 || styles[fyne.TextStyle{Bold: true}] == 0 {
		t.Fatalf("styles %v: want regular and bold text on screen", styles)
	}
	for s, n := range styles {
		if s != (fyne.TextStyle{}) && s != (fyne.TextStyle{Bold: true}) {
			t.Errorf("%d texts in style %+v on the inbox", n, s)
		}
	}

	for _, e := range []string{EventCalendar, EventReset, EventSync} {
		m.handle(Event{Kind: e})
	}
	m.b.settle()
	if m.calendar != nil || m.settings != nil {
		t.Fatal("an event built an unopened section")
	}

	for _, c := range []struct {
		sec   sectionID
		built func() fyne.CanvasObject
	}{
		{sectionCalendar, func() fyne.CanvasObject {
			if m.calendar == nil {
				return nil
			}
			return m.calendar.content
		}},
		{sectionReport, func() fyne.CanvasObject {
			if m.report == nil {
				return nil
			}
			return m.report.content
		}},
		{sectionSettings, func() fyne.CanvasObject {
			if m.settings == nil {
				return nil
			}
			return m.settings.content
		}},
	} {
		m.show(c.sec)
		m.b.settle()
		got := c.built()
		if got == nil {
			t.Fatalf("section %d not built when shown", c.sec)
		}
		if sel := m.tabs.Selected(); sel == nil || sel.Content != got {
			t.Fatalf("section %d: the selected tab does not show the built view", c.sec)
		}
	}
	cal := m.calendar
	m.show(sectionInbox)
	m.show(sectionCalendar)
	if m.calendar != cal {
		t.Fatal("the calendar was built twice")
	}
}
