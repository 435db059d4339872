package app

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"otklik/app/plan"
	"otklik/data"
)

func mustItem(t *testing.T, a *App, it data.CalendarItem) data.CalendarItem {
	t.Helper()
	if err := a.SaveCalendarItem(context.Background(), &it); err != nil {
		t.Fatalf("save %q: %v", it.Title, err)
	}
	return it
}

// forceStatus stores an item in any status, as the demo or an old version would.
func forceStatus(t *testing.T, a *App, it *data.CalendarItem, status, approver string) {
	t.Helper()
	db, _ := a.store()
	it.Status, it.Approver = status, approver
	if err := db.SaveCalendarItem(context.Background(), it); err != nil {
		t.Fatal(err)
	}
}

func TestCalendarStatusFlow(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	acc := mustAccount(t, a, data.VK, "-1")
	if err := a.SetUser(ctx, "Анна Ковалёва"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, to string
		ok       bool
		approver string
	}{
		{CalendarIdea, CalendarDraft, true, ""},
		{CalendarIdea, CalendarApproved, false, ""},
		{CalendarDraft, CalendarReview, true, ""},
		{CalendarDraft, CalendarPublished, false, ""},
		{CalendarReview, CalendarApproved, true, "Анна Ковалёва"},
		{CalendarReview, CalendarDraft, true, ""},
		{CalendarApproved, CalendarScheduled, true, "Пётр Иванов"},
		{CalendarApproved, CalendarDraft, true, ""},
		{CalendarScheduled, CalendarApproved, true, "Пётр Иванов"},
		{CalendarScheduled, CalendarPublished, true, "Пётр Иванов"},
		{CalendarPublished, CalendarDraft, false, ""},
		{CalendarSkipped, CalendarDraft, true, ""},
		{CalendarSkipped, CalendarApproved, false, ""},
	} {
		it := mustItem(t, a, data.CalendarItem{AccountID: acc.ID, Title: "Итоги недели", PlannedAt: testNow.Add(48 * time.Hour)})
		prev := ""
		if tc.from == CalendarApproved || tc.from == CalendarScheduled {
			prev = "Пётр Иванов"
		}
		forceStatus(t, a, &it, tc.from, prev)
		got, err := a.SetCalendarStatus(ctx, it.ID, tc.to)
		if !tc.ok {
			if !errors.Is(err, ErrCalendarTransition) {
				t.Errorf("%s → %s: got %v, want ErrCalendarTransition", tc.from, tc.to, err)
			}
			if stored, _ := a.CalendarItem(ctx, it.ID); stored.Status != tc.from {
				t.Errorf("%s → %s refused, but the status became %s", tc.from, tc.to, stored.Status)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s → %s: %v", tc.from, tc.to, err)
			continue
		}
		stored, _ := a.CalendarItem(ctx, it.ID)
		if stored.Status != tc.to || stored.Approver != tc.approver || got != stored {
			t.Errorf("%s → %s: stored %s by %q, want %s by %q", tc.from, tc.to, stored.Status, stored.Approver, tc.to, tc.approver)
		}
		if tc.to == CalendarPublished && stored.PublishedAt.IsZero() {
			t.Errorf("%s → published: no publication time", tc.from)
		}
	}
	// Approval without an operator's name is refused: someone must answer for it.
	if err := a.SetUser(ctx, ""); err != nil {
		t.Fatal(err)
	}
	it := mustItem(t, a, data.CalendarItem{AccountID: acc.ID, Title: "Приём граждан", PlannedAt: testNow.Add(72 * time.Hour)})
	forceStatus(t, a, &it, CalendarReview, "")
	if _, err := a.SetCalendarStatus(ctx, it.ID, CalendarApproved); !errors.Is(err, ErrCalendarNoApprover) {
		t.Errorf("approve without a user: got %v", err)
	}
	for _, s := range CalendarStatuses {
		for _, to := range CalendarTransitions(s) {
			if !slices.Contains(CalendarStatuses, to) || to == s {
				t.Errorf("transition %s → %s leads nowhere", s, to)
			}
		}
	}
}

func TestCalendarEditMoveDuplicateDelete(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	vk := mustAccount(t, a, data.VK, "-1")
	pos := mustAccount(t, a, data.POS, "pos")
	at := testNow.Add(30 * time.Hour)
	for _, tc := range []struct {
		name string
		it   data.CalendarItem
	}{
		{"no words", data.CalendarItem{AccountID: vk.ID, Title: "  ", PlannedAt: at}},
		{"unknown kind", data.CalendarItem{AccountID: vk.ID, Title: "Итоги", Kind: "podcast", PlannedAt: at}},
		{"no time", data.CalendarItem{AccountID: vk.ID, Title: "Итоги"}},
		{"ПОС account", data.CalendarItem{AccountID: pos.ID, Title: "Итоги", PlannedAt: at}},
		{"no account", data.CalendarItem{Title: "Итоги", PlannedAt: at}},
		{"unknown municipality", data.CalendarItem{AccountID: vk.ID, Title: "Итоги", District: "atlantis", PlannedAt: at}},
		{"created approved", data.CalendarItem{AccountID: vk.ID, Title: "Итоги", Status: CalendarApproved, PlannedAt: at}},
	} {
		if err := a.SaveCalendarItem(ctx, &tc.it); !errors.Is(err, ErrCalendarInvalid) {
			t.Errorf("%s: got %v, want ErrCalendarInvalid", tc.name, err)
		}
	}
	it := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Kind: "photo", Title: "Новая школа в Рудне",
		Text: "Показываем, как идёт стройка.", District: "rudnya", PlannedAt: at.Add(17 * time.Second)})
	if it.Status != CalendarDraft || !it.PlannedAt.Equal(at) {
		t.Errorf("new item: status %s at %v, want a draft at %v", it.Status, it.PlannedAt, at)
	}
	// An approved item reworded goes back to review; moved, it stays approved.
	forceStatus(t, a, &it, CalendarApproved, "Анна Ковалёва")
	moved, err := a.MoveCalendarItem(ctx, it.ID, at.Add(24*time.Hour))
	if err != nil || moved.Status != CalendarApproved || !moved.PlannedAt.Equal(at.Add(24*time.Hour)) {
		t.Fatalf("move: %+v, %v", moved, err)
	}
	moved.Text = "Показываем, как идёт стройка новой школы."
	if err := a.SaveCalendarItem(ctx, &moved); err != nil || moved.Status != CalendarReview || moved.Approver != "" {
		t.Errorf("reworded approved item: status %s, approver %q, %v; want review without approver", moved.Status, moved.Approver, err)
	}
	dup, err := a.DuplicateCalendarItem(ctx, it.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if dup.ID == it.ID || dup.Status != CalendarDraft || dup.Text != moved.Text || !dup.PlannedAt.Equal(moved.PlannedAt.AddDate(0, 0, 1)) {
		t.Errorf("duplicate: %+v", dup)
	}
	if err := a.DeleteCalendarItem(ctx, dup.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CalendarItem(ctx, dup.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted item: got %v", err)
	}
	forceStatus(t, a, &moved, CalendarPublished, "Анна Ковалёва")
	if _, err := a.MoveCalendarItem(ctx, moved.ID, at); !errors.Is(err, ErrCalendarPublished) {
		t.Errorf("moving a published item: got %v", err)
	}
	items, err := a.CalendarItems(ctx, testNow, testNow.Add(7*24*time.Hour), vk.ID+100)
	if err != nil || len(items) != 0 {
		t.Errorf("another account's items: %d, %v", len(items), err)
	}
}

func TestPublishDueIsIdempotent(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	vk := mustAccount(t, a, data.VK, "-1")
	db, _ := a.store()
	mk := func(title, kind, status string, at time.Time) data.CalendarItem {
		it := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Kind: kind, Title: title, Text: title + ". Подробности в статье.", PlannedAt: at})
		forceStatus(t, a, &it, status, "Анна Ковалёва")
		return it
	}
	due := mk("Открытие моста в Ярцеве", "post", CalendarApproved, testNow.Add(-10*time.Minute))
	sched := mk("Ремонт дорог в Вязьме", "photo", CalendarScheduled, testNow.Add(-90*time.Minute))
	future := mk("Итоги недели", "post", CalendarApproved, testNow.Add(time.Hour))
	late := mk("Утренний обход", "post", CalendarApproved, testNow.Add(-3*time.Hour))
	live := mk("Прямой эфир", "live", CalendarApproved, testNow.Add(-5*time.Minute))
	draft := mk("Черновик", "post", CalendarDraft, testNow.Add(-5*time.Minute))

	n, err := a.PublishDue(ctx, testNow)
	if err != nil || n != 2 {
		t.Fatalf("first run: queued %d, %v; want 2", n, err)
	}
	for i := 0; i < 2; i++ {
		if n, err := a.PublishDue(ctx, testNow.Add(time.Duration(i)*time.Minute)); err != nil || n != 0 {
			t.Errorf("repeat #%d: queued %d, %v; want 0", i+1, n, err)
		}
	}
	obs, _ := db.Outbox(ctx, nil, 100)
	if len(obs) != 2 {
		t.Fatalf("outbox: %d items, want 2", len(obs))
	}
	for _, ob := range obs {
		if ob.Kind != "post" || ob.AccountID != vk.ID || (ob.CalendarItemID != due.ID && ob.CalendarItemID != sched.ID) {
			t.Errorf("outbox item %+v", ob)
		}
		if !strings.Contains(ob.Payload, `"text":`) {
			t.Errorf("payload without text: %s", ob.Payload)
		}
	}
	if obs[0].IdempotencyKey != CalendarOutboxKey(due) && obs[1].IdempotencyKey != CalendarOutboxKey(due) {
		t.Errorf("keys %q, %q; want one of them %q", obs[0].IdempotencyKey, obs[1].IdempotencyKey, CalendarOutboxKey(due))
	}
	for _, tc := range []struct {
		it   data.CalendarItem
		want string
	}{
		{due, CalendarScheduled}, {sched, CalendarScheduled}, {future, CalendarApproved},
		{late, CalendarApproved}, {live, CalendarApproved}, {draft, CalendarDraft},
	} {
		got, _ := a.CalendarItem(ctx, tc.it.ID)
		if got.Status != tc.want {
			t.Errorf("%q: status %s, want %s", tc.it.Title, got.Status, tc.want)
		}
	}
	if !CalendarMissed(late, testNow) || CalendarMissed(due, testNow) || !CalendarMissed(draft, testNow) {
		t.Error("missed: the late approved item and the past draft are missed, the one being sent is not")
	}
	// Queued: no editing, moving or deleting; withdrawing cancels the entry.
	if _, err := a.MoveCalendarItem(ctx, due.ID, testNow.Add(time.Hour)); !errors.Is(err, ErrCalendarQueued) {
		t.Errorf("move a queued item: got %v", err)
	}
	if err := a.DeleteCalendarItem(ctx, due.ID); !errors.Is(err, ErrCalendarQueued) {
		t.Errorf("delete a queued item: got %v", err)
	}
	if _, err := a.SetCalendarStatus(ctx, sched.ID, CalendarSkipped); err != nil {
		t.Fatal(err)
	}
	obs, _ = db.CalendarOutbox(ctx, sched.ID)
	if len(obs) != 1 || obs[0].State != data.OutboxFailed || obs[0].LastError != outboxCancelled {
		t.Errorf("withdrawn item's outbox: %+v", obs)
	}
	// The engine's report of a sent post publishes the item.
	sentAt := testNow.Add(time.Minute)
	if err := a.MarkCalendarPublished(ctx, due.ID, "wall-1_777", sentAt); err != nil {
		t.Fatal(err)
	}
	got, _ := a.CalendarItem(ctx, due.ID)
	if got.Status != CalendarPublished || got.RemoteID != "wall-1_777" || !got.PublishedAt.Equal(sentAt) {
		t.Errorf("after the engine's report: %+v", got)
	}
	if err := a.MarkCalendarPublished(ctx, 9999, "x", sentAt); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown item: got %v", err)
	}
}

