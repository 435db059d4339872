package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

// broadcastFixture stores, for roslavl, 6 residents' messages in the period
// [baseTime, +10 days) and 3 in the previous period, one office reply, 2
// messages of another district, and 3 comments under an announcement post
// (one from the office).
func broadcastFixture(t *testing.T) (*DB, data.Account, data.Post, map[string]data.Message) {
	t.Helper()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-219004917", "Губернатор Смоленской области")
	post := data.Post{AccountID: acc.ID, Platform: data.VK, ExternalID: "15530", Text: "Прямой эфир с жителями Рославльского района", Kind: "post",
		CreatedAt: baseTime.Add(48 * time.Hour)}
	type row struct {
		ext, text, district, cat string
		sentiment                data.Sentiment
		platform                 data.Platform
		at                       time.Duration
		status                   data.Status
		office                   bool
		post                     string
		answerDue                time.Duration // from baseTime; 0 means none
	}
	rows := []row{
		{"p1", "Когда отремонтируют дорогу на Ленина?", "roslavl", "roads", data.Negative, data.VK, 1 * time.Hour, data.StatusNew, false, "", 30 * time.Hour},
		{"p2", "Нет горячей воды на Пролетарской третью неделю", "roslavl", "housing", data.Negative, data.VK, 26 * time.Hour, data.StatusInProgress, false, "", 0},
		{"p3", "Спасибо за новую площадку", "roslavl", "social", data.Positive, data.VK, 50 * time.Hour, data.StatusAnswered, false, "", 0},
		{"p4", "Будет ли автобус до Астапковичей?", "roslavl", "transport", data.Neutral, data.VK, 51 * time.Hour, data.StatusNew, false, "15530", 0},
		{"p5", "Почему не убирают снег во дворах?", "roslavl", "housing", data.Negative, data.VK, 52 * time.Hour, data.StatusNew, false, "15530", 0},
		{"o1", "Добрый день! Передали в администрацию.", "roslavl", "housing", data.Neutral, data.VK, 53 * time.Hour, data.StatusAnswered, true, "15530", 0},
		{"s1", "спам спам", "roslavl", "", data.Neutral, data.VK, 54 * time.Hour, data.StatusSpam, false, "", 0},
		{"q1", "Прошу отремонтировать кровлю дома 5 по улице Красноармейской", "roslavl", "housing", data.Negative, data.POS, 75 * time.Hour, data.StatusNew, false, "", 0},
		{"x1", "Когда откроют поликлинику?", "vyazma", "health", data.Negative, data.VK, 2 * time.Hour, data.StatusNew, false, "", 5 * time.Hour},
		{"x2", "Ямы на Кронштадтской", "vyazma", "roads", data.Negative, data.POS, 3 * time.Hour, data.StatusNew, false, "", 0},
		{"b1", "Опять ямы", "roslavl", "roads", data.Negative, data.VK, -50 * time.Hour, data.StatusClosed, false, "", 0},
		{"b2", "Дорога разбита", "roslavl", "roads", data.Negative, data.VK, -60 * time.Hour, data.StatusClosed, false, "", 0},
		{"b3", "Когда дадут воду?", "roslavl", "housing", data.Negative, data.VK, -70 * time.Hour, data.StatusClosed, false, "", 0},
	}
	var ims []IngestMessage
	for _, r := range rows {
		m := data.Message{Platform: r.platform, ExternalID: r.ext, AccountID: acc.ID, PostExternalID: r.post,
			AuthorExternalID: "a-" + r.ext, AuthorName: "Житель " + r.ext, Text: r.text, CreatedAt: baseTime.Add(r.at),
			FromOffice: r.office, District: r.district, Category: r.cat, Sentiment: r.sentiment, Status: r.status}
		if r.answerDue != 0 {
			m.AnswerDue = baseTime.Add(r.answerDue)
		}
		ims = append(ims, im(m))
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Posts: []data.Post{post}, Messages: ims})
	stored, err := db.Post(context.Background(), data.VK, "15530")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]data.Message{}
	for _, r := range rows {
		got[r.ext] = mustGet(t, db, r.platform, r.ext)
	}
	return db, acc, stored, got
}

