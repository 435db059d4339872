package sqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"otklik/data"
)

// fixture is a small inbox covering every filter dimension. Messages are
// ten minutes apart in ext order, so newest first is m10 … m01.
type fixture struct {
	db  *DB
	acc map[data.Platform]data.Account
	ids map[string]int64
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	fx := &fixture{db: mustOpen(t), acc: map[data.Platform]data.Account{}, ids: map[string]int64{},
		now: baseTime.Add(24 * time.Hour)}
	for _, p := range data.Platforms {
		fx.acc[p] = mustAccount(t, fx.db, p, "smolensk-"+string(p), "Губернатор Смоленской области")
	}
	type row struct {
		ext       string
		p         data.Platform
		district  string
		category  string
		status    data.Status
		sentiment data.Sentiment
		assignee  string
		parent    string
		office    bool
		text      string
	}
	rows := []row{
		{"m01", data.VK, "smolensk", "roads", data.StatusNew, data.Negative, "", "", false, "На улице Николаева опять яма на дороге, колесо пробил"},
		{"m02", data.Telegram, "vyazma", "housing", data.StatusInProgress, data.Neutral, "Ольга", "", false, "В Вязьме третий день нет горячей воды в доме на Ленина"},
		{"m03", data.VK, "", "roads", data.StatusAnswered, data.Negative, "", "", false, "Когда отремонтируют дорогу до Рославля?"},
		{"m04", data.OK, "smolensk", "health", data.StatusClosed, data.Positive, "", "", false, "Спасибо врачам областной больницы за внимательное отношение"},
		{"m05", data.POS, "gagarin", "roads", data.StatusNew, data.Negative, "", "", false, "Дорогу на Гагарин разбили лесовозы, просим отремонтировать"},
		{"m06", data.VK, "smolensk", "roads", data.StatusAnswered, "", "", "m01", true, "Здравствуйте! Передали в дорожную службу, ответим до пятницы."},
		{"m07", data.VK, "smolensk", "roads", data.StatusNew, data.Negative, "", "m01", false, "Там же и вторая яма, у остановки"},
		{"m08", data.Telegram, "vyazma", "transport", data.StatusNew, data.Negative, "", "", false, "Автобус №5 в Вязьме не ходит по выходным"},
		{"m09", data.VK, "smolensk", "transport", data.StatusSpam, data.Neutral, "", "", false, "Продам гараж недорого"},
		{"m10", data.OK, "roslavl", "waste", data.StatusForwarded, data.Neutral, "Игорь", "", false, "Прошу сообщить график вывоза мусора в Рославле"},
	}
	for i, r := range rows {
		m := data.Message{Platform: r.p, ExternalID: r.ext, ParentExternalID: r.parent, AuthorExternalID: "a-" + r.ext,
			AuthorName: "Житель", Text: r.text, CreatedAt: baseTime.Add(time.Duration(i*10) * time.Minute),
			District: r.district, Category: r.category, Status: r.status, Sentiment: r.sentiment, Assignee: r.assignee,
			FromOffice: r.office}
		mustIngest(t, fx.db, Batch{AccountID: fx.acc[r.p].ID, Messages: []IngestMessage{im(m)}})
		fx.ids[r.ext] = mustGet(t, fx.db, r.p, r.ext).ID
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	n := fx.now
	must(fx.db.SetDeadlines(ctx, fx.ids["m01"], n.Add(-2*time.Hour), n.Add(48*time.Hour)))
	must(fx.db.SetDeadlines(ctx, fx.ids["m02"], time.Time{}, n.Add(48*time.Hour)))
	must(fx.db.SetDeadlines(ctx, fx.ids["m03"], n.Add(-5*time.Hour), n.Add(-1*time.Hour))) // answered: never overdue
	must(fx.db.SetDeadlines(ctx, fx.ids["m05"], time.Time{}, n.Add(-time.Hour)))
	must(fx.db.SetDeadlines(ctx, fx.ids["m08"], n.Add(2*time.Hour), n.Add(100*time.Hour)))
	must(fx.db.SetDeadlines(ctx, fx.ids["m10"], n.Add(-9*time.Hour), n.Add(-8*time.Hour))) // forwarded: never overdue
	must(fx.db.AddTag(ctx, []int64{fx.ids["m05"]}, "срочно"))
	must(fx.db.AddTag(ctx, []int64{fx.ids["m05"], fx.ids["m02"]}, "на контроле"))
	return fx
}

func TestFilters(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name string
		f    data.Filter
		want []string
	}{
		{"no filter hides office replies", data.Filter{}, []string{"m10", "m09", "m08", "m07", "m05", "m04", "m03", "m02", "m01"}},
		{"include office", data.Filter{IncludeOffice: true}, []string{"m10", "m09", "m08", "m07", "m06", "m05", "m04", "m03", "m02", "m01"}},
		{"platform", data.Filter{Platforms: []data.Platform{data.VK}}, []string{"m09", "m07", "m03", "m01"}},
		{"platforms", data.Filter{Platforms: []data.Platform{data.VK, data.OK}}, []string{"m10", "m09", "m07", "m04", "m03", "m01"}},
		{"account", data.Filter{AccountIDs: []int64{fx.acc[data.Telegram].ID}}, []string{"m08", "m02"}},
		{"district", data.Filter{Districts: []string{"smolensk"}}, []string{"m09", "m07", "m04", "m01"}},
		{"no district", data.Filter{Districts: []string{"-"}}, []string{"m03"}},
		{"district or none", data.Filter{Districts: []string{"smolensk", "-"}}, []string{"m09", "m07", "m04", "m03", "m01"}},
		{"category", data.Filter{Categories: []string{"roads"}}, []string{"m07", "m05", "m03", "m01"}},
		{"status", data.Filter{Statuses: []data.Status{data.StatusNew}}, []string{"m08", "m07", "m05", "m01"}},
		{"open statuses", data.Filter{Statuses: []data.Status{data.StatusNew, data.StatusInProgress}}, []string{"m08", "m07", "m05", "m02", "m01"}},
		{"sentiment", data.Filter{Sentiments: []data.Sentiment{data.Positive}}, []string{"m04"}},
		{"assignee", data.Filter{Assignee: "Ольга"}, []string{"m02"}},
		{"unassigned", data.Filter{Assignee: "-"}, []string{"m09", "m08", "m07", "m05", "m04", "m03", "m01"}},
		{"tag", data.Filter{Tag: "срочно"}, []string{"m05"}},
		{"tag shared", data.Filter{Tag: "на контроле"}, []string{"m05", "m02"}},
		{"unknown tag", data.Filter{Tag: "архив"}, nil},
		{"since until", data.Filter{Since: baseTime.Add(30 * time.Minute), Until: baseTime.Add(80 * time.Minute)}, []string{"m08", "m07", "m05", "m04"}},
		{"overdue", data.Filter{Overdue: true, Now: fx.now}, []string{"m05", "m01"}},
		{"due within 4h", data.Filter{DueSoon: 4 * time.Hour, Now: fx.now}, []string{"m08"}},
		{"due within 3 days", data.Filter{DueSoon: 72 * time.Hour, Now: fx.now}, []string{"m08", "m02"}},
		{"has unanswered replies", data.Filter{HasUnanswered: true}, []string{"m01"}},
		{"search", data.Filter{Match: testStem("дорога")}, []string{"m05", "m03", "m01"}},
		{"search or", data.Filter{Match: testStem("дорога") + " OR " + testStem("яма")}, []string{"m07", "m05", "m03", "m01"}},
		{"search prefix", data.Filter{Match: "росл*"}, []string{"m10", "m03"}},
		{"search and district", data.Filter{Match: testStem("дорогу"), Districts: []string{"gagarin"}}, []string{"m05"}},
		{"search office hidden", data.Filter{Match: testStem("передали")}, nil},
		{"search office included", data.Filter{Match: testStem("передали"), IncludeOffice: true}, []string{"m06"}},
		{"district category status", data.Filter{Districts: []string{"smolensk"}, Categories: []string{"roads"},
			Statuses: []data.Status{data.StatusNew}}, []string{"m07", "m01"}},
		{"platform status with office", data.Filter{Platforms: []data.Platform{data.VK}, Statuses: []data.Status{data.StatusNew, data.StatusAnswered},
			IncludeOffice: true}, []string{"m07", "m06", "m03", "m01"}},
		{"overdue in gagarin with tag", data.Filter{Overdue: true, Now: fx.now, Districts: []string{"gagarin"}, Tag: "срочно",
			Sentiments: []data.Sentiment{data.Negative}, Platforms: []data.Platform{data.POS}}, []string{"m05"}},
		{"contradiction", data.Filter{Districts: []string{"vyazma"}, Categories: []string{"roads"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := fx.db.ListMessages(ctx, tt.f, data.Cursor{}, 100)
			if err != nil {
				t.Fatalf("ListMessages: %v", err)
			}
			if got := extIDs(ms); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("ListMessages = %v, want %v", got, tt.want)
			}
			n, err := fx.db.CountMessages(ctx, tt.f)
			if err != nil || n != len(tt.want) {
				t.Errorf("CountMessages = %d, %v; want %d", n, err, len(tt.want))
			}
			var streamed []string
			if err := fx.db.ForEachMessage(ctx, tt.f, func(m data.Message) error {
				streamed = append(streamed, m.ExternalID)
				return nil
			}); err != nil {
				t.Fatalf("ForEachMessage: %v", err)
			}
			slices.Reverse(streamed)
			if !slices.Equal(streamed, tt.want) && !(len(streamed) == 0 && len(tt.want) == 0) {
				t.Errorf("ForEachMessage (reversed) = %v, want %v", streamed, tt.want)
			}
			// Paging two at a time gives the same rows.
			var paged []string
			var after data.Cursor
			for range 20 {
				page, err := fx.db.ListMessages(ctx, tt.f, after, 2)
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, extIDs(page)...)
				if len(page) < 2 {
					break
				}
				after = CursorOf(page[len(page)-1])
			}
			if !slices.Equal(paged, tt.want) && !(len(paged) == 0 && len(tt.want) == 0) {
				t.Errorf("paged = %v, want %v", paged, tt.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	bad := []data.Filter{
		{Overdue: true},      // no Now
		{DueSoon: time.Hour}, // no Now
		{Match: `"незакрытая кавычка`}, // FTS syntax error
		{Match: "AND OR"}, // FTS syntax error
		{Match: "нет_колонки: дорог"}, // unknown column
	}
	for _, f := range bad {
		if _, err := fx.db.ListMessages(ctx, f, data.Cursor{}, 10); err == nil {
			t.Errorf("ListMessages(%+v) succeeded, want an error", f)
		}
		if _, err := fx.db.CountMessages(ctx, f); err == nil {
			t.Errorf("CountMessages(%+v) succeeded, want an error", f)
		}
	}
	if _, err := fx.db.CountBy(ctx, data.Filter{}, "text"); err == nil {
		t.Error("CountBy(text) succeeded, want an error")
	}
}

func FuzzMatchNeverPanics(f *testing.F) {
	db := mustOpen(f)
	acc := mustAccount(f, db, data.VK, "-7", "Починок")
	mustIngest(f, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		im(data.Message{Platform: data.VK, ExternalID: "1", Text: "Когда отремонтируют мост в Починке?", CreatedAt: baseTime})}})
	for _, s := range []string{"мост", `"мост`, "мост OR", "NEAR(мост когда, 2)", "^мост", "*", "body: мост", "(", "мост AND NOT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		ctx := context.Background()
		_, _ = db.ListMessages(ctx, data.Filter{Match: q}, data.Cursor{}, 5)
		_, _ = db.CountMessages(ctx, data.Filter{Match: q})
	})
}

func TestCountBy(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		field string
		f     data.Filter
		want  map[string]int
	}{
		{"district", data.Filter{}, map[string]int{"smolensk": 4, "vyazma": 2, "": 1, "gagarin": 1, "roslavl": 1}},
		{"district", data.Filter{Statuses: []data.Status{data.StatusNew, data.StatusInProgress}},
			map[string]int{"smolensk": 2, "vyazma": 2, "gagarin": 1}},
		{"category", data.Filter{Match: testStem("дорога")}, map[string]int{"roads": 3}},
		{"status", data.Filter{IncludeOffice: true}, map[string]int{"new": 4, "in_progress": 1, "answered": 2, "closed": 1, "spam": 1, "forwarded": 1}},
		{"platform", data.Filter{}, map[string]int{"vk": 4, "telegram": 2, "ok": 2, "pos": 1}},
		{"sentiment", data.Filter{Platforms: []data.Platform{data.OK}}, map[string]int{"positive": 1, "neutral": 1}},
		{"assignee", data.Filter{}, map[string]int{"": 7, "Ольга": 1, "Игорь": 1}},
		{"account", data.Filter{Platforms: []data.Platform{data.POS}}, map[string]int{fmt.Sprint(fx.acc[data.POS].ID): 1}},
	}
	for _, tt := range tests {
		got, err := fx.db.CountBy(ctx, tt.f, tt.field)
		if err != nil {
			t.Errorf("CountBy(%s): %v", tt.field, err)
			continue
		}
		if !maps.Equal(got, tt.want) {
			t.Errorf("CountBy(%s, %+v) = %v, want %v", tt.field, tt.f, got, tt.want)
		}
	}
}

