package ui

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// shownRows are the list rows on screen, top first.
func shownRows(m *MainWindow) []*messageRow {
	var out []*messageRow
	for _, o := range test.LaidOutObjects(m.inbox.list) {
		if r, ok := o.(*messageRow); ok && r.Visible() && r.pickID != 0 {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *messageRow) int {
		return int(fyne.CurrentApp().Driver().AbsolutePositionForObject(a).Y - fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Y)
	})
	return out
}

// act waits for the event a change sends and what it starts.
func act(t *testing.T, m *MainWindow, fn func()) {
	t.Helper()
	n := m.b.events.Load()
	fn()
	m.b.settle()
	waitEvents(t, m, n+1)
}

func TestWindowFitsALaptopScreen(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	w := NewMainWindow(fyne.CurrentApp(), m.core, Options{Now: m.opts.Now, serial: true})
	t.Cleanup(w.Close)
	w.b.settle()
	if s := w.Window.Canvas().Size(); s.Width > 1366 || s.Height > 768-70 {
		t.Errorf("default window %v does not fit 1366×768 with a title bar and taskbar", s)
	}
	for _, size := range []fyne.Size{{Width: 1280, Height: 720}, {Width: 1366, Height: 768}} {
		m.Window.Resize(size)
		m.b.settle()
		if ms := m.Window.Content().MinSize(); ms.Width > size.Width || ms.Height > size.Height {
			t.Errorf("at %v the content needs %v: something is cut off", size, ms)
		}
		// The status bar is inside the window.
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(m.status.content)
		if bottom := pos.Y + m.status.content.Size().Height; bottom > size.Height+0.5 {
			t.Errorf("at %v the status bar ends at %v", size, bottom)
		}
	}
}

func TestRowShowsTheMunicipalityInFull(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	m.Window.Resize(fyne.NewSize(1280, 720))
	m.b.settle()
	rows := shownRows(m)
	if len(rows) < 4 {
		t.Fatalf("%d rows on screen", len(rows))
	}
	for _, r := range rows {
		want := r.place.Text
		if want == "" {
			t.Fatalf("row %d has no place", r.pickID)
		}
		full := fyne.MeasureText(want, theme.TextSize(), r.place.TextStyle).Width
		if r.place.Size().Width < full || strings.Contains(want, "…") {
			t.Errorf("row %d: «%s» needs %.0f px, has %.0f", r.pickID, want, full, r.place.Size().Width)
		}
	}
}

func TestSelectedSidebarCountIsReadable(t *testing.T) {
	m, _ := newTestWindow(t, ThemeDark)
	v := m.inbox
	for _, node := range []string{viewPrefix + ViewNew, viewPrefix + ViewOverdue, viewPrefix + ViewAll} {
		v.selectNode(node)
		m.b.settle()
		row := newSideRow(v)
		v.updateNode(node, row)
		count := row.Objects[2].(*widget.Label)
		if count.Importance != widget.MediumImportance || !count.TextStyle.Bold {
			t.Errorf("%s selected: count importance %v bold %v", node, count.Importance, count.TextStyle.Bold)
		}
	}
	row := newSideRow(v)
	v.updateNode(viewPrefix+ViewOverdue, row)
	if c := row.Objects[2].(*widget.Label); c.Importance != widget.DangerImportance {
		t.Errorf("overdue, not selected: importance %v", c.Importance)
	}
}

func newSideRow(v *inboxView) *fyne.Container {
	return v.side.CreateItem().(*fyne.Container)
}

