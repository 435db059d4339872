package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// rows returns the messages currently cached in list order.
func rows(v *inboxView) []data.Message {
	var out []data.Message
	for i := 0; i < v.cache.length; i++ {
		if r := v.cache.at(i); r != nil {
			out = append(out, r.msg)
		}
	}
	return out
}

// waitEvents waits until the window has handled n core events and what
// they started has finished.
func waitEvents(t *testing.T, m *MainWindow, n int64) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for m.b.events.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d events, want %d", m.b.events.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	m.b.settle()
}

func TestInboxPagesAsTheUserScrolls(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	want, _ := fc.Count(t.Context(), Query{})
	if got := v.cache.length; got != pageSize {
		t.Fatalf("first load: got %d rows, want one page of %d", got, pageSize)
	}
	if got := v.listLength(); got != pageSize+1 {
		t.Errorf("list length: got %d, want %d with the loading row", got, pageSize+1)
	}
	if got, wantText := v.total.Text, "· "+TN("inbox.count", want); got != wantText {
		t.Errorf("total: got %q, want %q", got, wantText)
	}
	// Showing a row near the end asks for the next page, off the UI goroutine.
	for v.cache.more {
		n := v.cache.length
		v.updateRow(n-1, newMessageRow())
		m.b.settle()
		if v.cache.length <= n {
			t.Fatalf("no page loaded after row %d", n-1)
		}
	}
	if got := v.cache.length; got != want {
		t.Fatalf("after scrolling to the end: got %d rows, want %d", got, want)
	}
	if got := len(v.cache.pages); got > maxPages {
		t.Errorf("cached pages: got %d, want at most %d", got, maxPages)
	}
	got := rows(v)
	if !slices.IsSortedFunc(got, newestFirst) {
		t.Error("rows are not newest first")
	}
}

func TestPageCacheEvictsAndReloads(t *testing.T) {
	var c pageCache
	c.reset()
	for n := 0; n < maxPages+3; n++ {
		rows := make([]row, pageSize)
		for i := range rows {
			rows[i].msg.ID = int64(n*pageSize + i + 1)
		}
		c.put(n, rows, data.Cursor{ID: int64(n*pageSize + pageSize)}, true)
	}
	if got := len(c.pages); got != maxPages {
		t.Fatalf("pages kept: got %d, want %d", got, maxPages)
	}
	if c.at(0) != nil {
		t.Error("the oldest page should have been evicted")
	}
	if got, want := len(c.starts), maxPages+4; got != want {
		t.Errorf("cursors kept: got %d, want %d (evicted pages can be fetched again)", got, want)
	}
	if got := c.at((maxPages + 2) * pageSize).msg.ID; got != int64((maxPages+2)*pageSize+1) {
		t.Errorf("row of the newest page: got id %d", got)
	}
}

func TestSelectingAViewReloadsTheList(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	for _, tc := range []struct {
		node string
		ok   func(data.Message) bool
	}{
		{viewPrefix + ViewNew, func(m data.Message) bool { return m.Status == data.StatusNew }},
		{viewPrefix + ViewProgress, func(m data.Message) bool { return m.Status == data.StatusInProgress }},
		{viewPrefix + ViewMine, func(m data.Message) bool { return m.Assignee == fc.fx.User && m.Status.Open() }},
		{districtNode + "roslavlsky", func(m data.Message) bool { return m.District == "roslavlsky" }},
		{districtNode + "-", func(m data.Message) bool { return m.District == "" }},
	} {
		v.selectNode(tc.node)
		m.b.settle()
		got := rows(v)
		if len(got) == 0 {
			t.Errorf("%s: no rows", tc.node)
		}
		for _, msg := range got {
			if !tc.ok(msg) {
				t.Errorf("%s: row %d (%s, %s) does not belong", tc.node, msg.ID, msg.Status, msg.District)
				break
			}
		}
		if got, want := v.title.Text, v.nodeTitle(tc.node); got != want {
			t.Errorf("%s: title %q, want %q", tc.node, got, want)
		}
	}
	// The district select follows the sidebar, and back.
	if got := v.munSel.Selected; got != T("inbox.no_district") {
		t.Errorf("district select: got %q", got)
	}
	v.munSel.SetSelected("Ярцевский район")
	m.b.settle()
	if v.node != districtNode+"yartsevsky" {
		t.Errorf("sidebar node after choosing a district: got %q", v.node)
	}
}

