package sqlite

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"otklik/data"
)

func TestIngestIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-65432", "Смоленская область")
	b := Batch{
		AccountID: acc.ID,
		Posts: []data.Post{{Platform: data.VK, ExternalID: "wall-65432_501", Text: "Губернатор провёл приём граждан в Вязьме",
			URL: "https://vk.com/wall-65432_501", Kind: "post", CreatedAt: baseTime}},
	}
	texts := []string{
		"Когда починят освещение на улице Кирова? Вечером идти страшно",
		"Спасибо за новый автобус до Кардымово!",
		"Дорога в Тёмкино разбита, прошу включить в план ремонта",
	}
	for i, txt := range texts {
		b.Messages = append(b.Messages, im(data.Message{Platform: data.VK, ExternalID: fmt.Sprintf("wall-65432_501_%d", i+1),
			PostExternalID: "wall-65432_501", AuthorExternalID: fmt.Sprint(1000 + i), AuthorName: "Житель " + fmt.Sprint(i),
			Text: txt, CreatedAt: baseTime.Add(time.Duration(i) * time.Minute),
			Attachments: []data.Attachment{{Type: "photo", URL: "https://vk.com/photo1_2"}}}))
	}
	first := mustIngest(t, db, b)
	if first != (IngestResult{Inserted: 3}) {
		t.Errorf("first ingest = %+v, want 3 inserted", first)
	}
	before, err := db.ListMessages(ctx, data.Filter{}, data.Cursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	second := mustIngest(t, db, b)
	if second != (IngestResult{Updated: 3}) {
		t.Errorf("second ingest = %+v, want 3 updated", second)
	}
	after, err := db.ListMessages(ctx, data.Filter{}, data.Cursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	for i := range after { // updated_at moves; everything else must not
		after[i].UpdatedAt = before[i].UpdatedAt
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("re-ingest changed rows:\n got %+v\nwant %+v", after, before)
	}
	// The search index must not hold duplicates either.
	if n, err := db.CountMessages(ctx, data.Filter{Match: testStem("автобус")}); err != nil || n != 1 {
		t.Errorf("search count after re-ingest = %d, %v; want 1", n, err)
	}
	var ftsRows int
	if err := db.r.QueryRow(`SELECT count(*) FROM messages_fts`).Scan(&ftsRows); err != nil || ftsRows != 3 {
		t.Errorf("FTS rows = %d, %v; want 3", ftsRows, err)
	}
	p, err := db.Post(ctx, data.VK, "wall-65432_501")
	if err != nil || p.Text != "Губернатор провёл приём граждан в Вязьме" || p.AccountID != acc.ID || !p.CreatedAt.Equal(baseTime) {
		t.Errorf("Post = %+v, %v", p, err)
	}
	if _, err := db.Post(ctx, data.VK, "wall-65432_999"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("missing post err = %v, want ErrNotFound", err)
	}
	m := mustGet(t, db, data.VK, "wall-65432_501_1")
	if len(m.Attachments) != 1 || m.Attachments[0].Type != "photo" || m.AuthorName != "Житель 0" || m.Status != data.StatusNew {
		t.Errorf("stored message = %+v", m)
	}
}

func TestRepullKeepsLocalEdits(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.Telegram, "-100200300", "Смоленск онлайн")
	orig := data.Message{Platform: data.Telegram, ExternalID: "-100200300:77", AuthorExternalID: "555", AuthorName: "Марина",
		AuthorCity: "Смоленск", Text: "Во дворе на Крупской третью неделю не убирают снег",
		CreatedAt: baseTime, District: "smolensk", Category: "housing", Sentiment: data.Negative}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{im(orig)}})
	id := mustGet(t, db, data.Telegram, orig.ExternalID).ID

	now := baseTime.Add(2 * time.Hour)
	due1, due2 := baseTime.Add(4*time.Hour), baseTime.Add(72*time.Hour)
	steps := []error{
		db.SetStatus(ctx, []int64{id}, data.StatusAnswered, now),
		db.SetStatus(ctx, []int64{id}, data.StatusInProgress, now.Add(time.Minute)),
		db.SetAssignee(ctx, []int64{id}, "Ольга Петрова"),
		db.AddTag(ctx, []int64{id}, "зима"),
		db.SetDeadlines(ctx, id, due1, due2),
		db.SetCategory(ctx, []int64{id}, "roads"),
		db.SetDistrict(ctx, []int64{id}, "smolensky_district"),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if _, err := db.AddNote(ctx, data.Note{MessageID: id, Author: "Ольга", Text: "Позвонить в управляющую компанию"}); err != nil {
		t.Fatal(err)
	}

	repull := orig
	repull.Text = "Во дворе на Крупской четвёртую неделю не убирают снег, тротуар во льду"
	repull.District, repull.Category, repull.Sentiment = "gagarin", "housing", data.Neutral
	repull.AuthorName = "Марина К."
	repull.Status = data.StatusNew // a connector's default must not reset the office's status
	res := mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{im(repull)}})
	if res != (IngestResult{Updated: 1}) {
		t.Errorf("re-pull = %+v, want 1 updated", res)
	}

	got := mustGet(t, db, data.Telegram, orig.ExternalID)
	want := map[string][2]any{
		"Text":             {got.Text, repull.Text},
		"AuthorName":       {got.AuthorName, "Марина К."},
		"Sentiment":        {got.Sentiment, data.Neutral},
		"Status":           {got.Status, data.StatusInProgress},
		"Assignee":         {got.Assignee, "Ольга Петрова"},
		"Tags":             {fmt.Sprint(got.Tags), "[зима]"},
		"District":         {got.District, "smolensky_district"},
		"DistrictManual":   {got.DistrictManual, true},
		"Category":         {got.Category, "roads"},
		"CategoryManual":   {got.CategoryManual, true},
		"FirstResponseAt":  {got.FirstResponseAt, now},
		"FirstResponseDue": {got.FirstResponseDue, due1},
		"AnswerDue":        {got.AnswerDue, due2},
	}
	for field, gw := range want {
		if !reflect.DeepEqual(gw[0], gw[1]) {
			t.Errorf("%s = %v, want %v", field, gw[0], gw[1])
		}
	}
	notes, err := db.Notes(ctx, id)
	if err != nil || len(notes) != 1 || notes[0].Text != "Позвонить в управляющую компанию" {
		t.Errorf("notes = %+v, %v", notes, err)
	}
	// The search index follows the new text and forgets the old.
	for q, want := range map[string]int{testStem("тротуар"): 1, testStem("третью"): 0, testStem("четвёртую"): 1} {
		if n, err := db.CountMessages(ctx, data.Filter{Match: q}); err != nil || n != want {
			t.Errorf("search %q = %d, %v; want %d", q, n, err, want)
		}
	}
}

