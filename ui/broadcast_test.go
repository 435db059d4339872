package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"otklik/app"
	"otklik/data"
)

// showBroadcast switches the window to «Эфир» and waits for its panel.
func showBroadcast(t testing.TB, m *MainWindow) *broadcastView {
	t.Helper()
	m.show(sectionBroadcast)
	if m.broadcast == nil {
		t.Fatal("the real core has no «Эфир» panel")
	}
	m.b.settle()
	if m.broadcast.panel == nil {
		t.Fatalf("the panel did not load: %s", m.broadcast.errLabel.Text)
	}
	return m.broadcast
}

func (v *broadcastView) pickDistrict(t testing.TB, m *MainWindow, code string) {
	t.Helper()
	i, ok := v.munIdx[code]
	if !ok {
		t.Fatalf("no municipality %q", code)
	}
	v.munSel.SetSelectedIndex(i)
	m.b.settle()
	if v.panel == nil || v.panel.District != code {
		t.Fatalf("panel shows %v, want %s", v.panel, code)
	}
}

// TestBroadcastPanelScenario is the issue's «done when» on the demo region:
// Рославль is chosen by default (its stream is next), its problems and
// grouped questions show, five are shortlisted, reordered and annotated,
// the briefing is exported, and after the stream the unanswered ones become
// follow-ups in the inbox.
func TestBroadcastPanelScenario(t *testing.T) {
	m, core := newRealWindow(t, ThemeLight)
	ctx := context.Background()
	v := showBroadcast(t, m)
	p := v.panel
	if p.District != "roslavl" || v.munSel.Selected != "Рославльский район" || p.Broadcast == nil {
		t.Fatalf("default district %q (%q), broadcast %v", p.District, v.munSel.Selected, p.Broadcast)
	}
	if !strings.HasPrefix(v.airLabel.Text, "Эфир: 7 декабря") {
		t.Errorf("air label %q", v.airLabel.Text)
	}
	if len(v.groupBtns) != min(len(p.Groups), groupsShown) || len(p.Groups) < 5 || len(v.cats.Objects) < 5 || len(v.summary.Objects) != 4 {
		t.Fatalf("%d group buttons for %d groups, %d category rows", len(v.groupBtns), len(p.Groups), len(v.cats.Objects))
	}
	if len(v.annBtns) != len(p.Announcement) || len(p.Announcement) < 20 {
		t.Errorf("%d announcement questions, %d buttons", len(p.Announcement), len(v.annBtns))
	}
	if v.groupsTab.Text != "Вопросы · 40" && !strings.HasPrefix(v.groupsTab.Text, "Вопросы · ") {
		t.Errorf("groups tab %q", v.groupsTab.Text)
	}

	// Another municipality without a planned stream: nothing can be shortlisted.
	v.pickDistrict(t, m, "vyazma")
	if v.panel.Broadcast != nil || v.airLabel.Text != "Эфир не запланирован" {
		t.Errorf("Вязьма: broadcast %v, label %q", v.panel.Broadcast, v.airLabel.Text)
	}
	for _, b := range v.groupBtns {
		if !b.Disabled() {
			t.Fatal("«В шорт-лист» is enabled with no stream planned")
		}
	}
	v.pickDistrict(t, m, "roslavl")

	// Pick five: four groups and one question from under the announcement.
	for i := 0; i < 4; i++ {
		test.Tap(v.groupBtns[i])
		m.b.settle()
	}
	test.Tap(v.annBtns[0])
	m.b.settle()
	if len(v.panel.Shortlist) != 5 || len(v.rows) != 5 || v.shortTab.Text != "Шорт-лист · 5" {
		t.Fatalf("shortlist %d rows %d tab %q", len(v.panel.Shortlist), len(v.rows), v.shortTab.Text)
	}
	if !v.groupBtns[0].Disabled() || v.groupBtns[0].Text != "В шорт-листе" || v.groupBtns[4].Disabled() {
		t.Error("the group buttons do not show what is shortlisted")
	}
	bid := v.panel.Broadcast.ID
	first, last := v.panel.Shortlist[0].ID, v.panel.Shortlist[4].ID

	// Reorder: the announcement question to the top, in two steps of ↑ and one jump.
	test.Tap(v.rows[4].up)
	m.b.settle()
	test.Tap(v.rows[3].up)
	m.b.settle()
	if got := v.panel.Shortlist[2].ID; got != last {
		t.Fatalf("after ↑↑ the third item is %d, want %d", got, last)
	}
	test.Tap(v.rows[0].down)
	m.b.settle()
	if v.panel.Shortlist[1].ID != first || !v.rows[0].up.Disabled() || !v.rows[4].down.Disabled() {
		t.Errorf("after ↓ the order is %v", v.panel.Shortlist)
	}

	// The agency and a note, typed in the item's dialog, are saved at once.
	test.Tap(v.rows[0].edit)
	test.Type(v.editing.agency, "Министерство транспорта")
	test.Type(v.editing.note, "Ремонт в плане на 2027 год")
	v.editing.form.Submit()
	m.b.settle()
	dir := t.TempDir()
	var asked []string
	v.savePath = func(format, name string, done func(string)) {
		asked = append(asked, name)
		done(filepath.Join(dir, "brief."+format))
	}
	v.pseudo.SetChecked(true)
	for _, b := range v.exportBtns {
		test.Tap(b)
		m.b.settle()
	}
	if len(asked) != 3 || asked[0] != "Эфир — Рославльский район — 07.12.2026.pdf" {
		t.Errorf("save dialog names %q", asked)
	}
	if !strings.Contains(v.status.Text, "brief.html") || v.errLabel.Visible() {
		t.Errorf("status %q, error %q", v.status.Text, v.errLabel.Text)
	}
	for ext, magic := range map[string]string{"pdf": "%PDF-", "docx": "PK", "html": "<!DOCTYPE html>"} {
		b, err := os.ReadFile(filepath.Join(dir, "brief."+ext))
		if err != nil || !strings.HasPrefix(string(b), magic) {
			t.Errorf("brief.%s: %v, starts %.12q", ext, err, b)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "brief.html"))
	if !strings.Contains(string(html), "Министерство транспорта") || !strings.Contains(string(html), "Ремонт в плане на 2027 год") {
		t.Error("the exported briefing lacks the typed agency and note")
	}
	stored, err := core.Shortlist(ctx, bid)
	if err != nil || stored[0].Agency != "Министерство транспорта" || stored[0].Note != "Ремонт в плане на 2027 год" {
		t.Fatalf("stored shortlist %+v, %v", stored, err)
	}

	// After the stream: two answered on air, three follow-ups.
	test.Tap(v.rows[0].answered)
	test.Tap(v.rows[2].answered)
	test.Tap(v.complete)
	m.b.settle()
	if !strings.Contains(v.errLabel.Text, "ответственного") {
		t.Errorf("no owner: error %q", v.errLabel.Text)
	}
	test.Type(v.owner, "Сергей Волков")
	v.due.SetText("10.12.2026")
	test.Tap(v.complete)
	m.b.settle()
	if !strings.Contains(v.status.Text, "отвечено в эфире — 2, создано 3 поручения") {
		t.Fatalf("status %q, error %q", v.status.Text, v.errLabel.Text)
	}
	page, err := core.Inbox(ctx, app.FollowUpQuery(), data.Cursor{}, 500)
	if err != nil || len(page.Items) < 3 {
		t.Fatalf("inbox follow-ups %d, %v", len(page.Items), err)
	}
	for _, msg := range page.Items {
		if msg.Assignee != "Сергей Волков" || msg.AnswerDue.In(msk).Format("02.01.2006 15:04") != "10.12.2026 18:00" {
			t.Errorf("follow-up %d: %q due %v", msg.ID, msg.Assignee, msg.AnswerDue)
		}
	}
	// The panel now lists them as follow-ups and has no planned stream.
	if v.panel.Broadcast != nil || len(v.panel.FollowUps) != 3 || len(v.followUps.Objects) != 4 {
		t.Errorf("after the stream: broadcast %v, %d follow-ups, %d rows", v.panel.Broadcast, len(v.panel.FollowUps), len(v.followUps.Objects))
	}
}