func TestMarkPublishedFromPosts(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	vk := mustAccount(t, a, data.VK, "-1")
	tg := mustAccount(t, a, data.Telegram, "@gov")
	item := func(acc data.Account, title, text string, at time.Time) data.CalendarItem {
		it := mustItem(t, a, data.CalendarItem{AccountID: acc.ID, Title: title, Text: text, PlannedAt: at})
		forceStatus(t, a, &it, CalendarScheduled, "Анна Ковалёва")
		return it
	}
	bridge := item(vk, "Мост в Ярцеве", "Открыли после ремонта мост через Вопь в Ярцеве: движение пустили по обеим полосам, тротуары расширили.", testNow.Add(-3*time.Hour))
	school := item(vk, "Школа в Рудне", "Строители возвели третий этаж новой школы в Рудне, к сентябрю здание примет учеников.", testNow.Add(-2*time.Hour))
	otherAcc := item(tg, "Мост в Ярцеве", "Открыли после ремонта мост через Вопь в Ярцеве: движение пустили по обеим полосам.", testNow.Add(-3*time.Hour))
	farAway := item(vk, "Фестиваль в Вязьме", "В Вязьме прошёл фестиваль пряника: гости попробовали вяземские пряники и посмотрели мастер-классы.", testNow.Add(-30*time.Hour))
	unrelated := item(vk, "Приём граждан", "Губернатор проведёт приём граждан по личным вопросам в приёмной на улице Ленина.", testNow.Add(-90*time.Minute))

	post := func(acc data.Account, ext, text string, at time.Time) data.Post {
		return data.Post{AccountID: acc.ID, Platform: acc.Platform, ExternalID: ext, Text: text, Kind: "post", CreatedAt: at}
	}
	if _, err := a.Ingest(ctx, vk.ID, []data.Post{
		// Edited before publishing and 40 minutes late: still the same post.
		post(vk, "wall-1_10", "Мост через Вопь в Ярцеве открыли после ремонта. Движение пустили по обеим полосам, тротуары стали шире.", testNow.Add(-3*time.Hour+40*time.Minute)),
		post(vk, "wall-1_11", "Новая школа в Рудне: строители возвели третий этаж, к сентябрю здание примет учеников.", testNow.Add(-2*time.Hour-5*time.Minute)),
		// Five hours off the plan: not this item's publication.
		post(vk, "wall-1_12", "В Вязьме прошёл фестиваль пряника: гости попробовали вяземские пряники.", testNow.Add(-25*time.Hour)),
		// In the window of «Приём граждан» but about something else.
		post(vk, "wall-1_13", "Погода на выходные: в Смоленске ожидается снег и гололёд, будьте осторожны на дорогах.", testNow.Add(-80*time.Minute)),
	}, nil); err != nil {
		t.Fatal(err)
	}
	n, err := a.MarkPublishedFromPosts(ctx)
	if err != nil || n != 2 {
		t.Fatalf("marked %d, %v; want 2", n, err)
	}
	for _, tc := range []struct {
		it     data.CalendarItem
		remote string
	}{
		{bridge, "wall-1_10"}, {school, "wall-1_11"}, {otherAcc, ""}, {farAway, ""}, {unrelated, ""},
	} {
		got, _ := a.CalendarItem(ctx, tc.it.ID)
		if got.RemoteID != tc.remote || (tc.remote != "") != (got.Status == CalendarPublished) {
			t.Errorf("%q on account %d: status %s, remote %q; want remote %q", got.Title, got.AccountID, got.Status, got.RemoteID, tc.remote)
		}
	}
	// A second run finds nothing new: claimed posts are not reused.
	if n, err := a.MarkPublishedFromPosts(ctx); err != nil || n != 0 {
		t.Errorf("second run: marked %d, %v", n, err)
	}
}

