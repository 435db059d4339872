package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"otklik/app/demo"
	"otklik/data"
)

// Benchmarks run on a store of OTKLIK_BENCH_N comments (default 100 000;
// `make bench` uses 1 000 000) kept at OTKLIK_BENCH_DB so that it is built
// once and reused.

func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("OTKLIK_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var benchNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func benchApp(b *testing.B) *App {
	b.Helper()
	path := os.Getenv("OTKLIK_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "otklik-bench-"+strconv.Itoa(benchN())+".db")
	}
	a, err := Open(context.Background(), Options{DBPath: path, Now: func() time.Time { return benchNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	need, err := a.NeedsDemo(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if need {
		start := time.Now()
		st, err := a.SeedDemo(context.Background(), demo.Options{Seed: 1, Comments: benchN(), Now: benchNow}, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s: %d messages in %s (%.0f/s)", path, st.Inserted, time.Since(start).Round(time.Second),
			float64(st.Inserted)/time.Since(start).Seconds())
	}
	return a
}

// BenchmarkImport measures the whole ingest path — demo generation, tagging,
// stemming, deadlines, the store's upsert and FTS — into a fresh store. When
// OTKLIK_BENCH_DB does not exist yet, the imported store becomes it, so the
// query benchmarks that follow reuse it.
func BenchmarkImport(b *testing.B) {
	n := benchN()
	for b.Loop() {
		dir := b.TempDir()
		path := filepath.Join(dir, "import.db")
		a, err := Open(context.Background(), Options{DBPath: path, Now: func() time.Time { return benchNow }})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		st, err := a.SeedDemo(context.Background(), demo.Options{Seed: 1, Comments: n, Now: benchNow}, nil)
		el := time.Since(start)
		a.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Inserted)/el.Seconds(), "messages/s")
		b.ReportMetric(float64(n)/el.Seconds(), "resident-comments/s")
		b.ReportMetric(float64(st.Inserted), "messages")
		b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
		if keep := os.Getenv("OTKLIK_BENCH_DB"); keep != "" {
			if _, err := os.Stat(keep); os.IsNotExist(err) {
				if err := os.MkdirAll(filepath.Dir(keep), 0o700); err == nil {
					_ = os.Rename(path, keep)
				}
			}
		}
	}
}

// peakRSSMB is the process's peak resident set so far, in MB.
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // Linux reports KB
}

// latencies runs fn b.N times and reports p50 and p99 in milliseconds.
func latencies(b *testing.B, fn func(i int)) {
	var ds []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		fn(i)
		ds = append(ds, time.Since(start))
		i++
	}
	slices.Sort(ds)
	if len(ds) == 0 {
		return
	}
	pick := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(pick(0.50), "p50-ms")
	b.ReportMetric(pick(0.99), "p99-ms")
}

func BenchmarkInboxFirstPage(b *testing.B) {
	a := benchApp(b)
	ctx := context.Background()
	queries := map[string]Query{
		"all":                      {},
		"new":                      {Filter: data.Filter{Statuses: []data.Status{data.StatusNew}}},
		"district":                 {Filter: data.Filter{Districts: []string{"roslavl"}}},
		"district+category+status": {Filter: data.Filter{Districts: []string{"yartsevo"}, Categories: []string{"housing"}, Statuses: []data.Status{data.StatusNew, data.StatusInProgress}}},
		"overdue":                  {Filter: data.Filter{Overdue: true}},
	}
	for name, q := range queries {
		b.Run(name, func(b *testing.B) {
			latencies(b, func(int) {
				if _, err := a.Inbox(ctx, q, data.Cursor{}, 50); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	a := benchApp(b)
	ctx := context.Background()
	for _, q := range []string{"дороги", "отопление батареи", "\"горячей воды\"", "мусор -контейнер", "поликлин*", "Рославль ямы", "вертолётная площадка"} {
		b.Run(q, func(b *testing.B) {
			latencies(b, func(int) {
				if _, err := a.Inbox(ctx, Query{Search: q}, data.Cursor{}, 50); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkScroll pages through the first 2 000 rows as the inbox does while
// the user scrolls: one keyset query per page of 100, never per row.
func BenchmarkScroll(b *testing.B) {
	a := benchApp(b)
	ctx := context.Background()
	latencies(b, func(int) {
		var after data.Cursor
		for range 20 {
			p, err := a.Inbox(ctx, Query{}, after, 100)
			if err != nil {
				b.Fatal(err)
			}
			after = p.Next
		}
	})
}