func TestThread(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-8", "Ельня")
	// c1 ← c2 ← c3 ← c4, and c2 ← c5; c6 is elsewhere. Replies arrive out of order.
	rows := []struct {
		ext, parent string
		min         int
	}{
		{"c4", "c3", 30}, {"c1", "", 0}, {"c3", "c2", 20}, {"c2", "c1", 10}, {"c5", "c2", 15}, {"c6", "", 5},
	}
	var batch []IngestMessage
	for _, r := range rows {
		batch = append(batch, im(data.Message{Platform: data.VK, ExternalID: r.ext, ParentExternalID: r.parent,
			Text: "Обсуждение ремонта моста в Ельне", CreatedAt: baseTime.Add(time.Duration(r.min) * time.Minute)}))
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: batch})
	tests := []struct {
		ext              string
		parents, replies []string
	}{
		{"c1", nil, []string{"c2", "c5", "c3", "c4"}},
		{"c2", []string{"c1"}, []string{"c5", "c3", "c4"}},
		{"c3", []string{"c1", "c2"}, []string{"c4"}},
		{"c4", []string{"c1", "c2", "c3"}, nil},
		{"c6", nil, nil},
	}
	for _, tt := range tests {
		parents, replies, err := db.Thread(ctx, mustGet(t, db, data.VK, tt.ext).ID)
		if err != nil {
			t.Fatalf("Thread(%s): %v", tt.ext, err)
		}
		if got := extIDs(parents); !slices.Equal(got, tt.parents) && len(got)+len(tt.parents) > 0 {
			t.Errorf("Thread(%s) parents = %v, want %v", tt.ext, got, tt.parents)
		}
		if got := extIDs(replies); !slices.Equal(got, tt.replies) && len(got)+len(tt.replies) > 0 {
			t.Errorf("Thread(%s) replies = %v, want %v", tt.ext, got, tt.replies)
		}
	}
	if _, _, err := db.Thread(ctx, 424242); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Thread(missing) err = %v, want ErrNotFound", err)
	}

	// A cycle sent by a broken network must end, not loop.
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		im(data.Message{Platform: data.VK, ExternalID: "x1", ParentExternalID: "x2", Text: "петля", CreatedAt: baseTime}),
		im(data.Message{Platform: data.VK, ExternalID: "x2", ParentExternalID: "x1", Text: "петля", CreatedAt: baseTime.Add(time.Minute)}),
	}})
	parents, replies, err := db.Thread(ctx, mustGet(t, db, data.VK, "x1").ID)
	if err != nil {
		t.Fatalf("Thread on a cycle: %v", err)
	}
	if len(parents) > maxThreadDepth || len(replies) != 1 {
		t.Errorf("cycle: %d parents, %d replies", len(parents), len(replies))
	}
}