func TestSearchFiltersAndHighlights(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	v := m.inbox
	test.Type(v.search, "мусор")
	m.b.settle()
	got := rows(v)
	if len(got) == 0 {
		t.Fatal("no rows for «мусор»")
	}
	for i, msg := range got {
		if !strings.Contains(strings.ToLower(msg.Text), "мусор") {
			t.Fatalf("row %d does not mention мусор: %q", msg.ID, msg.Text)
		}
		if r := v.cache.at(i); strings.Contains(strings.ToLower(r.snippet), "мусор") && len(r.hl) == 0 {
			t.Errorf("row %d: no highlight in %q", msg.ID, r.snippet)
		}
	}
	// Nonsense finds nothing and says so.
	v.search.SetText("ъъъъъъ")
	m.b.settle()
	if v.cache.length != 0 || v.empty.Hidden || v.empty.Text != T("inbox.empty_filtered") {
		t.Errorf("empty search: %d rows, empty state %q hidden=%v", v.cache.length, v.empty.Text, v.empty.Hidden)
	}
}

func TestFiltersNarrowTheView(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	v := m.inbox
	v.catSel.SetSelected("Дороги")
	v.platSel.SetSelected(platformLabel(data.VK))
	m.b.settle()
	got := rows(v)
	if len(got) == 0 {
		t.Fatal("no VK road messages")
	}
	for _, msg := range got {
		if msg.Category != "roads" || msg.Platform != data.VK {
			t.Fatalf("row %d: %s/%s", msg.ID, msg.Platform, msg.Category)
		}
	}
	// «Новые» with the status «Закрыто» is empty, not «everything closed».
	v.selectNode(viewPrefix + ViewNew)
	v.stateSel.SetSelected(statusLabel(data.StatusClosed))
	m.b.settle()
	if n := v.cache.length; n != 0 {
		t.Errorf("new ∧ closed: got %d rows, want 0", n)
	}
}

