package sqlite

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"otklik/data"
)

// The benchmarks run over a generated store of OTKLIK_BENCH_N messages
// (default 200000), built once into os.TempDir() and reused by later runs.
//
//	OTKLIK_BENCH_N=1000000 go test -tags sqlite_fts5 -run '^$' -bench 'Inbox|Search' -benchtime 1000x -timeout 60m ./data/sqlite/
//	go test -tags sqlite_fts5 -run '^$' -bench Ingest -benchtime 40x ./data/sqlite/

const benchBatch = 5000

var (
	benchCommon = strings.Fields(`дорог ремонт школ автобус вод свет газ мусор больниц врач двор снег яма тротуар
		отоплен улиц дом подъезд остановк маршрут поликлиник детск сад лифт крыш труб освещен парк мост
		деревн район город глав администрац губернатор спасиб помощ вопрос проблем жалоб сделат когд
		почему нужн прош срочн опят нет год месяц недел ден работ сотрудник ответ обращен`)
	benchDistricts  = []string{"smolensk", "vyazma", "roslavl", "yartsevo", "safonovo", "desnogorsk", "gagarin", "rudnya", "dorogobuzh", "demidov", "velizh", "dukhovshchina", "yelnya", "ershichi", "kardymovo", "krasny", "monastyrshchina", "novoduginsky", "pochinok", "khislavichi", "kholm_zhirkovsky", "shumyachi", "sychyovka", "temkino", "ugra", "smolensky_district", "glinka"}
	benchCategories = []string{"roads", "housing", "transport", "health", "education", "waste", "power", "water", "gas", "social", "culture", "sport", "safety", "ecology", "other"}
	benchStatuses   = []data.Status{data.StatusNew, data.StatusNew, data.StatusNew, data.StatusNew, data.StatusNew, data.StatusInProgress, data.StatusInProgress,
		data.StatusAnswered, data.StatusAnswered, data.StatusAnswered, data.StatusAnswered, data.StatusAnswered, data.StatusAnswered, data.StatusAnswered, data.StatusAnswered,
		data.StatusForwarded, data.StatusForwarded, data.StatusClosed, data.StatusClosed, data.StatusSpam}
	benchSentiments = []data.Sentiment{data.Negative, data.Neutral, data.Positive}
)

const (
	benchRareTokens = 20000
	benchCommonStem = "дорог"    // rank 1 of the common words: in most messages
	benchRareStem   = "редк4242" // one of the rare tokens: a few hundred hits at 1M
)