func TestMoreFiltersCombine(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v, f := m.inbox, m.inbox.more
	now := fc.Now()
	for _, tc := range []struct {
		name string
		set  func()
		ok   func(data.Message) bool
	}{
		{"account", func() { f.account.SetSelectedIndex(2) }, func(x data.Message) bool { return x.AccountID == 2 }},
		{"sentiment", func() { f.sentiment.SetSelectedIndex(1) }, func(x data.Message) bool { return x.Sentiment == data.Negative }},
		{"unassigned", func() { f.show(); f.assignee.SetSelectedIndex(1) }, func(x data.Message) bool { return x.Assignee == "" }},
		{"assignee", func() { f.show(); f.assignee.SetSelected(fc.fx.User) }, func(x data.Message) bool { return x.Assignee == fc.fx.User }},
		{"overdue", func() { f.deadline.SetSelectedIndex(deadlineOverdue) }, func(x data.Message) bool { return overdue(&x, now) }},
		{"due today", func() { f.deadline.SetSelectedIndex(deadlineToday) }, func(x data.Message) bool {
			return !overdue(&x, now) && x.Status.Open()
		}},
		{"today", func() { f.period.SetSelectedIndex(periodToday) }, func(x data.Message) bool {
			return x.CreatedAt.In(now.Location()).Day() == now.Day() && now.Sub(x.CreatedAt) < 24*time.Hour
		}},
		{"custom range", func() {
			f.period.SetSelectedIndex(periodCustom)
			f.from.SetText("10.03.2025")
			f.to.SetText("12.03.2025")
		}, func(x data.Message) bool {
			d := x.CreatedAt.In(now.Location())
			return !d.Before(time.Date(2025, 3, 10, 0, 0, 0, 0, now.Location())) && d.Before(time.Date(2025, 3, 13, 0, 0, 0, 0, now.Location()))
		}},
		{"unanswered replies", func() { f.unanswered.SetChecked(true) }, func(x data.Message) bool {
			for _, o := range fc.fx.Messages {
				if o.Platform == x.Platform && o.ParentExternalID == x.ExternalID && !o.FromOffice && o.Status.Open() {
					return true
				}
			}
			return false
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.clear()
			tc.set()
			m.b.settle()
			if f.popup != nil {
				f.popup.Hide()
			}
			got := rows(v)
			if len(got) == 0 && tc.name != "unanswered replies" {
				t.Fatal("no rows")
			}
			for _, x := range got {
				if !tc.ok(x) {
					t.Fatalf("row %d does not belong: %+v", x.ID, x)
				}
			}
			if f.active() == 0 || !strings.Contains(f.btn.Text, "·") {
				t.Errorf("button does not show the filter is on: %q", f.btn.Text)
			}
		})
	}
	// Combined with the toolbar and a view: every condition holds.
	f.clear()
	v.selectNode(viewPrefix + ViewNew)
	f.sentiment.SetSelectedIndex(1)
	v.catSel.SetSelected("Дороги")
	m.b.settle()
	for _, x := range rows(v) {
		if x.Status != data.StatusNew || x.Sentiment != data.Negative || x.Category != "roads" {
			t.Fatalf("row %d: %s %s %s", x.ID, x.Status, x.Sentiment, x.Category)
		}
	}
	// A date that cannot be read is said so and ignored.
	f.clear()
	f.period.SetSelectedIndex(periodCustom)
	f.from.SetText("31.02.2025")
	m.b.settle()
	if f.bad.Hidden || v.cache.length == 0 {
		t.Errorf("bad date: warning hidden=%v, %d rows", f.bad.Hidden, v.cache.length)
	}
	test.Tap(f.reset)
	m.b.settle()
	if f.active() != 0 || f.btn.Text != T("filter.more") {
		t.Errorf("after reset: %d active, %q", f.active(), f.btn.Text)
	}
}

