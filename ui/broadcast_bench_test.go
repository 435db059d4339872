package ui

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"otklik/app/brief"
)

// BenchmarkBroadcastPanel measures the «Эфир» panel for Рославль over 90
// days on the benchmark store (OTKLIK_BENCH_DB, see bench_test.go), p50/p99
// in ms: stats (BroadcastStats: the counts in SQL and the lists), core
// (BroadcastPanel, with the groups; core-first-ms is the first, uncached
// grouping), render (the view loading both and laying out through the test
// driver), core-cold (counts and groups fetched at once for periods never
// grouped before) and paint (the test driver's software painter drawing 1366×768).
func BenchmarkBroadcastPanel(b *testing.B) {
	core := benchStore(b)
	ta := test.NewTempApp(b)
	if err := SetLanguage(LangRussian); err != nil {
		b.Fatal(err)
	}
	bg := newBridge()
	bg.serial = true
	b.Cleanup(bg.close)
	w := ta.NewWindow("bench")
	v := newBroadcastView(core, bg, time.Now, w)
	w.SetContent(v.content)
	w.Resize(fyne.NewSize(1366, 768))
	v.days = 90
	_, to := core.DefaultPeriod()
	from := to.AddDate(0, 0, -90)

	var statsLat, coreLat, renderLat, paintLat []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := core.BroadcastStats(context.Background(), "roslavl", from, to); err != nil {
			b.Fatal(err)
		}
		statsLat = append(statsLat, time.Since(start))

		start = time.Now()
		p, err := core.BroadcastPanel(context.Background(), "roslavl", from, to)
		if err != nil {
			b.Fatal(err)
		}
		coreLat = append(coreLat, time.Since(start))
		if p.Total == 0 {
			b.Fatal("no messages for Рославль in the benchmark store")
		}

		// The view: load (counts, then groups), lay out, and paint
		// through the test driver's software painter.
		start = time.Now()
		v.district = "roslavl"
		v.load()
		bg.settle()
		w.Canvas().Refresh(v.content)
		renderLat = append(renderLat, time.Since(start))
		start = time.Now()
		w.Canvas().Capture()
		paintLat = append(paintLat, time.Since(start))
		if v.panel == nil || v.panel.District != "roslavl" || len(v.panel.Groups) == 0 {
			b.Fatal("the panel did not render")
		}
	}
	// Cold: 90-day periods ending 1–5 days earlier, never grouped before:
	// the counts and the groups fetched at once, as the view does.
	var coldLat []time.Duration
	for k := 1; k <= 5; k++ {
		cto := to.AddDate(0, 0, -k)
		cfrom := cto.AddDate(0, 0, -90)
		start := time.Now()
		var wg sync.WaitGroup
		var serr, gerr error
		var groups int
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, serr = core.BroadcastStats(context.Background(), "roslavl", cfrom, cto)
		}()
		go func() {
			defer wg.Done()
			var g []brief.Cluster
			g, _, gerr = core.BroadcastGroups(context.Background(), "roslavl", cfrom, cto)
			groups = len(g)
		}()
		wg.Wait()
		coldLat = append(coldLat, time.Since(start))
		if serr != nil || gerr != nil || groups == 0 {
			b.Fatal("cold panel:", serr, gerr, groups)
		}
	}
	b.ReportMetric(float64(coreLat[0].Microseconds())/1000, "core-first-ms")
	report := func(lat []time.Duration, unit string) {
		slices.Sort(lat)
		if n := len(lat); n > 0 {
			b.ReportMetric(float64(lat[n/2].Microseconds())/1000, unit+"-p50-ms")
			b.ReportMetric(float64(lat[min(n-1, n*99/100)].Microseconds())/1000, unit+"-p99-ms")
		}
	}
	report(statsLat, "stats")
	report(coreLat, "core")
	report(renderLat, "render")
	report(paintLat, "paint")
	report(coldLat, "core-cold")
	if v.panel != nil {
		b.ReportMetric(float64(v.panel.Total), "messages")
		b.ReportMetric(float64(v.panel.Questions), "questions")
	}
}