func benchN() int {
	if v := os.Getenv("OTKLIK_BENCH_N"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return 200000
}

// skewed picks an index in [0, n) with small indexes more likely, like
// the regional centre against small districts.
func skewed(r *rand.Rand, n int) int {
	f := r.Float64()
	return int(float64(n) * f * f)
}

func benchText(r *rand.Rand) string {
	words := make([]string, 8+r.IntN(13))
	for i := range words {
		if r.IntN(10) < 7 {
			// Zipf-like over the common stems.
			words[i] = benchCommon[skewed(r, len(benchCommon))]
		} else {
			words[i] = fmt.Sprintf("редк%d", r.IntN(benchRareTokens))
		}
	}
	return strings.Join(words, " ")
}

// benchBatchAt generates messages [from, from+n) deterministically.
func benchBatchAt(accounts []data.Account, start time.Time, from, n int) Batch {
	r := rand.New(rand.NewPCG(uint64(from), 42))
	b := Batch{AccountID: accounts[0].ID}
	for i := from; i < from+n; i++ {
		text := benchText(r)
		m := data.Message{
			Platform: accounts[0].Platform, ExternalID: "m" + strconv.Itoa(i), AccountID: accounts[0].ID,
			AuthorExternalID: "a" + strconv.Itoa(r.IntN(50000)), AuthorName: "Житель", Text: text,
			CreatedAt: start.Add(time.Duration(i)*30*time.Second + time.Duration(r.IntN(20))*time.Second),
			District:  benchDistricts[skewed(r, len(benchDistricts))], Category: benchCategories[skewed(r, len(benchCategories))],
			Status: benchStatuses[r.IntN(len(benchStatuses))], Sentiment: benchSentiments[r.IntN(3)],
			FromOffice: r.IntN(20) == 0,
		}
		if i > 0 && r.IntN(5) == 0 {
			m.ParentExternalID = "m" + strconv.Itoa(r.IntN(i))
		}
		b.Messages = append(b.Messages, IngestMessage{Message: m, Stemmed: text})
	}
	return b
}

var benchStart = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

var (
	benchOnce sync.Once
	benchDB   *DB
	benchErr  error
)

// openBenchStore opens (building on first use) the shared store of n rows.
func openBenchStore(b *testing.B) *DB {
	benchOnce.Do(func() { benchDB, benchErr = buildBenchStore(b, benchN()) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

func buildBenchStore(b *testing.B, n int) (*DB, error) {
	ctx := context.Background()
	// Keyed by N and the schema, so a changed migration never reuses a stale store.
	h := fnv.New32a()
	for _, m := range migrations {
		h.Write([]byte(m.sql))
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("otklik-bench-%d-%08x.db", n, h.Sum32()))
	if db, err := Open(path); err == nil {
		if v, err := db.Setting(ctx, "bench.built"); err == nil && v == strconv.Itoa(n) {
			rate, _ := db.Setting(ctx, "bench.ingest_rate")
			b.Logf("reusing %s (%d messages, built at %s rows/s)", path, n, rate)
			return db, nil
		}
		db.Close()
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	db, err := Open(path)
	if err != nil {
		return nil, err
	}
	var accounts []data.Account
	for _, p := range data.Platforms {
		a := data.Account{Platform: p, ExternalID: "bench-" + string(p), Name: "Смоленская область"}
		if err := db.UpsertAccount(ctx, &a); err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
	}
	b.Logf("building %s with %d messages…", path, n)
	var spent time.Duration
	for from := 0; from < n; from += benchBatch {
		batch := benchBatchAt(accounts[from/benchBatch%len(accounts):], benchStart, from, min(benchBatch, n-from))
		t0 := time.Now()
		if _, err := db.Ingest(ctx, batch); err != nil {
			return nil, err
		}
		spent += time.Since(t0)
	}
	rate := float64(n) / spent.Seconds()
	b.Logf("built in %v of ingest: %.0f rows/s", spent.Round(time.Millisecond), rate)
	if err := db.SetSetting(ctx, "bench.ingest_rate", fmt.Sprintf("%.0f", rate)); err != nil {
		return nil, err
	}
	if err := db.SetSetting(ctx, "bench.built", strconv.Itoa(n)); err != nil {
		return nil, err
	}
	return db, nil
}

// latencies records one duration per iteration and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(p float64) float64 {
		return float64(l[min(len(l)-1, int(p*float64(len(l))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func benchQuery(b *testing.B, fn func(r *rand.Rand) error) {
	r := rand.New(rand.NewPCG(1, 2))
	var lat latencies
	for b.Loop() {
		t0 := time.Now()
		if err := fn(r); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	lat.report(b)
}

func BenchmarkInbox(b *testing.B) {
	db := openBenchStore(b)
	ctx := context.Background()
	page := func(f data.Filter) error {
		ms, err := db.ListMessages(ctx, f, data.Cursor{}, 50)
		if err == nil && len(ms) == 0 {
			err = fmt.Errorf("empty page for %+v", f)
		}
		return err
	}
	b.Run("first_page", func(b *testing.B) {
		benchQuery(b, func(*rand.Rand) error { return page(data.Filter{}) })
	})
	b.Run("district", func(b *testing.B) {
		benchQuery(b, func(r *rand.Rand) error {
			return page(data.Filter{Districts: []string{benchDistricts[r.IntN(len(benchDistricts))]}})
		})
	})
	b.Run("district_category_status", func(b *testing.B) {
		benchQuery(b, func(r *rand.Rand) error {
			return page(data.Filter{Districts: []string{benchDistricts[r.IntN(8)]}, Categories: []string{benchCategories[r.IntN(5)]},
				Statuses: []data.Status{data.StatusNew}})
		})
	})
	b.Run("open_statuses", func(b *testing.B) {
		benchQuery(b, func(*rand.Rand) error {
			return page(data.Filter{Statuses: []data.Status{data.StatusNew, data.StatusInProgress}})
		})
	})
	b.Run("deep_page", func(b *testing.B) {
		// The 21st page of the district filter (after 1000 rows), reached by cursor.
		first, err := db.ListMessages(ctx, data.Filter{Districts: []string{"vyazma"}}, data.Cursor{}, 1000)
		if err != nil || len(first) == 0 {
			b.Fatal(err)
		}
		after := CursorOf(first[len(first)-1])
		benchQuery(b, func(*rand.Rand) error {
			_, err := db.ListMessages(ctx, data.Filter{Districts: []string{"vyazma"}}, after, 50)
			return err
		})
	})
	b.Run("count_by_district_open", func(b *testing.B) {
		benchQuery(b, func(*rand.Rand) error {
			_, err := db.CountBy(ctx, data.Filter{Statuses: []data.Status{data.StatusNew, data.StatusInProgress}}, "district")
			return err
		})
	})
}

func BenchmarkSearch(b *testing.B) {
	db := openBenchStore(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    data.Filter
	}{
		{"common", data.Filter{Match: benchCommonStem}},
		{"rare", data.Filter{Match: benchRareStem}},
		{"common_and_rare", data.Filter{Match: benchCommonStem + " " + benchRareStem}},
		{"common_in_district", data.Filter{Match: benchCommonStem, Districts: []string{"yelnya"}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			benchQuery(b, func(*rand.Rand) error {
				ms, err := db.ListMessages(ctx, tc.f, data.Cursor{}, 50)
				if err == nil && len(ms) == 0 {
					err = fmt.Errorf("no hits for %+v", tc.f)
				}
				return err
			})
		})
	}
}

// BenchmarkIngest measures 5000-row batches into a fresh store, FTS included.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "ingest.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	acc := data.Account{Platform: data.VK, ExternalID: "bench", Name: "Смоленская область"}
	if err := db.UpsertAccount(ctx, &acc); err != nil {
		b.Fatal(err)
	}
	accounts := []data.Account{acc}
	var spent time.Duration
	rows := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchBatchAt(accounts, benchStart, rows, benchBatch)
		b.StartTimer()
		t0 := time.Now()
		if _, err := db.Ingest(ctx, batch); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(t0)
		rows += benchBatch
	}
	b.ReportMetric(float64(rows)/spent.Seconds(), "rows/s")
}