func TestBulkActionsAndUndo(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	v.selectNode(viewPrefix + ViewNew)
	m.b.settle()
	shown := shownRows(m)
	if len(shown) < 3 {
		t.Fatalf("%d rows on screen", len(shown))
	}
	var ids []int64
	for _, r := range shown[:3] {
		test.Tap(r.pick)
		ids = append(ids, r.pickID)
	}
	slices.Sort(ids)
	if v.bulk.content.Hidden || v.bulk.count.Text != "Выбрано: 3 сообщения" {
		t.Fatalf("bulk bar: hidden=%v %q", v.bulk.content.Hidden, v.bulk.count.Text)
	}
	before := map[int64]data.Message{}
	for _, id := range ids {
		before[id] = *fc.find(id)
	}
	for _, tc := range []struct {
		name string
		do   func()
		ok   func(data.Message) bool
	}{
		{"status", func() { v.bulk.status.SetSelected(statusLabel(data.StatusInProgress)) },
			func(x data.Message) bool { return x.Status == data.StatusInProgress }},
		{"category", func() { v.bulk.category.SetSelected("Газификация") },
			func(x data.Message) bool { return x.Category == "gas" }},
		{"district", func() { v.bulk.district.SetSelected("Ярцевский район") },
			func(x data.Message) bool { return x.District == "yartsevsky" }},
		{"assign", func() {
			test.Tap(v.bulk.assignBtn)
			v.askEntry.SetText("Ольга Зуева")
			v.askDialog.(interface{ Submit() }).Submit()
		}, func(x data.Message) bool { return x.Assignee == "Ольга Зуева" }},
		{"tag", func() {
			test.Tap(v.bulk.tagBtn)
			v.askEntry.SetText("#отопление")
			v.askDialog.(interface{ Submit() }).Submit()
		}, func(x data.Message) bool { return slices.Contains(x.Tags, "отопление") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			act(t, m, tc.do)
			for _, id := range ids {
				if x := *fc.find(id); !tc.ok(x) {
					t.Fatalf("message %d not changed: %+v", id, x)
				}
			}
			if v.toast.content.Hidden || v.toast.undoBtn.Hidden || !strings.HasSuffix(v.toast.text.Text, "3 сообщения.") {
				t.Fatalf("toast: hidden=%v %q", v.toast.content.Hidden, v.toast.text.Text)
			}
			if tc.name == "status" {
				act(t, m, func() { test.Tap(v.toast.undoBtn) })
			} else {
				act(t, m, func() { m.Window.Canvas().(fyne.Shortcutable).TypedShortcut(undoShortcut) })
			}
			for _, id := range ids {
				if x := *fc.find(id); tc.ok(x) {
					t.Fatalf("message %d still changed after undo", id)
				}
			}
		})
	}
	if len(v.picked) != 3 {
		t.Errorf("picks lost after actions in the same view: %d", len(v.picked))
	}
	v.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(v.picked) != 0 || !v.bulk.content.Hidden {
		t.Error("Esc does not clear the selection")
	}
}

// openFirst selects the first message of the view with a reply-able
// platform (not ПОС unless pos).
func openFirst(t *testing.T, m *MainWindow, pos bool) data.Message {
	t.Helper()
	v := m.inbox
	for i, x := range rows(v) {
		if (x.Platform == data.POS) == pos {
			v.list.Select(i)
			m.b.settle()
			if v.detail.shownID != x.ID {
				t.Fatalf("detail shows %d, want %d", v.detail.shownID, x.ID)
			}
			return x
		}
	}
	t.Fatal("no such message")
	return data.Message{}
}