func TestDetailAndActions(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	v.list.Select(0)
	m.b.settle()
	first := v.cache.at(0).msg
	d := v.detail
	if d.shownID != first.ID || d.author.Text != first.AuthorName {
		t.Fatalf("detail shows %d %q, want %d %q", d.shownID, d.author.Text, first.ID, first.AuthorName)
	}
	if !d.buttons[first.Status].Disabled() {
		t.Error("the current status's button should be disabled")
	}
	events := m.b.events.Load()
	test.Tap(d.buttons[data.StatusInProgress])
	waitEvents(t, m, events+1)
	if !slices.Contains(fc.Calls(), "SetStatus in_progress "+itoa(first.ID)) {
		t.Fatalf("core calls: %v", fc.Calls())
	}
	if got := d.status.text; got != statusLabel(data.StatusInProgress) {
		t.Errorf("status chip after the event: got %q", got)
	}
	if v.selectedID != first.ID {
		t.Errorf("selection lost after the change: %d", v.selectedID)
	}

	events = m.b.events.Load()
	d.noteEntry.SetText("Передано в администрацию района, заявка 4512.")
	test.Tap(d.noteBtn)
	waitEvents(t, m, events+1)
	if len(d.d.Notes) == 0 || d.d.Notes[len(d.d.Notes)-1].Text != "Передано в администрацию района, заявка 4512." {
		t.Errorf("notes after adding: %+v", d.d.Notes)
	}

	events = m.b.events.Load()
	d.catSel.SetSelected("Газификация")
	waitEvents(t, m, events+1)
	if d.d.Message.Category != "gas" || !d.d.Message.CategoryManual {
		t.Errorf("category after correction: %q manual=%v", d.d.Message.Category, d.d.Message.CategoryManual)
	}

	events = m.b.events.Load()
	test.Tap(d.takeBtn)
	waitEvents(t, m, events+1)
	if d.d.Message.Assignee != fc.fx.User {
		t.Errorf("assignee after «Взять себе»: %q", d.d.Message.Assignee)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestKeyboard(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	v := m.inbox
	c := m.Window.Canvas()
	test.TypeOnCanvas(c, "j")
	m.b.settle()
	if got := v.selectedIndex(); got != 0 {
		t.Fatalf("j from nothing: got row %d, want 0", got)
	}
	test.TypeOnCanvas(c, "jj")
	m.b.settle()
	if got := v.selectedIndex(); got != 2 {
		t.Fatalf("jj: got row %d, want 2", got)
	}
	// With the list focused the keys still work, in the Russian layout too.
	c.Focus(v.list)
	v.list.TypedRune('л')
	m.b.settle()
	if got := v.selectedIndex(); got != 1 {
		t.Fatalf("л (k): got row %d, want 1", got)
	}
	if v.detail.shownID != v.cache.at(1).msg.ID {
		t.Error("the detail does not follow the selection")
	}
	v.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f, ok := c.Focused().(fyne.Widget); !ok || f != fyne.Widget(v.detail.buttons[data.StatusInProgress]) && f != fyne.Widget(v.detail.buttons[data.StatusAnswered]) {
		t.Errorf("Enter: focus on %T, want the first status action", c.Focused())
	}
	c.Unfocus()
	test.TypeOnCanvas(c, "/")
	if c.Focused() != v.search {
		t.Errorf("/: focus on %T, want the search", c.Focused())
	}
}

func TestCountsFollowCoreEvents(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	before := v.counts[viewPrefix+ViewNew]
	events := m.b.events.Load()
	fc.Add(data.Message{Platform: data.VK, ExternalID: "vk-new-1", AccountID: 1, AuthorName: "Зинаида Макарова",
		Text: "Во дворе на Рыленкова опять не горят фонари.", CreatedAt: fc.Now().Add(-time.Minute),
		District: "smolensk", Category: "improvement", Status: data.StatusNew})
	waitEvents(t, m, events+1)
	if got := v.counts[viewPrefix+ViewNew]; got != before+1 {
		t.Errorf("«Новые» after a new message: got %d, want %d", got, before+1)
	}
	if got := v.cache.at(0).msg.AuthorName; got != "Зинаида Макарова" {
		t.Errorf("top row after the event: %q", got)
	}

	events = m.b.events.Load()
	fc.SetSync(SyncInfo{Configured: true, Online: false, LastSync: fc.Now().Add(-3 * time.Hour)}, 5)
	waitEvents(t, m, events+1)
	if m.status.online.Text != T("status.offline") || m.status.synced.Text != "Синхронизация: 3 ч назад" ||
		m.status.queued.Text != "В очереди 5 отправок" {
		t.Errorf("status bar: %q / %q / %q", m.status.online.Text, m.status.synced.Text, m.status.queued.Text)
	}
	if m.status.sum.Overdue > 0 && m.status.overdue.Importance != widget.DangerImportance {
		t.Errorf("overdue is not red: importance %v", m.status.overdue.Importance)
	}
}

func TestResetLeavesTheDemo(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	if m.status.demo.Hidden {
		t.Fatal("demo badge hidden on a demo store")
	}
	m.ShowSettings()
	m.b.settle()
	if m.settingsView().resetBtn.Hidden {
		t.Fatal("reset button hidden on a demo store")
	}
	events := m.b.events.Load()
	m.settingsView().reset()
	waitEvents(t, m, events+1)
	if !slices.Contains(fc.Calls(), "ResetToEmpty") {
		t.Fatal("core not reset")
	}
	if !m.status.demo.Hidden || !m.settingsView().resetBtn.Hidden {
		t.Error("demo badge or reset button still shown")
	}
	if m.inbox.cache.length != 0 || m.inbox.empty.Text != T("inbox.empty_store") {
		t.Errorf("inbox after reset: %d rows, %q", m.inbox.cache.length, m.inbox.empty.Text)
	}
}

func TestRussianPlurals(t *testing.T) {
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{
		1: "1 сообщение", 2: "2 сообщения", 4: "4 сообщения", 5: "5 сообщений", 11: "11 сообщений",
		12: "12 сообщений", 21: "21 сообщение", 22: "22 сообщения", 111: "111 сообщений", 12345: "12\u00a0345 сообщений",
	} {
		if got := TN("inbox.count", n); got != want {
			t.Errorf("%d: got %q, want %q", n, got, want)
		}
	}
}

func TestAgo(t *testing.T) {
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 14, 11, 30, 0, 0, time.FixedZone("MSK", 3*3600))
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "только что"},
		{5 * time.Minute, "5 мин назад"},
		{3*time.Hour + 10*time.Minute, "3 ч назад"},
		{14 * time.Hour, "вчера, 21:30"},
		{3 * 24 * time.Hour, "11 марта, 11:30"},
		{400 * 24 * time.Hour, "8 февраля 2024"},
	} {
		if got := ago(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("%v ago: got %q, want %q", tc.d, got, tc.want)
		}
	}
	if got, late := dueIn(now, now.Add(-26*time.Hour)); got != "просрочено на 26 ч" || !late {
		t.Errorf("overdue: %q %v", got, late)
	}
	if got, late := dueIn(now, now.Add(90*time.Minute)); got != "через 1 ч" || late {
		t.Errorf("due: %q %v", got, late)
	}
}

func TestFormatInt(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1234: "1234", 12345: "12\u00a0345", 1234567: "1\u00a0234\u00a0567", -56789: "−56\u00a0789"} {
		if got := formatInt(n); got != want {
			t.Errorf("%d: got %q, want %q", n, got, want)
		}
	}
}

func TestFirstLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\n\n  Мусор   не вывозят \nвторая строка", "Мусор не вывозят"},
		{"Очень длинное сообщение о дороге", "Очень длинное…"},
	} {
		if got := firstLine(tc.in, 16); got != tc.want {
			t.Errorf("firstLine(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTranslationsComplete checks that both languages have the same keys
// and that every key the code asks for exists.
func TestTranslationsComplete(t *testing.T) {
	load := func(name string) map[string]any {
		b, err := os.ReadFile(filepath.Join("..", "assets", "i18n", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	ru, en := load("ru.json"), load("en.json")
	// Each area's own files (sla.ru.json …) merge into the same catalogue.
	for lang, into := range map[string]map[string]any{"ru": ru, "en": en} {
		more, _ := filepath.Glob(filepath.Join("..", "assets", "i18n", "*."+lang+".json"))
		for _, f := range more {
			for k, v := range load(filepath.Base(f)) {
				if _, dup := into[k]; dup {
					t.Errorf("%s redefines %q", filepath.Base(f), k)
				}
				into[k] = v
			}
		}
	}
	for k := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for k := range en {
		if _, ok := ru[k]; !ok {
			t.Errorf("ru.json lacks %q", k)
		}
	}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`\bT[fN]?\("([a-z_.0-9]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			key := m[1]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time, checked below
			}
			if _, ok := ru[key]; !ok {
				t.Errorf("%s uses %q, missing from the translations", f, key)
			}
		}
	}
	for _, s := range data.Statuses {
		for _, p := range []string{"state.", "action."} {
			if _, ok := ru[p+string(s)]; !ok {
				t.Errorf("missing %s%s", p, s)
			}
		}
	}
	for _, p := range data.Platforms {
		for _, pre := range []string{"platform.", "platform.short."} {
			if _, ok := ru[pre+string(p)]; !ok {
				t.Errorf("missing %s%s", pre, p)
			}
		}
	}
}

func TestEnglish(t *testing.T) {
	t.Cleanup(func() { SetLanguage(LangRussian) })
	if err := SetLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	if got := TN("inbox.count", 21); got != "21 messages" {
		t.Errorf("got %q", got)
	}
	if got := T("nav.inbox"); got != "Inbox" {
		t.Errorf("got %q", got)
	}
	for _, tc := range []struct{ pref, env, want string }{
		{"", "", LangRussian}, {"en", "", LangEnglish}, {"", "en_US.UTF-8", LangEnglish}, {"ru", "en", LangRussian}, {"", "de", LangRussian},
	} {
		t.Setenv("FYNE_LANG", tc.env)
		if got := ResolveLanguage(tc.pref); got != tc.want {
			t.Errorf("ResolveLanguage(%q) with FYNE_LANG=%q: got %q, want %q", tc.pref, tc.env, got, tc.want)
		}
	}
}

func TestGoldenInbox(t *testing.T) {
	for _, th := range []string{ThemeLight, ThemeDark} {
		t.Run(th, func(t *testing.T) {
			m, _ := newTestWindow(t, th)
			m.inbox.list.Select(1)
			m.b.settle()
			test.AssertImageMatches(t, "inbox_"+th+".png", m.Window.Canvas().Capture())
		})
	}
}

// TestInboxHeaderStopsCountingAtTheCap: past the cap the header says
// «более N сообщений» instead of an exact count; below it, the exact one.
func TestInboxHeaderStopsCountingAtTheCap(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	v.catSel.SetSelectedIndex(1) // a filter on top of the view: no sidebar count to borrow
	m.b.settle()
	all, _ := fc.Count(t.Context(), v.query())
	if all < 3 {
		t.Fatalf("only %d messages in the first topic", all)
	}
	for _, tc := range []struct {
		cap  int
		want string
	}{
		{all - 1, "· " + TN("inbox.count_more", all-1)},
		{all, "· " + TN("inbox.count_more", all)},
		{all + 1, "· " + TN("inbox.count", all)},
	} {
		v.countCap = tc.cap
		v.reloadList(true)
		m.b.settle()
		if v.total.Text != tc.want {
			t.Errorf("cap %d: header %q, want %q", tc.cap, v.total.Text, tc.want)
		}
	}
	// Unfiltered, the sidebar's exact count of the same view stands in for
	// the capped one; with a filter on top, the capped count stays.
	v.countCap = 2
	v.catSel.ClearSelected()
	m.b.settle()
	if want := "· " + TN("inbox.count", v.counts[v.node]); v.counts[v.node] <= 2 || v.total.Text != want {
		t.Errorf("unfiltered: header %q, want the sidebar's %q", v.total.Text, want)
	}
	v.catSel.SetSelectedIndex(1)
	m.b.settle()
	if want := "· " + TN("inbox.count_more", 2); v.total.Text != want {
		t.Errorf("filtered: header %q, want %q", v.total.Text, want)
	}
	if got := TN("inbox.count_more", 10000); got != "более 10\u00a0000 сообщений" {
		t.Errorf("count_more(10000) = %q", got)
	}
}