func TestRememberedDistrictCorrection(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-1", "Администрация Смоленской области")
	mk := func(ext, author, district, text string, min int) IngestMessage {
		return im(data.Message{Platform: data.VK, ExternalID: ext, AuthorExternalID: author, AuthorCity: "Сафоново",
			Text: text, District: district, CreatedAt: baseTime.Add(time.Duration(min) * time.Minute)})
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		mk("c1", "id501", "safonovo", "В Сафоново закрыли поликлинику на ремонт, куда ходить?", 0),
		mk("c2", "id777", "safonovo", "Сафоново, улица Октябрьская — нет света", 1),
	}})
	// The tagger read the profile city; the resident actually lives in Дорогобуж.
	c1 := mustGet(t, db, data.VK, "c1")
	if err := db.SetDistrict(ctx, []int64{c1.ID}, "dorogobuzh"); err != nil {
		t.Fatal(err)
	}
	if d, err := db.AuthorDistrict(ctx, data.VK, "id501"); err != nil || d != "dorogobuzh" {
		t.Errorf("AuthorDistrict = %q, %v; want dorogobuzh", d, err)
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		mk("c3", "id501", "safonovo", "Автобус до Дорогобужа опять отменили", 2),
		mk("c4", "id777", "safonovo", "Спасибо, свет дали", 3),
	}})
	for ext, want := range map[string]string{"c1": "dorogobuzh", "c2": "safonovo", "c3": "dorogobuzh", "c4": "safonovo"} {
		if got := mustGet(t, db, data.VK, ext).District; got != want {
			t.Errorf("%s district = %q, want %q", ext, got, want)
		}
	}
	if mustGet(t, db, data.VK, "c3").DistrictManual {
		t.Error("a remembered correction marked a new message as manually edited")
	}
	// Clearing the district forgets the correction.
	if err := db.SetDistrict(ctx, []int64{c1.ID}, ""); err != nil {
		t.Fatal(err)
	}
	if d, err := db.AuthorDistrict(ctx, data.VK, "id501"); err != nil || d != "" {
		t.Errorf("AuthorDistrict after clearing = %q, %v; want empty", d, err)
	}
}