func TestBroadcastPeriodAndPlanning(t *testing.T) {
	m, _ := newRealWindow(t, ThemeLight)
	v := showBroadcast(t, m)
	total30 := v.panel.Total
	v.periodSel.SetSelectedIndex(2)
	m.b.settle()
	if v.panel.To.Sub(v.panel.From) != 90*24*time.Hour || v.panel.Total <= total30 {
		t.Errorf("90 days: %v – %v, total %d (30 days: %d)", v.panel.From, v.panel.To, v.panel.Total, total30)
	}
	v.pickDistrict(t, m, "gagarin")
	if v.panel.Broadcast != nil || len(v.rows) != 0 {
		t.Fatal("Гагарин has a planned stream in the demo")
	}
	v.planDate.SetText("31.02.2026")
	v.plan()
	m.b.settle()
	if !strings.Contains(v.errLabel.Text, "ДД.ММ.ГГГГ") {
		t.Errorf("bad date: %q", v.errLabel.Text)
	}
	v.planDate.SetText("15.12.2026")
	v.plan()
	m.b.settle()
	if v.panel.Broadcast == nil || v.panel.Broadcast.PlannedAt.In(msk).Format("02.01.2006 15:04") != "15.12.2026 12:00" {
		t.Fatalf("planned %v", v.panel.Broadcast)
	}
	if v.groupBtns[0].Disabled() {
		t.Error("«В шорт-лист» stays disabled after planning")
	}
}