func TestAuthorMessages(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-9", "Демидов")
	var batch []IngestMessage
	for i := range 5 {
		author := "id1"
		if i%2 == 1 {
			author = "id2"
		}
		batch = append(batch, im(data.Message{Platform: data.VK, ExternalID: fmt.Sprint(i), AuthorExternalID: author,
			AuthorName: "Сергей", AuthorCity: "Демидов", Text: "Вопрос о газификации", CreatedAt: baseTime.Add(time.Duration(i) * time.Hour)}))
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: batch})
	ms, err := db.AuthorMessages(ctx, data.VK, "id1", 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := extIDs(ms); !slices.Equal(got, []string{"4", "2"}) {
		t.Errorf("AuthorMessages = %v, want [4 2]", got)
	}
	if ms[0].AuthorCity != "Демидов" {
		t.Errorf("AuthorCity = %q", ms[0].AuthorCity)
	}
	if ms, err := db.AuthorMessages(ctx, data.Telegram, "id1", 10); err != nil || len(ms) != 0 {
		t.Errorf("other platform: %v, %v", ms, err)
	}
}

// Every row present when paging starts is seen exactly once, in strict
// keyset order, while another goroutine keeps inserting.
func TestKeysetPagingUnderConcurrentInserts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-10", "Сычёвка")
	const initial = 1200
	var batch []IngestMessage
	for i := range initial {
		// Many rows share a second, so the id tie-break matters.
		batch = append(batch, im(data.Message{Platform: data.VK, ExternalID: fmt.Sprintf("i%d", i),
			Text: fmt.Sprintf("обращение номер %d про дороги", i), CreatedAt: baseTime.Add(time.Duration(i/7) * time.Second)}))
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: batch})

	for _, f := range []data.Filter{{}, {Match: testStem("дороги")}} {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				// Newer and older rows both land while paging.
				at := baseTime.Add(time.Duration(n%400-200) * time.Second)
				if _, err := db.Ingest(ctx, Batch{AccountID: acc.ID, Messages: []IngestMessage{
					im(data.Message{Platform: data.VK, ExternalID: fmt.Sprintf("c%s-%d", f.Match, n), Text: "новое про дороги", CreatedAt: at}),
				}}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		seen := map[int64]bool{}
		var after data.Cursor
		var last data.Message
		for {
			page, err := db.ListMessages(ctx, f, after, 37)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page {
				if seen[m.ID] {
					t.Fatalf("row %d seen twice", m.ID)
				}
				seen[m.ID] = true
				if last.ID != 0 && (m.CreatedAt.After(last.CreatedAt) || (m.CreatedAt.Equal(last.CreatedAt) && m.ID >= last.ID)) {
					t.Fatalf("order broken: %v/%d after %v/%d", m.CreatedAt, m.ID, last.CreatedAt, last.ID)
				}
				last = m
			}
			if len(page) < 37 {
				break
			}
			after = CursorOf(page[len(page)-1])
		}
		close(stop)
		wg.Wait()
		for i := range initial {
			if !seen[int64(i+1)] {
				t.Fatalf("filter %+v: initial row %d never seen", f, i+1)
			}
		}
	}
}

