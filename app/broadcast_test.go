package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"otklik/app/brief"
	"otklik/app/demo"
	"otklik/data"
	"otklik/data/sqlite"
)

// openDemo is a store with the demo region of n comments, ending at testNow.
func openDemo(t testing.TB, n int) *App {
	t.Helper()
	a := openTest(t)
	if _, err := a.SeedDemo(context.Background(), demo.Options{Seed: 3, Comments: n, Now: testNow}, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestIsQuestion(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Когда отремонтируют дорогу на улице Ленина", true},
		{"Дорогу на Ленина починят?", true},
		{"Будет ли автобус до Астапковичей в выходные", true},
		{"Прошу разобраться с отоплением в доме 12", true},
		{"Помогите, третью неделю нет горячей воды", true},
		{"Спасибо за новую площадку!", false},
		{"Молодцы!", false},
		{"Что?", false}, // a one-word reaction, not a question for the air
		{"Отличная новость для нашего города", false},
		{"", false},
	} {
		if got := IsQuestion(c.text); got != c.want {
			t.Errorf("IsQuestion(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestBriefingFormat(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"brief.pdf", FormatPDF}, {"/tmp/Эфир.DOCX", FormatDOCX}, {"a.html", FormatHTML}, {"a.htm", FormatHTML},
		{"brief.txt", ""}, {"brief", ""},
	} {
		got, err := BriefingFormat(c.path)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("BriefingFormat(%q) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	if err := WriteBriefing(&bytes.Buffer{}, "odt", Panel{}.briefingForTest()); err == nil {
		t.Error("an unknown format must be an error")
	}
}

func TestBroadcastPanelMatchesDirectCounts(t *testing.T) {
	ctx := context.Background()
	a := openDemo(t, 6000)
	next, ok, err := a.NextBroadcast(ctx)
	if err != nil || !ok {
		t.Fatalf("NextBroadcast: %v %v", ok, err)
	}
	if next.District != "roslavl" || next.AnnouncementPostID == 0 {
		t.Fatalf("next broadcast %+v, want roslavl with its announcement post", next)
	}
	if d := next.PlannedAt.Sub(testNow); d < 9*24*time.Hour || d > 11*24*time.Hour {
		t.Errorf("next broadcast in %v, want about 10 days", d)
	}

	p, err := a.BroadcastPanel(ctx, "roslavl", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	wantTo := time.Date(2026, 11, 26, 0, 0, 0, 0, moscow)
	if !p.To.Equal(wantTo) || p.To.Sub(p.From) != DefaultBroadcastPeriod || !p.PrevTo.Equal(p.From) || p.From.Sub(p.PrevFrom) != DefaultBroadcastPeriod {
		t.Errorf("period %v – %v, previous %v – %v", p.From, p.To, p.PrevFrom, p.PrevTo)
	}
	if p.DistrictName != "Рославльский район" || p.Broadcast == nil || p.Broadcast.ID != next.ID {
		t.Errorf("district %q, broadcast %+v", p.DistrictName, p.Broadcast)
	}
	period := Query{Filter: data.Filter{Districts: []string{"roslavl"}, Since: p.From, Until: p.To}}
	total, err := a.Count(ctx, period)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != total || total < 100 {
		t.Errorf("panel total %d, direct count %d", p.Total, total)
	}
	prev := Query{Filter: data.Filter{Districts: []string{"roslavl"}, Since: p.PrevFrom, Until: p.PrevTo}}
	if n, _ := a.Count(ctx, prev); p.PrevTotal != n {
		t.Errorf("previous total %d, direct %d", p.PrevTotal, n)
	}
	byCat, _ := a.CountBy(ctx, period, "category")
	prevCat, _ := a.CountBy(ctx, prev, "category")
	sum := 0
	for _, c := range p.Categories {
		if c.Count != byCat[c.Code] || c.PrevCount != prevCat[c.Code] {
			t.Errorf("category %s: %d/%d, direct %d/%d", c.Code, c.Count, c.PrevCount, byCat[c.Code], prevCat[c.Code])
		}
		sum += c.Count
	}
	if sum != total || len(p.Categories) < 5 || p.Categories[0].Count < p.Categories[1].Count {
		t.Errorf("categories sum %d of %d, %d categories, order %v", sum, total, len(p.Categories), p.Categories)
	}
	byPlat, _ := a.CountBy(ctx, period, "platform")
	if p.POS != byPlat["pos"] || p.Social+p.POS != total || p.POS == 0 || p.Social == 0 {
		t.Errorf("social %d ПОС %d, direct %v", p.Social, p.POS, byPlat)
	}
	bySent, _ := a.CountBy(ctx, period, "sentiment")
	if p.Sentiment.Neg != bySent["negative"] || p.Sentiment.Pos != bySent["positive"] || p.Sentiment.Neg+p.Sentiment.Neu+p.Sentiment.Pos != total {
		t.Errorf("sentiment %+v, direct %v", p.Sentiment, bySent)
	}
	days := 0
	for _, d := range p.Timeline {
		days += d.Count
	}
	if len(p.Timeline) != 30 || days != total || !p.Timeline[0].Day.Equal(p.From) {
		t.Errorf("timeline %d days summing to %d (total %d), first %v", len(p.Timeline), days, total, p.Timeline[0].Day)
	}
	open, _ := a.Count(ctx, Query{Filter: data.Filter{Districts: []string{"roslavl"}, Since: p.From, Until: p.To,
		Statuses: []data.Status{data.StatusNew, data.StatusInProgress}}})
	if p.Open != open {
		t.Errorf("open %d, direct %d", p.Open, open)
	}
	overdue, _ := a.Count(ctx, Query{Filter: data.Filter{Districts: []string{"roslavl"}, Overdue: true}})
	if p.OverdueTotal != overdue || overdue == 0 || len(p.Overdue) != min(overdue, panelOverdue) {
		t.Errorf("overdue %d (%d listed), direct %d", p.OverdueTotal, len(p.Overdue), overdue)
	}
	if len(p.Groups) < 5 || p.Questions == 0 {
		t.Fatalf("%d groups from %d questions", len(p.Groups), p.Questions)
	}
	for i, g := range p.Groups {
		if g.Size < 2 || g.Size != len(g.Members) || g.Representative == "" || len(g.Quotes) == 0 || len(g.Quotes) > 3 || g.Category == "" {
			t.Errorf("group %d: size %d, %d members, %d quotes, rep %q, category %q", i, g.Size, len(g.Members), len(g.Quotes), g.Representative, g.Category)
		}
		if i > 0 && g.Size > p.Groups[i-1].Size {
			t.Errorf("groups not biggest first at %d", i)
		}
	}
	if n := len(p.Announcement); n < 20 || n > 35 {
		t.Errorf("%d questions under the announcement, want about 30", n)
	}
	for _, it := range p.Announcement {
		if it.Text == "" || it.Created.Before(p.Broadcast.PlannedAt.Add(-15*24*time.Hour)) {
			t.Errorf("announcement item %+v", it)
		}
	}
	if _, err := a.BroadcastPanel(ctx, "atlantis", time.Time{}, time.Time{}); err == nil {
		t.Error("an unknown municipality must be an error")
	}
	if _, err := a.BroadcastPanel(ctx, "roslavl", p.To, p.From); err == nil {
		t.Error("a reversed period must be an error")
	}
}

func TestShortlistFollowUpsAndNextBriefing(t *testing.T) {
	ctx := context.Background()
	a := openDemo(t, 4000)
	p, err := a.BroadcastPanel(ctx, "roslavl", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Broadcast == nil || len(p.Groups) < 4 || len(p.Announcement) == 0 {
		t.Fatalf("broadcast %v, %d groups, %d announcement questions", p.Broadcast, len(p.Groups), len(p.Announcement))
	}
	bid := p.Broadcast.ID
	var ids []int64
	for _, g := range p.Groups[:4] {
		it, err := a.ShortlistGroup(ctx, bid, g)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	single, err := a.ShortlistMessage(ctx, bid, p.Announcement[0])
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, single.ID)
	if again, _ := a.ShortlistGroup(ctx, bid, p.Groups[0]); again.ID != ids[0] {
		t.Error("a group was shortlisted twice")
	}
	if err := a.MoveShortlistItem(ctx, single.ID, -10); err != nil {
		t.Fatal(err)
	}
	single.Note, single.Agency = "Жители просили на прошлом приёме", "Администрация Рославльского района"
	if err := a.UpdateShortlistItem(ctx, single); err != nil {
		t.Fatal(err)
	}

	// A fresh panel reads the shortlist back in the new order.
	p, err = a.BroadcastPanel(ctx, "roslavl", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, it := range p.Shortlist {
		order = append(order, it.ID)
	}
	if want := append([]int64{single.ID}, ids[:4]...); !slices.Equal(order, want) {
		t.Fatalf("shortlist order %v, want %v", order, want)
	}
	if p.Shortlist[0].Agency != single.Agency || p.Shortlist[1].Text != p.Groups[0].Representative || len(p.Shortlist[1].Members) != p.Groups[0].Size {
		t.Errorf("shortlist read back %+v", p.Shortlist[:2])
	}
	b, err := a.Briefing(ctx, p, BriefingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Shortlist) != 5 || len(b.Shortlist[1].Quotes) < 2 || b.Shortlist[0].Agency == "" || b.BroadcastAt.IsZero() {
		t.Errorf("briefing shortlist %+v", b.Shortlist)
	}

	// After the broadcast: two answered on air, the rest become follow-ups.
	due := testNow.Add(10 * 24 * time.Hour)
	if _, err := a.CompleteBroadcast(ctx, bid, ids[:2], "", due); err == nil {
		t.Error("follow-ups without an owner must be refused")
	}
	if _, err := a.CompleteBroadcast(ctx, bid, ids[:2], "Сергей Волков", testNow.Add(-time.Hour)); err == nil {
		t.Error("a deadline in the past must be refused")
	}
	n, err := a.CompleteBroadcast(ctx, bid, ids[:2], "Сергей Волков", due)
	if err != nil || n != 3 {
		t.Fatalf("CompleteBroadcast = %d, %v; want 3 follow-ups", n, err)
	}
	members := map[int64]bool{}
	for _, it := range p.Shortlist {
		if !slices.Contains(ids[:2], it.ID) {
			for _, m := range it.Members {
				members[m] = true
			}
		}
	}
	page, err := a.Inbox(ctx, FollowUpQuery(), data.Cursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != len(members) {
		t.Errorf("inbox shows %d follow-up messages, want %d", len(page.Items), len(members))
	}
	for _, m := range page.Items {
		if !members[m.ID] || m.Assignee != "Сергей Волков" || !m.AnswerDue.Equal(due.UTC()) || m.Status != data.StatusInProgress || !slices.Contains(m.Tags, FollowUpTag) {
			t.Errorf("follow-up message %d: assignee %q due %v status %s tags %v", m.ID, m.Assignee, m.AnswerDue, m.Status, m.Tags)
		}
	}
	mine, _ := a.Count(ctx, Query{Filter: data.Filter{Assignee: "Сергей Волков", Statuses: []data.Status{data.StatusInProgress}}})
	if mine != len(members) {
		t.Errorf("%d in progress for the owner, want %d", mine, len(members))
	}

	// The next briefing for the district lists the follow-ups as unresolved.
	p, err = a.BroadcastPanel(ctx, "roslavl", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Broadcast != nil || len(p.FollowUps) != 3 {
		t.Fatalf("after the broadcast: planned %v, %d follow-ups", p.Broadcast, len(p.FollowUps))
	}
	b, err = a.Briefing(ctx, p, BriefingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var listed int
	for _, u := range b.Unresolved {
		if strings.HasPrefix(u.Text, "После эфира ") && strings.Contains(u.Text, "Поручение: Сергей Волков, срок — 05.12.2026") {
			listed++
		}
	}
	if listed != 3 {
		t.Errorf("%d follow-ups in the next briefing, want 3", listed)
	}
	var html bytes.Buffer
	if err := WriteBriefing(&html, FormatHTML, b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "Поручение: Сергей Волков") {
		t.Error("the HTML briefing does not show the follow-ups")
	}
	// Planning a new broadcast starts a new, empty shortlist.
	nb, err := a.PlanBroadcast(ctx, "roslavl", testNow.Add(40*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if items, _ := a.Shortlist(ctx, nb.ID); len(items) != 0 {
		t.Errorf("a new broadcast has %d shortlisted", len(items))
	}
	if _, err := a.PlanBroadcast(ctx, "atlantis", testNow); err == nil {
		t.Error("planning for an unknown municipality must fail")
	}
}

func TestSaveBriefingKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "brief.pdf")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveBriefing(path, "odt", Panel{}.briefingForTest()); err == nil {
		t.Fatal("an unknown format must fail")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("the old file was overwritten: %q", b)
	}
	if err := SaveBriefing(filepath.Join(dir, "brief.txt"), "", Panel{}.briefingForTest()); err == nil {
		t.Error("an unknown extension must fail")
	}
	if err := SaveBriefing(path, "", Panel{District: "roslavl", DistrictName: "Рославльский район", From: testNow, To: testNow.Add(24 * time.Hour)}.briefingForTest()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("not a PDF: %q", b[:min(len(b), 16)])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// briefingForTest is the briefing of a panel without the store's extras.
func (p Panel) briefingForTest() brief.Briefing {
	return brief.Briefing{District: p.District, DistrictName: p.DistrictName, From: p.From, To: p.To}
}

// Residents write emoji; the PDF's fonts and width tables stop at U+FFFF,
// so the PDF drops them while HTML keeps them.
func TestBriefingWithEmoji(t *testing.T) {
	b := Panel{District: "roslavl", DistrictName: "Рославльский район", From: testNow, To: testNow.Add(24 * time.Hour)}.briefingForTest()
	b.Unresolved = []brief.UnresolvedItem{{Text: "Когда починят мост? 🙏🙏 Сил уже нет 😡 ❓❤️", Author: "Алла Миронова 🌸", Created: testNow, Platform: "vk"}}
	b.Groups = []brief.Cluster{{Size: 2, Representative: "Мост 🙏", Quotes: []brief.Quote{{Text: "Мост на Ленина 😡", Author: "Иван"}}}}
	b.Shortlist = []brief.ShortItem{{Title: "Мост 🌉", Quotes: []string{"Когда? 🙏"}}}
	var pdf, html bytes.Buffer
	if err := WriteBriefing(&pdf, FormatPDF, b); err != nil {
		t.Fatalf("PDF with emoji: %v", err)
	}
	if err := WriteBriefing(&html, FormatHTML, b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "🙏") {
		t.Error("the HTML lost the emoji")
	}
	if got := pdfSafe(b).Unresolved[0].Text; got != "Когда починят мост? Сил уже нет ❤" {
		t.Errorf("pdfSafe: %q", got)
	}
	if b.Unresolved[0].Text != "Когда починят мост? 🙏🙏 Сил уже нет 😡 ❓❤️" {
		t.Error("pdfSafe changed the caller's briefing")
	}
}

// The grouping is reused for the same messages and redone when one changes.
func TestBroadcastGroupsFollowChanges(t *testing.T) {
	ctx := context.Background()
	a := openDemo(t, 3000)
	from, to := a.DefaultPeriod()
	g1, n1, err := a.BroadcastGroups(ctx, "roslavl", from, to)
	if err != nil || len(g1) == 0 || n1 == 0 {
		t.Fatalf("groups %d of %d, %v", len(g1), n1, err)
	}
	again, n2, _ := a.BroadcastGroups(ctx, "roslavl", from, to)
	if n2 != n1 || len(again) != len(g1) || again[0].Representative != g1[0].Representative {
		t.Fatal("the same messages grouped differently")
	}
	var ids []int64
	for _, m := range g1[0].Members {
		ids = append(ids, m.ID)
	}
	if err := a.SetStatus(ctx, ids, data.StatusAnswered); err != nil {
		t.Fatal(err)
	}
	g3, _, _ := a.BroadcastGroups(ctx, "roslavl", from, to)
	found := false
	for _, g := range g3 {
		for _, m := range g.Members {
			if m.ID == g1[0].RepresentativeID {
				found = true
				if g.Unanswered != 0 {
					t.Errorf("after answering every member the group still has %d unanswered", g.Unanswered)
				}
			}
		}
	}
	if !found {
		t.Error("the answered group is gone")
	}
}

// isQuestionSimple is IsQuestion written the plain way; the fast one must
// agree with it on every text.
func isQuestionSimple(text string) bool {
	n := 0
	for _, w := range strings.Fields(text) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			n++
		}
	}
	if n < 3 {
		return false
	}
	if strings.ContainsRune(text, '?') {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if questionWords[strings.ReplaceAll(w, "ё", "е")] {
			return true
		}
	}
	return false
}

func TestIsQuestionAgreesWithThePlainWay(t *testing.T) {
	texts := []string{
		"КОГДА починят", "Скажите, пожалуйста, кто отвечает", "а\u00a0когда\u00a0будет", "Будет  ли\tсвет",
		"прошу!!! разобраться срочно", "Ёлки, ПОДСКАЖИТЕ кто-нибудь", "когда-нибудь починят дорогу",
		"Разберитесь уже наконец", "Verylongwordwithoutanyspacesatall когда там", "🙏 помогите нам 🙏",
		"Спасибо большое всем", "\xff\xfe когда же это", "ПОМОГИТЕ", "как же так", "Когда",
	}
	a := openTest(t)
	if _, err := a.SeedDemo(context.Background(), demo.Options{Seed: 3, Comments: 3000, Now: benchNow}, nil); err != nil {
		t.Fatal(err)
	}
	db, err := a.store()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"roslavl", "smolensk", "yartsevo", "vyazma"} {
		rows, err := db.DistrictTexts(context.Background(), d, time.Unix(0, 0), benchNow.AddDate(1, 0, 0), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			texts = append(texts, r.Text)
		}
	}
	if len(texts) < 300 {
		t.Fatalf("only %d texts to compare", len(texts))
	}
	for _, s := range texts {
		if got, want := IsQuestion(s), isQuestionSimple(s); got != want {
			t.Errorf("IsQuestion(%q) = %v, the plain way says %v", s, got, want)
		}
	}
}

// TestBroadcastGroupsSeeOtherWriters: a grouping kept for the same district
// and period is not reused after another process (here another store
// handle on the same file) changed the messages.
func TestBroadcastGroupsSeeOtherWriters(t *testing.T) {
	ctx := context.Background()
	a := openDemo(t, 3000)
	from, to := a.DefaultPeriod()
	g1, _, err := a.BroadcastGroups(ctx, "roslavl", from, to)
	if err != nil || len(g1) == 0 {
		t.Fatalf("groups %d, %v", len(g1), err)
	}
	var ids []int64
	for _, m := range g1[0].Members {
		ids = append(ids, m.ID)
	}
	db, err := a.store()
	if err != nil {
		t.Fatal(err)
	}
	other, err := sqlite.Open(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SetStatus(ctx, ids, data.StatusSpam, time.Now()); err != nil {
		t.Fatal(err)
	}
	g2, _, err := a.BroadcastGroups(ctx, "roslavl", from, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range g2 {
		for _, m := range g.Members {
			if slices.Contains(ids, m.ID) {
				t.Fatalf("message %d marked spam elsewhere is still grouped", m.ID)
			}
		}
	}
}
