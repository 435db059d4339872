package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"otklik/app/demo"
	"otklik/data"
)

// now is a fixed Wednesday afternoon in Smolensk.
var testNow = time.Date(2026, 11, 25, 15, 0, 0, 0, time.FixedZone("MSK", 3*3600))

func openTest(t testing.TB) *App {
	t.Helper()
	a, err := Open(context.Background(), Options{
		DBPath: filepath.Join(t.TempDir(), "otklik.db"),
		Now:    func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func mustAccount(t testing.TB, a *App, p data.Platform, ext string) data.Account {
	t.Helper()
	db, err := a.store()
	if err != nil {
		t.Fatal(err)
	}
	acc := data.Account{Platform: p, ExternalID: ext, Name: "Правительство Смоленской области", Kind: "community", CreatedAt: testNow}
	if err := db.UpsertAccount(context.Background(), &acc); err != nil {
		t.Fatal(err)
	}
	return acc
}

func msg(acc data.Account, ext, text, city string, ago time.Duration) data.Message {
	return data.Message{
		Platform: acc.Platform, ExternalID: ext, AccountID: acc.ID, PostExternalID: "p1",
		AuthorExternalID: "u" + ext, AuthorName: "Ольга Смирнова", AuthorCity: city,
		Text: text, CreatedAt: testNow.Add(-ago),
	}
}

func TestIngestTagsStemsAndSetsDeadlines(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	acc := mustAccount(t, a, data.VK, "-100")
	msgs := []data.Message{
		msg(acc, "1", "В Рославле на улице Пролетарской вторую неделю нет отопления, батареи ледяные!", "", time.Hour),
		msg(acc, "2", "Когда отремонтируют дорогу в Ярцеве на проспекте Металлургов? Ямы огромные", "", 2*time.Hour),
		msg(acc, "3", "Спасибо за новую детскую площадку во дворе!", "Вязьма", 3*time.Hour),
	}
	st, err := a.Ingest(ctx, acc.ID, nil, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != 3 {
		t.Fatalf("got %d inserted, want 3", st.Inserted)
	}
	want := []struct{ district, category string }{
		{"roslavl", "housing"}, {"yartsevo", "roads"}, {"vyazma", "improvement"},
	}
	for i, w := range want {
		db, _ := a.store()
		m, err := db.MessageByExternal(ctx, data.VK, msgs[i].ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		if m.District != w.district || m.Category != w.category {
			t.Errorf("message %d: got %s/%s, want %s/%s", i+1, m.District, m.Category, w.district, w.category)
		}
		if m.Status != data.StatusNew {
			t.Errorf("message %d: status %q, want new", i+1, m.Status)
		}
		if m.FirstResponseDue.IsZero() || m.AnswerDue.IsZero() || !m.AnswerDue.After(m.CreatedAt) {
			t.Errorf("message %d: deadlines not set: %v %v", i+1, m.FirstResponseDue, m.AnswerDue)
		}
	}
	// The inflected form finds the others through the stemmed index.
	p, err := a.Inbox(ctx, Query{Search: "дороги"}, data.Cursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Items[0].ExternalID != "2" {
		t.Fatalf("search «дороги»: got %d items, want message 2", len(p.Items))
	}
}

func TestSearchNeverFails(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	acc := mustAccount(t, a, data.VK, "-100")
	if _, err := a.Ingest(ctx, acc.ID, nil, []data.Message{
		msg(acc, "1", "Дорогу на Смоленск «починили» — через неделю опять ямы 😡", "", time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	inputs := []string{`"`, `AND(`, `*`, `NEAR`, `NEAR(a b)`, `-`, `""`, `a:b`, `^дорога`, `(((`, `OR`, `NOT дорога`,
		strings.Repeat("дорога ", 1500), strings.Repeat("я", 10000), "😡", "дорога 😡 road", "ДОРОГА", "\x00\x01", "\xff\xfe"}
	for _, in := range inputs {
		name := in
		if len(name) > 20 {
			name = name[:20]
		}
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			if _, err := a.Inbox(ctx, Query{Search: in}, data.Cursor{}, 50); err != nil {
				t.Fatalf("Inbox(%q): %v", name, err)
			}
			if _, err := a.Count(ctx, Query{Search: in}); err != nil {
				t.Fatalf("Count(%q): %v", name, err)
			}
		})
	}
}

func TestWorkflowActions(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	acc := mustAccount(t, a, data.Telegram, "-1001")
	var msgs []data.Message
	for i := 0; i < 5; i++ {
		msgs = append(msgs, msg(acc, fmt.Sprint(i), "В Сафонове опять отключили горячую воду без предупреждения", "", time.Duration(i+1)*time.Hour))
	}
	if _, err := a.Ingest(ctx, acc.ID, nil, msgs); err != nil {
		t.Fatal(err)
	}
	events, cancel := a.Subscribe()
	defer cancel()
	page, err := a.Inbox(ctx, Query{}, data.Cursor{}, 10)
	if err != nil || len(page.Items) != 5 {
		t.Fatalf("inbox: %v, %d items", err, len(page.Items))
	}
	ids := []int64{page.Items[0].ID, page.Items[1].ID}
	if err := a.SetUser(ctx, "Ирина Петренко"); err != nil {
		t.Fatal(err)
	}
	if err := a.Assign(ctx, ids, "Ирина Петренко"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetStatus(ctx, ids, data.StatusInProgress); err != nil {
		t.Fatal(err)
	}
	if err := a.SetStatus(ctx, ids, "bogus"); err == nil {
		t.Fatal("SetStatus accepted an unknown status")
	}
	if err := a.SetDistrict(ctx, ids[:1], "gagarin"); err != nil {
		t.Fatal(err)
	}
	if err := a.SetDistrict(ctx, ids[:1], "atlantis"); err == nil {
		t.Fatal("SetDistrict accepted an unknown municipality")
	}
	if err := a.SetCategory(ctx, ids[:1], "energy"); err != nil {
		t.Fatal(err)
	}
	if err := a.AddNote(ctx, ids[0], "Позвонила в МУП «Водоканал», обещают к вечеру"); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		if e.Kind != EventMessages {
			t.Fatalf("got event %q, want %q", e.Kind, EventMessages)
		}
	case <-time.After(time.Second):
		t.Fatal("no event after a change")
	}
	var mine View
	for _, v := range a.Views() {
		if v.ID == ViewMine {
			mine = v
		}
	}
	if n, err := a.Count(ctx, mine.Query); err != nil || n != 2 {
		t.Fatalf("«Мои»: got %d (%v), want 2", n, err)
	}
	d, err := a.Detail(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if d.Message.District != "gagarin" || !d.Message.DistrictManual || d.Message.Category != "energy" {
		t.Errorf("detail: got %s (manual %v) / %s", d.Message.District, d.Message.DistrictManual, d.Message.Category)
	}
	if len(d.Notes) != 1 || d.Notes[0].Author != "Ирина Петренко" {
		t.Errorf("notes: %+v", d.Notes)
	}
	if d.Account.ID != acc.ID {
		t.Errorf("detail account: got %d, want %d", d.Account.ID, acc.ID)
	}
	// A re-pull of the same remote text keeps every local decision.
	if _, err := a.Ingest(ctx, acc.ID, nil, msgs); err != nil {
		t.Fatal(err)
	}
	d2, _ := a.Detail(ctx, ids[0])
	if d2.Message.Status != data.StatusInProgress || d2.Message.Assignee != "Ирина Петренко" || d2.Message.District != "gagarin" {
		t.Errorf("re-pull overwrote local edits: %+v", d2.Message)
	}
}

func TestDemoAndReset(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	need, err := a.NeedsDemo(ctx)
	if err != nil || !need {
		t.Fatalf("NeedsDemo on an empty store: %v %v", need, err)
	}
	if err := a.ResetToEmpty(ctx); err == nil {
		t.Fatal("ResetToEmpty removed a store that is not demo data")
	}
	st, err := a.SeedDemo(ctx, demo.Options{Seed: 7, Comments: 1500, Now: testNow}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted < 1500 {
		t.Fatalf("demo inserted %d, want ≥ 1500", st.Inserted)
	}
	s, err := a.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Demo || s.Accounts < 4 || s.User == "" {
		t.Fatalf("summary after demo: %+v", s)
	}
	if s.Overdue == 0 {
		t.Error("the demo region has no overdue messages")
	}
	byDistrict, err := a.CountBy(ctx, Query{}, "district")
	if err != nil {
		t.Fatal(err)
	}
	if len(byDistrict) < 20 {
		t.Errorf("demo covers %d municipalities, want most of 27: %v", len(byDistrict), byDistrict)
	}
	events, cancel := a.Subscribe()
	defer cancel()
	if err := a.ResetToEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	if e := <-events; e.Kind != EventReset {
		t.Fatalf("got event %q, want reset", e.Kind)
	}
	need, err = a.NeedsDemo(ctx)
	if err != nil || need {
		t.Fatalf("after reset NeedsDemo = %v (%v), want false: the user chose an empty store", need, err)
	}
	if n, _ := a.Count(ctx, Query{}); n != 0 {
		t.Fatalf("after reset %d messages remain", n)
	}
}
