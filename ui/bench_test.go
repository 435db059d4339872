package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"otklik/app"
	"otklik/app/demo"
	"otklik/data"
)

// The inbox benchmarks run on the same store as the core's (app/bench_test.go):
// OTKLIK_BENCH_N comments (default 100 000; `make bench` uses 1 000 000) kept
// at OTKLIK_BENCH_DB, built once and reused.

func benchStore(b *testing.B) *app.App {
	b.Helper()
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("OTKLIK_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	path := os.Getenv("OTKLIK_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "otklik-bench-"+strconv.Itoa(n)+".db")
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	a, err := app.Open(context.Background(), app.Options{DBPath: path, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	if need, err := a.NeedsDemo(context.Background()); err != nil {
		b.Fatal(err)
	} else if need {
		if _, err := a.SeedDemo(context.Background(), demo.Options{Seed: 1, Comments: n, Now: now}, nil); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

// BenchmarkInboxFilterFirstScreen changes a filter or the search and waits
// until the first screen of the list is rendered through the test driver
// (the header's count, fetched at the same time, may still be coming); it
// reports p50 and p99 of that latency.
func BenchmarkInboxFilterFirstScreen(b *testing.B) {
	core := benchStore(b)
	ta := test.NewTempApp(b)
	if err := SetLanguage(LangRussian); err != nil {
		b.Fatal(err)
	}
	ta.Settings().SetTheme(newAppTheme(ThemeLight))
	m := NewMainWindow(ta, core, Options{Now: time.Now, serial: true})
	b.Cleanup(m.Close)
	m.Window.Resize(fyne.NewSize(1280, 720))
	m.b.settle()
	v := m.inbox
	steps := []func(){
		func() { v.catSel.SetSelectedIndex(2) },
		func() { v.munSel.SetSelected("Ярцевский район") },
		func() { v.search.SetText("отопление") },
		func() { v.stateSel.SetSelected(statusLabel(data.StatusNew)) },
		func() { v.more.sentiment.SetSelectedIndex(1) },
		func() { v.search.SetText("дорога -ремонт") },
		func() { v.more.period.SetSelectedIndex(period7) },
		func() { v.more.deadline.SetSelectedIndex(deadlineOverdue) },
		func() { v.more.deadline.SetSelectedIndex(deadlineSoon) },
		// Back, one change at a time, as a user undoes them.
		func() { v.more.clear() },
		func() { v.search.SetText("") },
		func() { v.setSelect(v.munSel, "") },
		func() { v.catSel.ClearSelected() },
		func() { v.stateSel.ClearSelected() },
	}
	var lat []time.Duration
	slowest := make([]time.Duration, len(steps))
	i := 0
	for b.Loop() {
		start := time.Now()
		steps[i%len(steps)]()
		// The first screen: the new query's first page applied and the
		// list drawn; the header's count may still be coming.
		gen := v.cache.gen
		m.b.applyUntil(func() bool { return v.cache.gen == gen && !v.cache.loading[0] })
		v.list.Refresh()
		m.Window.Canvas().Refresh(v.list)
		d := time.Since(start)
		m.b.settle() // the count and the rest, outside the measured span
		lat = append(lat, d)
		slowest[i%len(steps)] = max(slowest[i%len(steps)], d)
		i++
	}
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[min(n-1, n*99/100)].Microseconds())/1000, "p99-ms")
	}
	b.Logf("slowest per step (ms): %v", slices.Collect(func(yield func(int64) bool) {
		for _, d := range slowest {
			if !yield(d.Milliseconds()) {
				return
			}
		}
	}))
}

// BenchmarkInboxScroll scrolls through the list the way the list widget
// asks for rows; rows come from the page cache, so a screenful costs no
// query on the UI goroutine.
func BenchmarkInboxScroll(b *testing.B) {
	core := benchStore(b)
	ta := test.NewTempApp(b)
	ta.Settings().SetTheme(newAppTheme(ThemeLight))
	m := NewMainWindow(ta, core, Options{Now: time.Now, serial: true})
	b.Cleanup(m.Close)
	m.b.settle()
	v := m.inbox
	row := newMessageRow()
	i := 0
	for b.Loop() {
		if i >= v.listLength()-1 {
			i = 0
		}
		v.updateRow(i, row)
		if i%pageSize == pageSize-prefetch {
			m.b.settle() // the next page arrives off the UI goroutine
		}
		i++
	}
}