func TestComposerFillsTemplateCountsAndSends(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	v.selectNode(viewPrefix + ViewNew)
	m.b.settle()
	msg := openFirst(t, m, false)
	test.TypeOnCanvas(m.Window.Canvas(), "к") // r in the Russian layout
	m.b.settle()
	c := v.composer
	if c == nil {
		t.Fatal("r did not open the composer")
	}
	if !c.sendBtn.Disabled() {
		t.Error("send enabled with no text")
	}
	c.tplSel.SetSelectedIndex(0)
	name := strings.Fields(msg.AuthorName)[0]
	if !strings.Contains(c.entry.Text, name) || strings.Contains(c.entry.Text, "{") {
		t.Errorf("template not filled for %q: %q", msg.AuthorName, c.entry.Text)
	}
	if c.preview.Text != strings.TrimSpace(c.entry.Text) {
		t.Errorf("preview %q differs from the text", c.preview.Text)
	}
	// Variables typed by hand are filled in the preview too.
	c.entry.SetText("{имя}, спасибо! Ответим до {дата}.")
	if strings.Contains(c.preview.Text, "{") || !strings.HasPrefix(c.preview.Text, name) {
		t.Errorf("preview: %q", c.preview.Text)
	}
	// The network's limit: too long cannot be sent, and says why in red.
	c.entry.SetText(strings.Repeat("Очень длинный ответ. ", 1000))
	if !c.sendBtn.Disabled() || c.counter.Importance != widget.DangerImportance {
		t.Errorf("over the limit: send disabled=%v, counter %q", c.sendBtn.Disabled(), c.counter.Text)
	}
	c.entry.SetText("")
	c.tplSel.SetSelectedIndex(0)
	text := c.text()
	act(t, m, func() { c.entry.TypedShortcut(sendShortcut) })
	if !slices.Contains(fc.Calls(), "Reply "+itoa(msg.ID)) {
		t.Fatalf("Ctrl+Enter did not send: %v", fc.Calls())
	}
	if v.composer != nil {
		t.Error("the composer stays open after sending")
	}
	d := v.detail
	if d.d.Message.Status != data.StatusAnswered || len(d.replies) != 1 || d.outbox.Hidden {
		t.Fatalf("after sending: %s, %d replies", d.d.Message.Status, len(d.replies))
	}
	if got := outboxTexts(d); !slices.Contains(got, T("outbox.queued")) || !slices.Contains(got, text) {
		t.Errorf("outbox section: %q", got)
	}
	// The network refuses: the error and «Повторить».
	act(t, m, func() {
		fc.SetOutbox(d.replies[0].ID, data.OutboxFailed, "VK: доступ к комментариям закрыт")
	})
	retry := findButton(d.outbox, T("outbox.retry"))
	if retry == nil || !slices.Contains(outboxTexts(d), "Ошибка сети: VK: доступ к комментариям закрыт") {
		t.Fatalf("failed reply: %q", outboxTexts(d))
	}
	act(t, m, func() { test.Tap(retry) })
	if d.replies[0].State != data.OutboxQueued {
		t.Errorf("after retry: %s", d.replies[0].State)
	}
	// Undo of a queued reply takes it out of the queue.
	act(t, m, func() { test.Tap(v.toast.undoBtn) })
	if len(d.replies) != 0 || d.d.Message.Status == data.StatusAnswered {
		t.Errorf("after undo: %d replies, %s", len(d.replies), d.d.Message.Status)
	}
}

func TestComposerOnThePortalIsHonest(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	msg := openFirst(t, m, true)
	if v.detail.replyBtn.Text != T("detail.reply_portal") {
		t.Errorf("reply button on ПОС: %q", v.detail.replyBtn.Text)
	}
	test.Tap(v.detail.replyBtn)
	m.b.settle()
	c := v.composer
	if c.sendBtn.Text != T("composer.send_portal") {
		t.Errorf("send button: %q", c.sendBtn.Text)
	}
	c.entry.SetText("Борис Валерьевич, обращение передано в управление ЖКХ.")
	act(t, m, func() { test.Tap(c.sendBtn) })
	if got := fyne.CurrentApp().Clipboard().Content(); got != "Борис Валерьевич, обращение передано в управление ЖКХ." {
		t.Errorf("clipboard: %q", got)
	}
	if x := fc.find(msg.ID); x.Status != data.StatusAnswered {
		t.Errorf("status: %s", x.Status)
	}
	if len(v.detail.replies) != 0 {
		t.Error("a ПОС answer shows as sent by Otklik")
	}
	if v.toast.text.Text != T("undo.replied_portal") {
		t.Errorf("toast: %q", v.toast.text.Text)
	}
}

func outboxTexts(d *detailView) []string {
	var out []string
	for _, o := range test.LaidOutObjects(d.outbox) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *chip:
			out = append(out, w.text)
		}
	}
	return out
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