// TestGoldenBroadcast renders the panel for Рославль on the demo region,
// alone in a window, so the other sections' changes do not touch it.
func TestGoldenBroadcast(t *testing.T) {
	for _, th := range []string{ThemeLight, ThemeDark} {
		t.Run(th, func(t *testing.T) {
			ta := test.NewTempApp(t)
			if err := SetLanguage(LangRussian); err != nil {
				t.Fatal(err)
			}
			ta.Settings().SetTheme(newAppTheme(th))
			core, err := app.Open(context.Background(), app.Options{DBPath: demoStore(t), Now: func() time.Time { return realNow }})
			if err != nil {
				t.Fatal(err)
			}
			defer core.Close()
			b := newBridge()
			b.serial = true
			defer b.close()
			w := ta.NewWindow("Эфир")
			v := newBroadcastView(core, b, func() time.Time { return realNow }, w)
			w.SetContent(v.content)
			w.Resize(fyne.NewSize(1240, 700))
			v.start()
			b.settle()
			if v.panel == nil {
				t.Fatal("the panel did not load")
			}
			test.AssertImageMatches(t, "broadcast_"+th+".png", w.Canvas().Capture())
		})
	}
}

// TestScreenshotsBroadcast writes docs/screenshots/broadcast-*.png at a
// laptop's 1366×768: the panel, the shortlist with five questions, and the
// exported PDF's pages (pdftoppm) so the document can be looked at too.
func TestScreenshotsBroadcast(t *testing.T) {
	dir := screenshotsDir(t)
	m, _ := newRealWindow(t, ThemeLight)
	m.Window.Resize(fyne.NewSize(1366, 768))
	save := saveFrame(t, dir, m)
	v := showBroadcast(t, m)
	save("broadcast-panel")
	for i := 0; i < 4; i++ {
		test.Tap(v.groupBtns[i])
		m.b.settle()
	}
	test.Tap(v.annBtns[0])
	m.b.settle()
	v.tabs.Select(v.announceTab)
	save("broadcast-announcement")
	v.tabs.Select(v.shortTab)
	m.b.settle()
	test.Tap(v.rows[0].edit)
	test.Type(v.editing.agency, "Министерство транспорта и дорожного хозяйства")
	test.Type(v.editing.note, "Ремонт моста на улице Ленина включён в региональную программу на 2027 год; временный пешеходный переход откроют до 20 декабря.")
	save("broadcast-edit")
	v.editing.form.Submit()
	save("broadcast-shortlist")
	out := filepath.Join(t.TempDir(), "brief")
	v.savePath = func(format, _ string, done func(string)) { done(out + "." + format) }
	for _, b := range v.exportBtns {
		test.Tap(b)
		m.b.settle()
	}
	for _, f := range []string{"pdf", "docx", "html"} {
		if _, err := os.Stat(out + "." + f); err != nil {
			t.Fatal(err)
		}
	}
	// The briefing's first two pages, as the governor's office will read them.
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed: the PDF pages were not rendered")
	}
	if b, err := exec.Command("pdftoppm", "-r", "80", "-f", "1", "-l", "2", "-png", out+".pdf", filepath.Join(dir, "broadcast-pdf")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
}
