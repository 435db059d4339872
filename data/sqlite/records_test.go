package sqlite

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"otklik/data"
)

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	a := mustAccount(t, db, data.VK, "-12345", "Губернатор Смоленской области")
	b := mustAccount(t, db, data.POS, "pos-smolensk", "Госуслуги. Решаем вместе")
	again := data.Account{Platform: data.VK, ExternalID: "-12345", Name: "Губернатор Смоленской области — официально",
		Kind: "page", Config: `{"linked_chat":"-100"}`}
	if err := db.UpsertAccount(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if again.ID != a.ID || !again.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("upsert gave id %d created %v, want %d %v", again.ID, again.CreatedAt, a.ID, a.CreatedAt)
	}
	all, err := db.Accounts(ctx)
	if err != nil || len(all) != 2 || all[0].Name != again.Name || all[0].Config != again.Config || all[1].ID != b.ID {
		t.Errorf("Accounts = %+v, %v", all, err)
	}
	got, err := db.Account(ctx, b.ID)
	if err != nil || got.Platform != data.POS || got.ExternalID != "pos-smolensk" {
		t.Errorf("Account = %+v, %v", got, err)
	}
	if _, err := db.Account(ctx, 999); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("missing account err = %v", err)
	}
	for _, bad := range []data.Account{{Platform: "max", ExternalID: "1"}, {Platform: data.VK}} {
		if err := db.UpsertAccount(ctx, &bad); err == nil {
			t.Errorf("UpsertAccount(%+v) succeeded", bad)
		}
	}
}

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-1", "Смоленская область")
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		im(data.Message{Platform: data.VK, ExternalID: "q1", Text: "Когда начнут ремонт школы в Холм-Жирковском?", CreatedAt: baseTime})}})
	msg := mustGet(t, db, data.VK, "q1")
	sentAt := baseTime.Add(30 * time.Minute)
	reply := data.OutboxItem{AccountID: acc.ID, Kind: "reply", MessageID: msg.ID, IdempotencyKey: "reply-q1-1",
		Payload: `{"text":"Здравствуйте! Ремонт начнётся в июне."}`, CreatedAt: sentAt}
	if err := db.EnqueueOutbox(ctx, &reply, data.StatusAnswered); err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, db, data.VK, "q1")
	if got.Status != data.StatusAnswered || !got.FirstResponseAt.Equal(sentAt) {
		t.Errorf("after enqueue: status %s, first response %v", got.Status, got.FirstResponseAt)
	}

	// A double click: same key, no second item, message untouched.
	if err := db.SetStatus(ctx, []int64{msg.ID}, data.StatusInProgress, sentAt); err != nil {
		t.Fatal(err)
	}
	dup := data.OutboxItem{AccountID: acc.ID, Kind: "reply", MessageID: msg.ID, IdempotencyKey: "reply-q1-1", Payload: `{"text":"ещё раз"}`}
	if err := db.EnqueueOutbox(ctx, &dup, data.StatusAnswered); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate enqueue err = %v, want ErrDuplicate", err)
	}
	if dup.ID != reply.ID {
		t.Errorf("duplicate got id %d, want the queued item's %d", dup.ID, reply.ID)
	}
	if s := mustGet(t, db, data.VK, "q1").Status; s != data.StatusInProgress {
		t.Errorf("duplicate enqueue changed status to %s", s)
	}
	if n, err := db.OutboxCount(ctx, data.OutboxQueued); err != nil || n != 1 {
		t.Errorf("queued = %d, %v; want 1", n, err)
	}

	post := data.OutboxItem{AccountID: acc.ID, Kind: "post", IdempotencyKey: "post-2026-03-02", NextTry: baseTime.Add(time.Hour)}
	if err := db.EnqueueOutbox(ctx, &post, ""); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbox(ctx, baseTime.Add(time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].ID != reply.ID || due[0].Payload != reply.Payload {
		t.Errorf("due now = %+v, %v; want only the reply", due, err)
	}
	if due, _ := db.DueOutbox(ctx, baseTime.Add(2*time.Hour), 10); len(due) != 2 {
		t.Errorf("due later = %d items, want 2", len(due))
	}

	reply.State, reply.Attempts, reply.RemoteID, reply.SentAt = data.OutboxSent, 1, "wall-1_99", sentAt.Add(time.Minute)
	if err := db.UpdateOutbox(ctx, &reply); err != nil {
		t.Fatal(err)
	}
	sent, err := db.Outbox(ctx, []data.OutboxState{data.OutboxSent}, 10)
	if err != nil || len(sent) != 1 || sent[0].RemoteID != "wall-1_99" || !sent[0].SentAt.Equal(reply.SentAt) || sent[0].MessageID != msg.ID {
		t.Errorf("sent = %+v, %v", sent, err)
	}
	if all, _ := db.Outbox(ctx, nil, 10); len(all) != 2 {
		t.Errorf("all outbox = %d items, want 2", len(all))
	}
	if err := db.UpdateOutbox(ctx, &data.OutboxItem{ID: 999, State: data.OutboxFailed}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("update missing item err = %v", err)
	}
	for _, bad := range []data.OutboxItem{{AccountID: acc.ID, Kind: "like", IdempotencyKey: "k"}, {AccountID: acc.ID, Kind: "post"}} {
		if err := db.EnqueueOutbox(ctx, &bad, ""); err == nil {
			t.Errorf("EnqueueOutbox(%+v) succeeded", bad)
		}
	}
}