func TestDistrictStats(t *testing.T) {
	db, _, _, _ := broadcastFixture(t)
	ctx := context.Background()
	from, to := baseTime, baseTime.Add(10*24*time.Hour)
	st, err := db.DistrictStats(ctx, "roslavl", from, to, from.Add(-10*24*time.Hour), 3*3600)
	if err != nil {
		t.Fatal(err)
	}
	// p1 p2 p3 p4 p5 s1 q1: the office reply o1 and the other district are out.
	if st.Total != 7 || st.Open != 5 {
		t.Errorf("total %d open %d, want 7 and 5", st.Total, st.Open)
	}
	for _, c := range []struct {
		m    map[string]int
		k    string
		want int
	}{
		{st.ByCategory, "housing", 3}, {st.ByCategory, "roads", 1}, {st.ByCategory, "", 1},
		{st.PrevByCategory, "roads", 2}, {st.PrevByCategory, "housing", 1},
		{st.ByPlatform, "vk", 6}, {st.ByPlatform, "pos", 1},
		{st.BySentiment, "negative", 4}, {st.BySentiment, "positive", 1}, {st.BySentiment, "neutral", 2},
	} {
		if c.m[c.k] != c.want {
			t.Errorf("%q: %d, want %d (%v)", c.k, c.m[c.k], c.want, c.m)
		}
	}
	if st.PrevTotal != 3 {
		t.Errorf("previous total %d, want 3", st.PrevTotal)
	}
	// Days in UTC+3: base 06:00 UTC is 09:00 MSK; +26 h, +50…54 h and +75 h fall on days 1, 2, 3.
	day0 := (baseTime.Unix() + 3*3600) / 86400
	want := map[int64]int{day0: 1, day0 + 1: 1, day0 + 2: 4, day0 + 3: 1}
	if fmt.Sprint(st.Days) != fmt.Sprint(want) {
		t.Errorf("days %v, want %v", st.Days, want)
	}
	if _, err := db.DistrictStats(ctx, "roslavl", to, from, time.Time{}, 0); err == nil {
		t.Error("an empty period must be an error")
	}
}

