package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

// seedActions ingests three complaints about heating in Yartsevo from two
// platforms and returns them by external id.
func seedActions(t *testing.T) (*App, map[string]data.Message) {
	t.Helper()
	ctx := context.Background()
	a := openTest(t)
	vk := mustAccount(t, a, data.VK, "-100")
	pos := mustAccount(t, a, data.POS, "pos")
	m1 := msg(vk, "1", "В Ярцеве на улице Гагарина нет отопления, батареи холодные", "", time.Hour)
	m1.AuthorName = "Людмила Григорьева"
	m2 := msg(vk, "2", "Ярцево, Советская 12: отопление еле тёплое третий день", "", 2*time.Hour)
	m2.AuthorExternalID, m2.AuthorName = "u2", "Нелли Александрова"
	m3 := msg(pos, "3", "Прошу разобраться с отоплением в школе №2 города Ярцево", "", 3*time.Hour)
	m3.AuthorName, m3.PostExternalID = "Борис Валерьевич Ш.", ""
	if _, err := a.Ingest(ctx, vk.ID, nil, []data.Message{m1, m2}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Ingest(ctx, pos.ID, nil, []data.Message{m3}); err != nil {
		t.Fatal(err)
	}
	db, _ := a.store()
	out := map[string]data.Message{}
	for _, m := range []data.Message{m1, m2, m3} {
		got, err := db.MessageByExternal(ctx, m.Platform, m.ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		out[m.ExternalID] = got
	}
	return a, out
}

func TestUndoRestoresEachAction(t *testing.T) {
	ctx := context.Background()
	a, ms := seedActions(t)
	ids := []int64{ms["1"].ID, ms["2"].ID}
	if _, err := a.Undo(ctx); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo with nothing done: %v", err)
	}
	for _, tc := range []struct {
		action string
		do     func() error
		check  func(m data.Message) bool // true while the change is in place
	}{
		{ActionStatus, func() error { return a.SetStatus(ctx, ids, data.StatusClosed) },
			func(m data.Message) bool { return m.Status == data.StatusClosed }},
		{ActionAssign, func() error { return a.Assign(ctx, ids, "Анна Ковалёва") },
			func(m data.Message) bool { return m.Assignee == "Анна Ковалёва" }},
		{ActionDistrict, func() error { return a.SetDistrict(ctx, ids, "safonovo") },
			func(m data.Message) bool { return m.District == "safonovo" && m.DistrictManual }},
		{ActionCategory, func() error { return a.SetCategory(ctx, ids, "roads") },
			func(m data.Message) bool { return m.Category == "roads" && m.CategoryManual }},
		{ActionTag, func() error { return a.AddTag(ctx, ids, "#школа") },
			func(m data.Message) bool { return slices.Contains(m.Tags, "школа") }},
	} {
		if err := tc.do(); err != nil {
			t.Fatalf("%s: %v", tc.action, err)
		}
		info, ok := a.LastAction()
		if !ok || info.Action != tc.action || info.Count != 2 {
			t.Errorf("%s: last action %+v %v", tc.action, info, ok)
		}
		for _, id := range ids {
			if m := mustMessage(t, a, id); !tc.check(m) {
				t.Fatalf("%s: not applied to %d: %+v", tc.action, id, m)
			}
		}
		if _, err := a.Undo(ctx); err != nil {
			t.Fatalf("%s: undo: %v", tc.action, err)
		}
		for _, id := range ids {
			if m := mustMessage(t, a, id); tc.check(m) {
				t.Errorf("%s: still applied to %d after undo", tc.action, id)
			}
		}
		if _, ok := a.LastAction(); ok {
			t.Errorf("%s: undo can be repeated", tc.action)
		}
	}
	// A correction of the municipality is remembered for the author, and
	// undoing it forgets it again.
	db, _ := a.store()
	if err := a.SetDistrict(ctx, ids[:1], "safonovo"); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.AuthorDistrict(ctx, data.VK, ms["1"].AuthorExternalID); d != "safonovo" {
		t.Errorf("correction not remembered: %q", d)
	}
	if _, err := a.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.AuthorDistrict(ctx, data.VK, ms["1"].AuthorExternalID); d != "" {
		t.Errorf("correction kept after undo: %q", d)
	}
}

func mustMessage(t *testing.T, a *App, id int64) data.Message {
	t.Helper()
	db, _ := a.store()
	m, err := db.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReplyQueuesOnceAndUndoCancels(t *testing.T) {
	ctx := context.Background()
	a, ms := seedActions(t)
	id := ms["1"].ID
	it, err := a.Reply(ctx, id, "  Людмила, здравствуйте! Передали в теплосеть.  ")
	if err != nil {
		t.Fatal(err)
	}
	if it.ID == 0 || it.State != data.OutboxQueued || ReplyText(it) != "Людмила, здравствуйте! Передали в теплосеть." {
		t.Fatalf("queued: %+v", it)
	}
	m := mustMessage(t, a, id)
	if m.Status != data.StatusAnswered || m.FirstResponseAt.IsZero() {
		t.Errorf("message after reply: %s, first response %v", m.Status, m.FirstResponseAt)
	}
	again, err := a.Reply(ctx, id, "Людмила, здравствуйте! Передали в теплосеть.")
	if err != nil || again.ID != it.ID {
		t.Errorf("a second click queued again: %+v %v", again, err)
	}
	if items, _ := a.MessageOutbox(ctx, id); len(items) != 1 {
		t.Errorf("outbox: %d items", len(items))
	}
	if _, err := a.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if items, _ := a.MessageOutbox(ctx, id); len(items) != 0 {
		t.Errorf("undone reply still queued: %+v", items)
	}
	if m := mustMessage(t, a, id); m.Status != data.StatusNew || !m.FirstResponseAt.IsZero() {
		t.Errorf("after undo: %s %v", m.Status, m.FirstResponseAt)
	}

	// A failed reply goes back to the queue on retry.
	it, err = a.Reply(ctx, id, "Повторный ответ")
	if err != nil {
		t.Fatal(err)
	}
	db, _ := a.store()
	it.State, it.LastError = data.OutboxFailed, "VK: access denied"
	if err := db.UpdateOutbox(ctx, &it); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Undo(ctx); err == nil || !strings.Contains(err.Error(), "already gone") {
		t.Errorf("undoing a reply that left the queue: %v", err)
	}
	if err := a.RetryOutbox(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if items, _ := a.MessageOutbox(ctx, id); len(items) != 1 || items[0].State != data.OutboxQueued {
		t.Errorf("after retry: %+v", items)
	}

	for _, bad := range []struct {
		id   int64
		text string
	}{{id, "   "}, {id, strings.Repeat("я", 16385)}, {999999, "Здравствуйте"}} {
		if _, err := a.Reply(ctx, bad.id, bad.text); err == nil {
			t.Errorf("reply %d of %d chars accepted", bad.id, len(bad.text))
		}
	}
}

func TestReplyOnPortalIsANoteNotAnOutboxItem(t *testing.T) {
	ctx := context.Background()
	a, ms := seedActions(t)
	id := ms["3"].ID
	it, err := a.Reply(ctx, id, "Борис Валерьевич, обращение передано в управление образования.")
	if err != nil || it.ID != 0 {
		t.Fatalf("portal reply: %+v %v", it, err)
	}
	if items, _ := a.MessageOutbox(ctx, id); len(items) != 0 {
		t.Errorf("ПОС reply reached the outbox: %+v", items)
	}
	d, err := a.Detail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Message.Status != data.StatusAnswered || len(d.Notes) != 1 || !strings.Contains(d.Notes[0].Text, "передано в управление образования") {
		t.Errorf("after a portal answer: %s, notes %+v", d.Message.Status, d.Notes)
	}
}

func TestReplyLimits(t *testing.T) {
	for _, tc := range []struct {
		p    data.Platform
		text string
		want int
	}{
		{data.Telegram, "Спасибо 👍", 10}, // the emoji is two UTF-16 units
		{data.VK, "Спасибо 👍", 9},
		{data.POS, "", 0},
	} {
		if got := ReplyLimitFor(tc.p).Length(tc.text); got != tc.want {
			t.Errorf("%s %q: %d, want %d", tc.p, tc.text, got, tc.want)
		}
	}
	if !ReplyLimitFor(data.POS).Portal || ReplyLimitFor(data.VK).Portal {
		t.Error("only ПОС answers on the portal")
	}
}

func TestFillTemplate(t *testing.T) {
	a := openTest(t)
	tpl := "{имя}, здравствуйте! Обращение из {район} передали в теплосеть, проверят до {дата}."
	due := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, district string
		due            time.Time
		want           string
	}{
		{"Людмила Григорьева", "yartsevo", due, "Людмила, здравствуйте! Обращение из Ярцево передали в теплосеть, проверят до 4 декабря."},
		{"Борис Валерьевич Ш.", "yartsevo", due, "Борис Валерьевич, здравствуйте! Обращение из Ярцево передали в теплосеть, проверят до 4 декабря."},
		{"Шилов Борис Валерьевич", "", time.Time{}, "Борис Валерьевич, здравствуйте! Обращение из районе передали в теплосеть, проверят до 2 декабря."},
		{"kot_murzik", "yartsevo", due, "Здравствуйте! Обращение из Ярцево передали в теплосеть, проверят до 4 декабря."},
	} {
		m := data.Message{AuthorName: tc.name, District: tc.district, AnswerDue: tc.due}
		if got := a.FillTemplate(tpl, m); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestResponseReportAndCSV(t *testing.T) {
	ctx := context.Background()
	a, ms := seedActions(t)
	if _, err := a.Reply(ctx, ms["1"].ID, "Людмила, здравствуйте!"); err != nil {
		t.Fatal(err)
	}
	r, err := a.ResponseReport(ctx, testNow.Add(-7*24*time.Hour), testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var heating *ReportRow
	for i := range r.ByCategory {
		if r.ByCategory[i].Key == "housing" {
			heating = &r.ByCategory[i]
		}
	}
	if heating == nil || heating.Label != "ЖКХ" || heating.Total != 3 || heating.Responded != 1 || heating.Median != time.Hour {
		t.Fatalf("heating row: %+v (all %+v)", heating, r.ByCategory)
	}
	if len(r.ByWeek) != 1 || r.ByWeek[0].Label != "с 23 ноября" {
		t.Errorf("weeks: %+v", r.ByWeek)
	}
	var buf bytes.Buffer
	if err := WriteReportCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(r.ByCategory)+len(r.ByDistrict)+len(r.ByWeek) {
		t.Errorf("CSV has %d lines", len(recs))
	}
	if !slices.ContainsFunc(recs, func(r []string) bool {
		return slices.Equal(r, []string{"Тема", "ЖКХ", "housing", "3", "1", "60.0", "60.0"})
	}) {
		t.Errorf("CSV lacks the heating line: %v", recs)
	}
	if _, err := a.ResponseReport(ctx, testNow, testNow); err == nil {
		t.Error("an empty period was accepted")
	}
}