func TestDeletedStubKeepsText(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-2", "Смоленск")
	m := data.Message{Platform: data.VK, ExternalID: "d1", AuthorExternalID: "id9", Text: "Глава района не отвечает на обращения",
		CreatedAt: baseTime, District: "velizh", Category: "power", URL: "https://vk.com/wall-2_1?reply=1"}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{im(m)}})
	stub := data.Message{Platform: data.VK, ExternalID: "d1", Deleted: true, CreatedAt: baseTime}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{im(stub)}})
	got := mustGet(t, db, data.VK, "d1")
	if !got.Deleted || got.Text != m.Text || got.District != "velizh" || got.AuthorExternalID != "id9" || got.URL != m.URL {
		t.Errorf("after deletion stub = %+v", got)
	}
	if n, _ := db.CountMessages(ctx, data.Filter{Match: testStem("обращения")}); n != 1 {
		t.Errorf("deleted message not searchable: %d hits", n)
	}
}

func TestIngestQuarantinesBadItems(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.OK, "5500", "Смоленская область — ОК")
	other := mustAccount(t, db, data.OK, "5501", "Другая группа")
	good := im(data.Message{Platform: data.OK, ExternalID: "ok1", Text: "Когда откроют бассейн в Десногорске?", CreatedAt: baseTime})
	bad := []IngestMessage{
		im(data.Message{Platform: "max", ExternalID: "m1", Text: "неизвестная сеть", CreatedAt: baseTime}),
		im(data.Message{Platform: data.OK, Text: "без идентификатора", CreatedAt: baseTime}),
		im(data.Message{Platform: data.OK, ExternalID: "ok2", Text: "без даты"}),
		im(data.Message{Platform: data.OK, ExternalID: "ok3", AccountID: other.ID, Text: "чужой аккаунт", CreatedAt: baseTime}),
		im(data.Message{Platform: data.OK, ExternalID: "ok4", Status: "archived", Text: "странный статус", CreatedAt: baseTime}),
	}
	res := mustIngest(t, db, Batch{AccountID: acc.ID, Messages: append([]IngestMessage{good}, bad...),
		Posts: []data.Post{{Platform: data.OK, Text: "пост без id", CreatedAt: baseTime}}})
	if res != (IngestResult{Inserted: 1, Quarantined: len(bad)}) {
		t.Errorf("result = %+v", res)
	}
	q, err := db.Quarantine(ctx, 100)
	if err != nil || len(q) != len(bad)+1 {
		t.Fatalf("quarantine = %d items, %v; want %d", len(q), err, len(bad)+1)
	}
	for _, it := range q {
		if it.Reason == "" || it.Payload == "" || it.AccountID != acc.ID {
			t.Errorf("quarantine item %+v", it)
		}
	}
	if _, err := db.Ingest(ctx, Batch{AccountID: 999}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown account err = %v, want ErrNotFound", err)
	}
}