func TestMarkNotifiedOnce(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.Telegram, "-1", "Канал")
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		im(data.Message{Platform: data.Telegram, ExternalID: "1", Text: "Срочно: прорыв трубы в Ярцево", CreatedAt: baseTime})}})
	id := mustGet(t, db, data.Telegram, "1").ID
	mark := func(th string) data.NotifyMark { return data.NotifyMark{MessageID: id, Threshold: th} }

	// A cancelled batch records nothing.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.MarkNotified(cancelled, []data.NotifyMark{mark("approaching")}, baseTime); err == nil {
		t.Fatal("a cancelled batch succeeded")
	}
	steps := []struct {
		marks []data.NotifyMark
		want  []bool
	}{
		{[]data.NotifyMark{mark("approaching")}, []bool{true}},
		{[]data.NotifyMark{mark("approaching"), mark("overdue")}, []bool{false, true}},
		{[]data.NotifyMark{mark("overdue"), mark("approaching")}, []bool{false, false}},
		// A message deleted since the watcher listed it is skipped; the
		// rest of the batch is recorded.
		{[]data.NotifyMark{{MessageID: 999, Threshold: "overdue"}, mark("soon")}, []bool{false, true}},
		{nil, []bool{}},
	}
	for i, s := range steps {
		first, err := db.MarkNotified(ctx, s.marks, baseTime.Add(time.Duration(i)*time.Minute))
		if err != nil || !slices.Equal(first, s.want) {
			t.Errorf("step %d MarkNotified(%v) = %v, %v; want %v", i, s.marks, first, err, s.want)
		}
	}
}

