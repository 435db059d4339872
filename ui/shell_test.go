package ui

import (
	"testing"
	"time"

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

// TestMemoryReleasedAfterBursts: the window asks the core to hand back
// memory once the start's work has landed and been quiet, not while the
// first page is loading; again after a later burst (a search), but not
// sooner than the gap; and never while nothing happens.
func TestMemoryReleasedAfterBursts(t *testing.T) {
	q, g := releaseQuiet, releaseGap
	t.Cleanup(func() { releaseQuiet, releaseGap = q, g })
	releaseQuiet, releaseGap = 150*time.Millisecond, 800*time.Millisecond
	a := test.NewTempApp(t)
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	fc, err := loadFake("testdata/inbox.json")
	if err != nil {
		t.Fatal(err)
	}
	fc.Delay = 500 * time.Millisecond // the first page takes its time
	m := NewMainWindow(a, fc, Options{Now: fc.Now, serial: true})
	t.Cleanup(m.Close)
	time.Sleep(350 * time.Millisecond)
	if n := fc.released.Load(); n != 0 {
		t.Fatalf("released %d times while the first page was loading", n)
	}
	m.b.settle()
	landed := time.Now()
	if m.inbox.list.Length() == 0 {
		t.Fatal("the first page did not land")
	}
	waitReleases := func(n int32) time.Time {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); fc.released.Load() < n && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		if got := fc.released.Load(); got != n {
			t.Fatalf("%d releases, want %d", got, n)
		}
		return time.Unix(0, fc.releasedAt.Load())
	}
	first := waitReleases(1)
	if first.Before(landed.Add(-50 * time.Millisecond)) {
		t.Fatalf("released at %v, before the first page landed at %v", first, landed)
	}

	fc.Delay = 0
	m.inbox.search.SetText("дорога") // a burst within the gap
	m.b.settle()
	time.Sleep(300 * time.Millisecond)
	if n := fc.released.Load(); n != 1 {
		t.Fatalf("released %d times within the gap", n)
	}
	second := waitReleases(2)
	if d := second.Sub(first); d < releaseGap {
		t.Fatalf("second release %v after the first, the gap is %v", d, releaseGap)
	}

	time.Sleep(releaseGap + 3*releaseQuiet) // nothing happens
	if n := fc.released.Load(); n != 2 {
		t.Fatalf("released %d times, want 2: an idle window released memory", n)
	}
}