func TestConcurrentReadersAndWriter(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.Telegram, "-11", "Смоленск сегодня")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	const batches = 20
	wg.Add(1)
	go func() { // the syncer
		defer wg.Done()
		for b := range batches {
			var ms []IngestMessage
			for i := range 50 {
				ms = append(ms, im(data.Message{Platform: data.Telegram, ExternalID: fmt.Sprintf("%d-%d", b, i),
					Text: "Когда дадут воду в Кардымово?", District: "kardymovo", CreatedAt: baseTime.Add(time.Duration(b*50+i) * time.Second)}))
			}
			if _, err := db.Ingest(ctx, Batch{AccountID: acc.ID, Messages: ms, CursorKey: "offset", CursorValue: fmt.Sprint(b)}); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Add(1)
	go func() { // the operator
		defer wg.Done()
		for range 40 {
			page, err := db.ListMessages(ctx, data.Filter{Statuses: []data.Status{data.StatusNew}}, data.Cursor{}, 5)
			if err != nil {
				errs <- err
				return
			}
			for _, m := range page {
				if err := db.SetStatus(ctx, []int64{m.ID}, data.StatusInProgress, baseTime); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	for range 3 { // the inbox, counters and search
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				if _, err := db.ListMessages(ctx, data.Filter{Districts: []string{"kardymovo"}}, data.Cursor{}, 50); err != nil {
					errs <- err
					return
				}
				if _, err := db.CountBy(ctx, data.Filter{}, "status"); err != nil {
					errs <- err
					return
				}
				if _, err := db.CountMessages(ctx, data.Filter{Match: testStem("воду")}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := db.CountMessages(ctx, data.Filter{}); err != nil || n != batches*50 {
		t.Errorf("total = %d, %v; want %d", n, err, batches*50)
	}
	if c, _ := db.Cursor(ctx, acc.ID, "offset"); c != fmt.Sprint(batches-1) {
		t.Errorf("cursor = %q", c)
	}
}