func TestTemplates(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	a := data.Template{Name: "Ремонт дорог", Category: "roads", Text: "{имя}, здравствуйте! Ремонт в районе {район} запланирован на {дата}."}
	b := data.Template{Name: "Благодарность", Text: "{имя}, спасибо за добрые слова!"}
	for _, tp := range []*data.Template{&a, &b} {
		if err := db.SaveTemplate(ctx, tp); err != nil || tp.ID == 0 {
			t.Fatalf("SaveTemplate: %v, id %d", err, tp.ID)
		}
	}
	a.Text = "{имя}, здравствуйте! Обращение передано в дорожную службу."
	if err := db.SaveTemplate(ctx, &a); err != nil {
		t.Fatal(err)
	}
	all, err := db.Templates(ctx)
	if err != nil || len(all) != 2 || all[0] != b || all[1] != a {
		t.Errorf("Templates = %+v, %v", all, err)
	}
	if err := db.DeleteTemplate(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteTemplate(ctx, b.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("second delete err = %v", err)
	}
	if err := db.SaveTemplate(ctx, &data.Template{Name: "Пустой"}); err == nil {
		t.Error("saved a template without text")
	}
}

func TestCalendarAndBroadcasts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-1", "Губернатор")
	items := []data.CalendarItem{
		{AccountID: acc.ID, Kind: "video", Title: "Ролик о новой школе в Гагарине", District: "gagarin", PlannedAt: baseTime.Add(48 * time.Hour)},
		{Title: "Итоги недели", PlannedAt: baseTime.Add(24 * time.Hour), Status: "draft"},
		{Title: "Прямая линия", Kind: "live", PlannedAt: baseTime.Add(40 * 24 * time.Hour)},
	}
	for i := range items {
		if err := db.SaveCalendarItem(ctx, &items[i]); err != nil {
			t.Fatal(err)
		}
	}
	items[0].Status, items[0].PublishedAt, items[0].RemoteID = "published", baseTime.Add(49*time.Hour), "video-1_5"
	if err := db.SaveCalendarItem(ctx, &items[0]); err != nil {
		t.Fatal(err)
	}
	got, err := db.CalendarItems(ctx, baseTime, baseTime.Add(7*24*time.Hour))
	if err != nil || len(got) != 2 || got[0] != items[1] || got[1] != items[0] {
		t.Errorf("CalendarItems = %+v, %v\nwant %+v", got, err, items[:2])
	}
	if got[1].Kind != "video" || got[0].Kind != "post" || got[0].Status != "draft" {
		t.Errorf("defaults: %+v", got)
	}
	if err := db.DeleteCalendarItem(ctx, items[1].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.CalendarItems(ctx, baseTime, baseTime.Add(7*24*time.Hour)); len(got) != 1 {
		t.Errorf("after delete: %d items", len(got))
	}

	mustIngest(t, db, Batch{AccountID: acc.ID, Posts: []data.Post{{Platform: data.VK, ExternalID: "wall-1_700",
		Text: "Задайте вопрос губернатору к прямому эфиру с Вяземским районом", CreatedAt: baseTime}}})
	post, err := db.Post(ctx, data.VK, "wall-1_700")
	if err != nil {
		t.Fatal(err)
	}
	bs := []data.Broadcast{
		{District: "vyazma", PlannedAt: baseTime.Add(72 * time.Hour), Title: "Прямой эфир: Вяземский район", AnnouncementPostID: post.ID},
		{District: "roslavl", PlannedAt: baseTime.Add(-72 * time.Hour), Title: "Прямой эфир: Рославльский район", Status: "done"},
	}
	for i := range bs {
		if err := db.SaveBroadcast(ctx, &bs[i]); err != nil {
			t.Fatal(err)
		}
	}
	bs[0].Title = "Прямой эфир: Вязьма и район"
	if err := db.SaveBroadcast(ctx, &bs[0]); err != nil {
		t.Fatal(err)
	}
	gotB, err := db.Broadcasts(ctx)
	if err != nil || len(gotB) != 2 || gotB[0] != bs[0] || gotB[1] != bs[1] {
		t.Errorf("Broadcasts = %+v, %v\nwant %+v", gotB, err, bs)
	}
	if err := db.SaveBroadcast(ctx, &data.Broadcast{Title: "без района"}); err == nil {
		t.Error("saved a broadcast without district")
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if _, err := db.Setting(ctx, "quiet_hours"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("missing setting err = %v", err)
	}
	for _, v := range []string{"22:00-08:00", "23:00-07:00"} {
		if err := db.SetSetting(ctx, "quiet_hours", v); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Setting(ctx, "quiet_hours"); err != nil || got != v {
			t.Errorf("Setting = %q, %v; want %q", got, err, v)
		}
	}
}

func TestEditsOnMessages(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.OK, "1", "Смоленщина")
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		im(data.Message{Platform: data.OK, ExternalID: "1", Text: "Нет связи в деревне Ляхово", CreatedAt: baseTime}),
		im(data.Message{Platform: data.OK, ExternalID: "2", Text: "Нет связи в Монастырщине", CreatedAt: baseTime.Add(time.Minute)}),
	}})
	ids := []int64{mustGet(t, db, data.OK, "1").ID, mustGet(t, db, data.OK, "2").ID}
	if err := db.AddTag(ctx, ids, "  связь "); err != nil {
		t.Fatal(err)
	}
	if err := db.AddTag(ctx, ids[:1], "связь"); err != nil { // again: no duplicate
		t.Fatal(err)
	}
	if err := db.AddTag(ctx, ids, " "); err == nil {
		t.Error("added an empty tag")
	}
	tags, err := db.Tags(ctx)
	if err != nil || len(tags) != 1 || tags["связь"] != 2 {
		t.Errorf("Tags = %v, %v", tags, err)
	}
	if err := db.RemoveTag(ctx, ids[:1], "связь"); err != nil {
		t.Fatal(err)
	}
	if m := mustGet(t, db, data.OK, "1"); len(m.Tags) != 0 {
		t.Errorf("tags after remove = %v", m.Tags)
	}
	// Answering twice keeps the first response time.
	if err := db.SetStatus(ctx, ids, data.StatusAnswered, baseTime.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStatus(ctx, ids, data.StatusAnswered, baseTime.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if m := mustGet(t, db, data.OK, "2"); !m.FirstResponseAt.Equal(baseTime.Add(time.Hour)) {
		t.Errorf("first response = %v", m.FirstResponseAt)
	}
	if err := db.SetStatus(ctx, ids, "archived", baseTime); err == nil {
		t.Error("set an unknown status")
	}
	if err := db.SetAssignee(ctx, ids, "Анна Сергеевна"); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountMessages(ctx, data.Filter{Assignee: "Анна Сергеевна"}); n != 2 {
		t.Errorf("assigned = %d", n)
	}
	if err := db.SetDeadlines(ctx, 999, baseTime, baseTime); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deadlines on missing message err = %v", err)
	}
	if _, err := db.AddNote(ctx, data.Note{MessageID: 999, Text: "заметка"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("note on missing message err = %v", err)
	}
	if _, err := db.AddNote(ctx, data.Note{MessageID: ids[0], Text: "  "}); err == nil {
		t.Error("added an empty note")
	}
	if _, err := db.Message(ctx, 999); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("missing message err = %v", err)
	}
}