func TestKeyboardActions(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	c := m.Window.Canvas()
	v.selectNode(viewPrefix + ViewNew)
	m.b.settle()
	test.TypeOnCanvas(c, "j")
	m.b.settle()
	first := v.selectedID
	for _, tc := range []struct {
		key  string
		want data.Status
	}{{"2", data.StatusInProgress}, {"3", data.StatusAnswered}, {"4", data.StatusForwarded}, {"1", data.StatusNew}, {"5", data.StatusClosed}} {
		act(t, m, func() { test.TypeOnCanvas(c, tc.key) })
		if got := fc.find(first).Status; got != tc.want {
			t.Errorf("%s: status %s, want %s", tc.key, got, tc.want)
		}
	}
	act(t, m, func() { test.TypeOnCanvas(c, "1") })
	act(t, m, func() { test.TypeOnCanvas(c, "e") })
	if got := fc.find(first).Status; got != data.StatusClosed {
		t.Errorf("e: %s", got)
	}
	// x picks, then keys act on the picks.
	act(t, m, func() { test.TypeOnCanvas(c, "1") })
	test.TypeOnCanvas(c, "x")
	test.TypeOnCanvas(c, "j")
	m.b.settle()
	test.TypeOnCanvas(c, "x")
	second := v.selectedID
	if len(v.picked) != 2 || !v.picked[first] || !v.picked[second] {
		t.Fatalf("x: picked %v", v.picked)
	}
	test.TypeOnCanvas(c, "a")
	if v.askDialog == nil || v.askEntry.Text != fc.fx.User {
		t.Fatal("a did not ask for the assignee with the operator filled in")
	}
	act(t, m, func() { v.askDialog.(interface{ Submit() }).Submit() })
	for _, id := range []int64{first, second} {
		if fc.find(id).Assignee != fc.fx.User {
			t.Errorf("a: message %d assignee %q", id, fc.find(id).Assignee)
		}
	}
	test.TypeOnCanvas(c, "?")
	if !v.help.shown() {
		t.Fatal("? did not show the help")
	}
	keys := v.help.labels()
	for _, want := range []string{"j / k, ↓ / ↑", "Enter", "/", "r", "e", "a", "1 – 5", "Ctrl+Z", "Ctrl+Enter", "?",
		"J / K, Shift+↓ / ↑", "Ctrl+щелчок", "Shift+щелчок"} {
		if !slices.Contains(keys, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	v.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if v.help.shown() {
		t.Error("Esc did not close the help")
	}
}

func TestDetailAttachmentsLinkAndCorrections(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	var opened []string
	v.openURL = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	target := rows(v)[0]
	fm := fc.find(target.ID)
	fm.URL = "https://vk.com/wall-32085437_1530?reply=10262"
	fm.Attachments = []data.Attachment{{Type: "photo", URL: "https://vk.com/photo-32085437_457239017"},
		{Type: "doc", Title: "Акт осмотра дома.pdf", URL: "https://vk.com/doc-32085437_6612"}}
	target = *fm
	v.openMessage(target.ID)
	m.b.settle()
	d := v.detail
	if d.attachments.Hidden || len(d.attachments.Objects) != 1+len(target.Attachments) {
		t.Fatalf("attachments: hidden=%v, %d objects for %d", d.attachments.Hidden, len(d.attachments.Objects), len(target.Attachments))
	}
	test.Tap(d.link)
	if len(opened) != 1 || opened[0] != target.URL {
		t.Errorf("open original: %v, want %s", opened, target.URL)
	}
	// One-click corrections go through the recorded actions and stick.
	act(t, m, func() { d.munSel.SetSelected("Сафоновский район") })
	if x := fc.find(target.ID); x.District != "safonovsky" || !x.DistrictManual {
		t.Errorf("district: %q manual=%v", x.District, x.DistrictManual)
	}
	if d.d.Message.District != "safonovsky" {
		t.Error("the pane does not show the correction")
	}
	act(t, m, func() {
		test.Tap(d.tagBtn)
		v.askEntry.SetText("прокуратура")
		v.askDialog.(interface{ Submit() }).Submit()
	})
	if !slices.Contains(fc.find(target.ID).Tags, "прокуратура") || len(d.tags.Objects) == 0 {
		t.Fatalf("tag: %v", fc.find(target.ID).Tags)
	}
	rm := findIconButton(d.tags)
	act(t, m, func() { test.Tap(rm) })
	if slices.Contains(fc.find(target.ID).Tags, "прокуратура") {
		t.Error("× did not remove the tag")
	}
}

func findIconButton(o fyne.CanvasObject) *widget.Button {
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == "" {
			return b
		}
	}
	return nil
}

func TestReportTableChartAndCSV(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	r := m.reportView()
	var saved []byte
	r.save = func(b []byte) { saved = b }
	r.period.SetSelectedIndex(2) // 60 days
	m.b.settle()
	if len(r.report.ByCategory) == 0 || len(r.rows.Objects) != 1+len(r.report.ByCategory) {
		t.Fatalf("report: %d categories, %d rows", len(r.report.ByCategory), len(r.rows.Objects))
	}
	test.Tap(r.groups[2])
	if len(r.rows.Objects) != 1+len(r.report.ByWeek) {
		t.Errorf("weeks: %d rows for %d", len(r.rows.Objects), len(r.report.ByWeek))
	}
	test.Tap(r.export)
	lines := strings.Split(strings.TrimSpace(string(saved)), "\n")
	if want := 1 + len(r.report.ByCategory) + len(r.report.ByDistrict) + len(r.report.ByWeek); len(lines) != want {
		t.Errorf("CSV: %d lines, want %d", len(lines), want)
	}
	if !strings.HasPrefix(lines[0], "Разрез,Группа") {
		t.Errorf("CSV header: %q", lines[0])
	}
}

func TestSearchOnTheRealCore(t *testing.T) {
	m, _ := newRealWindow(t, ThemeLight)
	v := m.inbox
	// Russian morphology: one form finds the others, and the match is
	// highlighted in the list and in the detail pane.
	test.Type(v.search, "дорога")
	m.b.settle()
	got := rows(v)
	if len(got) == 0 {
		t.Fatal("nothing found for «дорога»")
	}
	forms := map[string]bool{}
	for i, x := range got {
		r := v.cache.at(i)
		for _, h := range r.hl {
			forms[strings.ToLower(r.snippet[h[0]:h[1]])] = true
		}
		_ = x
	}
	if len(forms) < 2 {
		t.Errorf("only %v highlighted: the stemmer should find other forms", forms)
	}
	v.list.Select(0)
	m.b.settle()
	marked := 0
	for _, seg := range v.detail.text.Segments {
		if ts, ok := seg.(*widget.TextSegment); ok && ts.Style.TextStyle.Bold {
			marked++
		}
	}
	if marked == 0 {
		t.Error("no match highlighted in the detail pane")
	}
	// Whatever is typed gives rows or the empty state, never an error.
	for _, bad := range []string{`"`, `AND(`, `*`, `NEAR`, `NEAR(отопление дорога, 2)`, `-`, `""""`, `^дорога`,
		strings.Repeat("отопление ", 1000), "🔥🔥 дорога 🚧", "дорога road дорога", "ДоРоГа", "Ё", "'; DROP TABLE messages; --",
		"col:value", "{дорога}", "дорога OR", "NOT NOT", "(((", "\x00", "\u202e"} {
		v.search.SetText(bad)
		m.b.settle()
		if !v.errLabel.Hidden {
			t.Errorf("search %.40q: error %q", bad, v.errLabel.Text)
		}
		if v.cache.length == 0 && v.empty.Hidden {
			t.Errorf("search %.40q: no rows and no empty state", bad)
		}
	}
}

func TestCountsFollowActionsOnTheRealCore(t *testing.T) {
	m, _ := newRealWindow(t, ThemeLight)
	v := m.inbox
	v.selectNode(viewPrefix + ViewNew)
	m.b.settle()
	before := v.counts[viewPrefix+ViewNew]
	doneBefore := v.counts[viewPrefix+ViewDone]
	ids := []int64{v.cache.at(0).msg.ID, v.cache.at(1).msg.ID}
	for _, id := range ids {
		v.togglePick(id, true)
	}
	act(t, m, func() { v.applyStatus(v.picks(), data.StatusClosed) })
	if got := v.counts[viewPrefix+ViewNew]; got != before-2 {
		t.Errorf("«Новые»: %d, want %d", got, before-2)
	}
	if got := v.counts[viewPrefix+ViewDone]; got != doneBefore+2 {
		t.Errorf("«Отвеченные»: %d, want %d", got, doneBefore+2)
	}
	act(t, m, func() { m.Window.Canvas().(fyne.Shortcutable).TypedShortcut(undoShortcut) })
	if got := v.counts[viewPrefix+ViewNew]; got != before {
		t.Errorf("«Новые» after Ctrl+Z: %d, want %d", got, before)
	}
}