func TestDistrictTextsAndOverdue(t *testing.T) {
	db, _, post, ms := broadcastFixture(t)
	ctx := context.Background()
	texts, err := db.DistrictTexts(ctx, "roslavl", baseTime, baseTime.Add(240*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range texts {
		got = append(got, r.ID)
	}
	want := []int64{ms["q1"].ID, ms["p5"].ID, ms["p4"].ID, ms["p3"].ID, ms["p2"].ID, ms["p1"].ID}
	if !slices.Equal(got, want) {
		t.Errorf("texts %v, want %v (newest first, no spam, no office)", got, want)
	}
	if texts[0].Platform != data.POS || texts[0].Author != "Житель q1" || texts[0].Category != "housing" || texts[0].Status != data.StatusNew {
		t.Errorf("first row %+v", texts[0])
	}
	if lim, _ := db.DistrictTexts(ctx, "roslavl", baseTime, baseTime.Add(240*time.Hour), 2); len(lim) != 2 {
		t.Errorf("limit 2 gave %d", len(lim))
	}

	over, total, err := db.OverdueInDistrict(ctx, "roslavl", baseTime.Add(40*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(over) != 1 || over[0].ID != ms["p1"].ID {
		t.Errorf("overdue %d %v, want p1 only", total, extIDs(over))
	}
	if _, total, _ := db.OverdueInDistrict(ctx, "roslavl", baseTime.Add(time.Hour), 10); total != 0 {
		t.Errorf("before the deadline: %d overdue", total)
	}

	under, err := db.PostComments(ctx, post.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(under) != 2 || under[0].ID != ms["p4"].ID || under[1].ID != ms["p5"].ID {
		t.Errorf("announcement comments %+v, want p4, p5", under)
	}
	if _, err := db.PostComments(ctx, 9999, 10); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown post: %v", err)
	}
	if id, err := db.PostIDByExternal(ctx, "15530"); err != nil || id != post.ID {
		t.Errorf("PostIDByExternal = %d, %v", id, err)
	}
	if _, err := db.PostIDByExternal(ctx, "nope"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown external post: %v", err)
	}
}

func TestBroadcastShortlistAndFollowUps(t *testing.T) {
	db, _, post, ms := broadcastFixture(t)
	ctx := context.Background()
	b := data.Broadcast{District: "roslavl", PlannedAt: baseTime.Add(10 * 24 * time.Hour), Title: "Прямой эфир: Рославльский район",
		AnnouncementPostID: post.ID}
	if err := db.SaveBroadcast(ctx, &b); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Broadcast(ctx, b.ID); err != nil || got.AnnouncementPostID != post.ID || got.Status != "planned" {
		t.Fatalf("Broadcast = %+v, %v", got, err)
	}
	if _, err := db.Broadcast(ctx, 999); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown broadcast: %v", err)
	}
	add := func(text string, rep int64, members ...int64) BroadcastQuestion {
		t.Helper()
		q := BroadcastQuestion{BroadcastID: b.ID, MessageID: rep, Members: members, Text: text}
		if err := db.AddBroadcastQuestion(ctx, &q); err != nil {
			t.Fatal(err)
		}
		return q
	}
	q1 := add("Когда отремонтируют дорогу на Ленина?", ms["p1"].ID)
	q2 := add("Горячая вода и кровля", ms["p2"].ID, ms["q1"].ID, ms["p2"].ID)
	q3 := add("Автобус до Астапковичей", ms["p4"].ID)
	if dup := add("ещё раз", ms["p1"].ID); dup.ID != q1.ID {
		t.Errorf("the same message was shortlisted twice: %d and %d", dup.ID, q1.ID)
	}
	if err := db.AddBroadcastQuestion(ctx, &BroadcastQuestion{BroadcastID: b.ID, Text: " "}); err == nil {
		t.Error("a question without text must be refused")
	}
	if err := db.AddBroadcastQuestion(ctx, &BroadcastQuestion{BroadcastID: 777, Text: "x", MessageID: ms["p1"].ID}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown broadcast: %v", err)
	}
	if err := db.MoveBroadcastQuestion(ctx, q3.ID, -5); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveBroadcastQuestion(ctx, q1.ID, 1); err != nil {
		t.Fatal(err)
	}
	list, err := db.BroadcastQuestions(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for i, q := range list {
		order = append(order, q.ID)
		if q.Position != i+1 {
			t.Errorf("position %d at %d", q.Position, i)
		}
	}
	if !slices.Equal(order, []int64{q3.ID, q2.ID, q1.ID}) {
		t.Errorf("order %v, want q3 q2 q1", order)
	}
	if !slices.Equal(list[1].Members, []int64{ms["p2"].ID, ms["q1"].ID}) || list[1].Open != 2 {
		t.Errorf("group members %v open %d", list[1].Members, list[1].Open)
	}

	q3.Note, q3.Agency, q3.AnsweredOnAir = "Маршрут обещали к весне", "Минтранс", true
	if err := db.UpdateBroadcastQuestion(ctx, q3); err != nil {
		t.Fatal(err)
	}
	now := baseTime.Add(11 * 24 * time.Hour)
	due := now.Add(7 * 24 * time.Hour)
	if err := db.SetFollowUp(ctx, q2.ID, "после эфира", "Иванов И. И.", due, now); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFollowUp(ctx, q1.ID, "после эфира", "", due, now); err == nil {
		t.Error("a follow-up without an owner must be refused")
	}
	if err := db.SetFollowUp(ctx, 4242, "после эфира", "Иванов", due, now); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown question: %v", err)
	}
	for _, m := range []data.Message{mustGet(t, db, data.VK, "p2"), mustGet(t, db, data.POS, "q1")} {
		ext := m.ExternalID
		if m.Assignee != "Иванов И. И." || !m.AnswerDue.Equal(due) || m.Status != data.StatusInProgress {
			t.Errorf("%s: assignee %q due %v status %s", ext, m.Assignee, m.AnswerDue, m.Status)
		}
	}
	tagged, err := db.ListMessages(ctx, data.Filter{Tag: "после эфира"}, data.Cursor{}, 10)
	if err != nil || len(tagged) != 2 {
		t.Fatalf("tagged %v, %v", extIDs(tagged), err)
	}
	fus, err := db.FollowUps(ctx, "roslavl")
	if err != nil {
		t.Fatal(err)
	}
	if len(fus) != 1 || fus[0].ID != q2.ID || fus[0].Open != 2 || !fus[0].BroadcastAt.Equal(b.PlannedAt) || !fus[0].FollowUpDue.Equal(due) {
		t.Fatalf("follow-ups %+v", fus)
	}
	// Answered in writing: the follow-up is resolved and leaves the list.
	if err := db.SetStatus(ctx, []int64{ms["p2"].ID, ms["q1"].ID}, data.StatusAnswered, now); err != nil {
		t.Fatal(err)
	}
	if fus, _ := db.FollowUps(ctx, "roslavl"); len(fus) != 0 {
		t.Errorf("resolved follow-ups still listed: %+v", fus)
	}
	if err := db.DeleteBroadcastQuestion(ctx, q1.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteBroadcastQuestion(ctx, q1.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if list, _ := db.BroadcastQuestions(ctx, b.ID); len(list) != 2 || !list[0].AnsweredOnAir || list[0].Agency != "Минтранс" {
		t.Errorf("after delete %+v", list)
	}
}

func TestDistrictTextsMarkReplies(t *testing.T) {
	db, acc, _, ms := broadcastFixture(t)
	reply := data.Message{Platform: data.VK, ExternalID: "r1", AccountID: acc.ID, PostExternalID: "15530", ParentExternalID: "p4",
		AuthorExternalID: "a-r1", AuthorName: "Житель r1", Text: "Ответили? У нас та же история", CreatedAt: baseTime.Add(80 * time.Hour),
		District: "roslavl", Category: "transport", Sentiment: data.Neutral, Status: data.StatusNew}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: []IngestMessage{im(reply)}})
	texts, err := db.DistrictTexts(context.Background(), "roslavl", baseTime, baseTime.Add(240*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range texts {
		if want := r.ID != ms["p1"].ID && r.Text == reply.Text; r.Reply != want {
			t.Errorf("%q: reply %v, want %v", r.Text, r.Reply, want)
		}
	}
}

// TestDistrictStatsReadsTheIndexOnly guards the panel's speed on a large
// store: the counts must come from the covering district index, not from
// ~100 000 table rows.
func TestDistrictStatsReadsTheIndexOnly(t *testing.T) {
	db := mustOpen(t)
	rows, err := db.r.Query("EXPLAIN QUERY PLAN "+districtStatsSQL, 0, "roslavl", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "COVERING INDEX messages_district") {
		t.Fatalf("plan %q does not read the covering index", got)
	}
}