func TestIngestIsAtomicWithCursor(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.Telegram, "-100", "Канал")
	ok := Batch{AccountID: acc.ID, CursorKey: "offset", CursorValue: "1001", Messages: []IngestMessage{
		im(data.Message{Platform: data.Telegram, ExternalID: "t1", Text: "Первый вопрос", CreatedAt: baseTime})}}
	mustIngest(t, db, ok)
	if c, err := db.Cursor(ctx, acc.ID, "offset"); err != nil || c != "1001" {
		t.Fatalf("cursor = %q, %v; want 1001", c, err)
	}
	if c, err := db.Cursor(ctx, acc.ID, "backfill"); err != nil || c != "" {
		t.Errorf("missing cursor = %q, %v; want empty", c, err)
	}
	// Make the second row of the next page fail inside the transaction.
	if _, err := db.w.Exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON messages WHEN NEW.external_id = 't3'
		BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`); err != nil {
		t.Fatal(err)
	}
	failing := Batch{AccountID: acc.ID, CursorKey: "offset", CursorValue: "1003", Messages: []IngestMessage{
		im(data.Message{Platform: data.Telegram, ExternalID: "t2", Text: "Второй вопрос", CreatedAt: baseTime.Add(time.Minute)}),
		im(data.Message{Platform: data.Telegram, ExternalID: "t3", Text: "Третий вопрос", CreatedAt: baseTime.Add(2 * time.Minute)}),
	}}
	if _, err := db.Ingest(ctx, failing); err == nil {
		t.Fatal("Ingest succeeded despite the failing row")
	}
	if c, _ := db.Cursor(ctx, acc.ID, "offset"); c != "1001" {
		t.Errorf("cursor advanced to %q by a failed page", c)
	}
	if _, err := db.MessageByExternal(ctx, data.Telegram, "t2"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("row of a failed page was kept: %v", err)
	}
	if n, _ := db.CountMessages(ctx, data.Filter{Match: testStem("второй")}); n != 0 {
		t.Errorf("search index kept %d rows of a failed page", n)
	}
	if _, err := db.w.Exec(`DROP TRIGGER temp.boom`); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCursor(ctx, acc.ID, "offset", "1004"); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Cursor(ctx, acc.ID, "offset"); c != "1004" {
		t.Errorf("SetCursor: cursor = %q, want 1004", c)
	}
}

func TestIngestDuplicateWithinBatch(t *testing.T) {
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-3", "Рославль")
	a := data.Message{Platform: data.VK, ExternalID: "x", Text: "Старый текст про мост", CreatedAt: baseTime}
	b := a
	b.Text = "Новый текст про переправу"
	res := mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{im(a), im(b)}})
	if res != (IngestResult{Inserted: 1, Updated: 1}) {
		t.Errorf("result = %+v", res)
	}
	ctx := context.Background()
	for q, want := range map[string]int{testStem("мост"): 0, testStem("переправу"): 1} {
		if n, err := db.CountMessages(ctx, data.Filter{Match: q}); err != nil || n != want {
			t.Errorf("search %q = %d, %v; want %d", q, n, err, want)
		}
	}
}

func TestIngestBackfillOutOfOrder(t *testing.T) {
	// Backfill stores older messages after newer ones; list and search order
	// follow created_at, not insertion order.
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-4", "Десногорск")
	var newest, oldest []IngestMessage
	for i := range 5 {
		newest = append(newest, im(data.Message{Platform: data.VK, ExternalID: fmt.Sprintf("n%d", i),
			Text: "вопрос про отопление", CreatedAt: baseTime.Add(time.Duration(10+i) * time.Hour)}))
		oldest = append(oldest, im(data.Message{Platform: data.VK, ExternalID: fmt.Sprintf("o%d", i),
			Text: "вопрос про отопление", CreatedAt: baseTime.Add(time.Duration(i) * time.Hour)}))
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: newest})
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: oldest})
	want := []string{"n4", "n3", "n2", "n1", "n0", "o4", "o3", "o2", "o1", "o0"}
	for _, f := range []data.Filter{{}, {Match: testStem("отопление")}} {
		ms, err := db.ListMessages(ctx, f, data.Cursor{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got := extIDs(ms); !slices.Equal(got, want) {
			t.Errorf("filter %+v order = %v, want %v", f, got, want)
		}
	}
}