func TestTextSimilarity(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Открыли мост через Вопь в Ярцеве после ремонта", "Мост через Вопь в Ярцеве открыли после ремонта!", true},
		{"Итоги недели губернатора", "Итоги недели губернатора: дороги, школы, больницы, газификация и многое другое", true},
		{"Итоги недели", "Итоги недели", true}, // a short title counts only when wholly contained
		{"Итоги недели", "Итоги года", false},
		{"Открыли мост в Ярцеве", "Закрыли школу в Рудне на карантин", false},
		{"", "Мост в Ярцеве открыт", false},
	} {
		sim := textSimilarity(contentStems(tc.a), contentStems(tc.b))
		if (sim >= similarityMin) != tc.same {
			t.Errorf("%q vs %q: similarity %.2f, want same=%v", tc.a, tc.b, sim, tc.same)
		}
	}
}

func TestCheckCalendarAndAlerts(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	vk := mustAccount(t, a, data.VK, "-1")
	mustAccount(t, a, data.POS, "pos") // ПОС takes no posts and is never checked
	// A post yesterday and two planned: one today, one in four days: the gap
	// after today's post breaks the 24-hour rule tomorrow.
	if _, err := a.Ingest(ctx, vk.ID, []data.Post{{AccountID: vk.ID, Platform: data.VK, ExternalID: "wall-1_1",
		Text: "Губернатор побывал в Рославле на открытии поликлиники.", Kind: "photo", CreatedAt: testNow.Add(-20 * time.Hour)}}, nil); err != nil {
		t.Fatal(err)
	}
	today := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Title: "Ремонт дорог в Сычёвке", Text: "Дорожники закончили ремонт улицы в Сычёвке.",
		PlannedAt: testNow.Add(3 * time.Hour)})
	forceStatus(t, a, &today, CalendarApproved, "Анна Ковалёва")
	later := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Title: "Итоги недели", Text: "Главное за неделю в области.",
		PlannedAt: testNow.Add(96 * time.Hour)})
	missed := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Title: "Утренний обход", Text: "Обход больницы.", PlannedAt: testNow.Add(-3 * time.Hour)})
	forceStatus(t, a, &missed, CalendarApproved, "Анна Ковалёва")
	sending := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Title: "Новости", Text: "Новости дня.", PlannedAt: testNow.Add(-30 * time.Minute)})
	forceStatus(t, a, &sending, CalendarScheduled, "Анна Ковалёва")

	rep, err := a.CheckCalendar(ctx, testNow, "ru")
	if err != nil {
		t.Fatal(err)
	}
	var gap *plan.Warning
	for i, w := range rep.Warnings {
		if w.AccountID != vk.ID {
			t.Errorf("warning about account %d: %s", w.AccountID, w.Message)
		}
		if w.Kind == plan.KindGap && gap == nil {
			gap = &rep.Warnings[i]
		}
	}
	if gap == nil || !gap.From.Equal(today.PlannedAt) || len(gap.Suggestions) == 0 {
		t.Fatalf("gap warning after today's item: %+v", gap)
	}
	for _, s := range gap.Suggestions {
		if !s.At.After(today.PlannedAt) || !s.At.Before(later.PlannedAt) {
			t.Errorf("suggestion %v outside the gap", s.At)
		}
	}
	var missedIDs []int64
	for _, v := range rep.Violations {
		if v.Kind == plan.KindMissed {
			missedIDs = append(missedIDs, v.ItemID)
		}
	}
	if !slices.Equal(missedIDs, []int64{missed.ID}) {
		t.Errorf("missed items: %v, want only %d (the one still being sent is not missed)", missedIDs, missed.ID)
	}
	if q := rep.Rotation[vk.ID]; len(q) != 27 {
		t.Errorf("rotation: %d municipalities, want 27", len(q))
	}
	// Rule codes follow the gazetteer, so a post about Сычёвка counts as its mention.
	rules, _ := a.PlanRules(ctx)
	for _, m := range rules.Municipalities {
		if _, ok := a.tagger.Municipality(m.Code); !ok {
			t.Errorf("rule municipality %q (%s) is unknown to the gazetteer", m.Code, m.Name)
		}
	}
	// Alerts: the gap breaks in 27 hours, not announced yet; once today's
	// post is out, an hour later, it breaks within a day and is announced once.
	first, err := a.CalendarAlerts(ctx, testNow)
	if err != nil {
		t.Fatal(err)
	}
	const gapText = "нарушится правило «не больше 24 часов без поста»"
	for _, s := range first {
		if strings.Contains(s, gapText) {
			t.Errorf("gap announced 27 hours ahead: %q", s)
		}
	}
	if err := a.MarkCalendarPublished(ctx, today.ID, "wall-1_2", today.PlannedAt); err != nil {
		t.Fatal(err)
	}
	second, err := a.CalendarAlerts(ctx, testNow.Add(4*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, s := range second {
		if strings.Contains(s, gapText) {
			found++
		}
	}
	if found != 1 {
		t.Errorf("alerts 23 hours before the gap: %q; want the gap once", second)
	}
	again, err := a.CalendarAlerts(ctx, testNow.Add(4*time.Hour+10*time.Minute))
	if err != nil || len(again) != 0 {
		t.Errorf("next tick: %q, %v; want nothing new", again, err)
	}
	// Broken stored rules are an error, not silently replaced.
	if err := a.SetPlanRules(ctx, `{"defaults": {"max_gap_hours": -1}}`); err == nil {
		t.Error("invalid rules accepted")
	}
	if err := a.SetPlanRules(ctx, `{"defaults": {"max_gap_hours": 0, "min_posts_per_day": 0, "min_posts_per_week": 0, "min_media_share": 0, "min_live_per_month": 0, "live_rotation": false, "mention_every_days": 0}}`); err != nil {
		t.Fatal(err)
	}
	rep, err = a.CheckCalendar(ctx, testNow, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range rep.Warnings {
		if w.Kind == plan.KindGap {
			t.Errorf("gap rule switched off, still warned: %s", w.Message)
		}
	}
}

func TestPlanSuggestionAndExport(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	vk := mustAccount(t, a, data.VK, "-1")
	at := time.Date(2026, 11, 27, 18, 0, 0, 0, plan.Moscow)
	it, err := a.PlanSuggestion(ctx, plan.Suggestion{AccountID: vk.ID, At: at, Kind: "live", District: "rudnya"})
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != CalendarDraft || it.Kind != "live" || it.District != "rudnya" || it.Title != "Прямой эфир: Рудня" || !it.PlannedAt.Equal(at) {
		t.Errorf("draft from a suggestion: %+v", it)
	}
	// A suggestion about an existing item changes it.
	changed, err := a.PlanSuggestion(ctx, plan.Suggestion{AccountID: vk.ID, ItemID: it.ID, At: at, Kind: "live", District: "yelnya"})
	if err != nil || changed.ID != it.ID || changed.District != "yelnya" {
		t.Errorf("suggestion on an item: %+v, %v", changed, err)
	}
	var buf bytes.Buffer
	if err := a.ExportICS(ctx, &buf, at.Add(-time.Hour), at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ics := buf.String()
	if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || strings.Count(ics, "BEGIN:VEVENT") != 1 || !strings.Contains(ics, "Прямой эфир") {
		t.Errorf("ICS export:\n%s", ics)
	}
	buf.Reset()
	if err := a.ExportICS(ctx, &buf, at.Add(time.Hour), at.Add(2*time.Hour)); err != nil || strings.Contains(buf.String(), "BEGIN:VEVENT") {
		t.Errorf("export outside the range has events: %v", err)
	}
	if r := a.CheckText("В целях обеспечения данного мероприятия осуществляется подготовка."); r.Score >= plan.BandLiveMin || len(r.Findings) == 0 {
		t.Errorf("канцелярит not flagged: %+v", r)
	}
}
