package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/app/demo"
	"otklik/app/notify"
	"otklik/app/sla"
	"otklik/data"
)

// demoNow is a fixed Wednesday afternoon in Smolensk for the real-core tests.
var demoNow = time.Date(2026, 11, 25, 15, 0, 0, 0, time.FixedZone("MSK", 3*3600))

// openDemoCore opens a real core on a temp store holding a small demo region.
func openDemoCore(t testing.TB) *app.App {
	t.Helper()
	core, err := app.Open(context.Background(), app.Options{
		DBPath: filepath.Join(t.TempDir(), "otklik.db"),
		Now:    func() time.Time { return demoNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	if _, err := core.SeedDemo(context.Background(), demo.Options{Seed: 5, Comments: 800, Now: demoNow}, nil); err != nil {
		t.Fatal(err)
	}
	return core
}

// newCoreWindow opens the main window over a real core, in Russian, with
// the core's clock. a may wrap a test app (trayApp).
func newCoreWindow(t testing.TB, a fyne.App, core Core, themeName ...string) *MainWindow {
	t.Helper()
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	a.Settings().SetTheme(newAppTheme(append(themeName, ThemeLight)[0]))
	m := NewMainWindow(a, core, Options{Now: func() time.Time { return demoNow }, Version: "0.1.0", serial: true})
	t.Cleanup(m.Close)
	m.Window.Resize(fyne.NewSize(1366, 768))
	m.b.settle()
	return m
}

// ruleRowFor finds the table row of the rule for platform and topic.
func ruleRowFor(t *testing.T, s *slaSettings, p data.Platform, category string) *ruleRow {
	t.Helper()
	for i, r := range s.m.core.Rules() {
		if r.Platform == p && r.Category == category {
			return s.rows[i]
		}
	}
	t.Fatalf("no rule for %q/%q", p, category)
	return nil
}

func retype(e fyne.Focusable, text string) {
	if en, ok := e.(interface{ SetText(string) }); ok {
		en.SetText("")
	}
	test.Type(e, text)
}

func TestSLASettingsSaveRecomputesDeadlines(t *testing.T) {
	core := openDemoCore(t)
	m := newCoreWindow(t, test.NewTempApp(t), core)
	m.ShowSettings()
	m.b.settle()
	s := m.settingsView().sla

	ctx := context.Background()
	page, err := core.Inbox(ctx, Query{Filter: data.Filter{Categories: []string{"roads"}, Platforms: []data.Platform{data.VK},
		Statuses: []data.Status{data.StatusNew}}}, data.Cursor{}, 1)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no open roads message in the demo: %v", err)
	}
	msg := page.Items[0]

	row := ruleRowFor(t, s, "", "roads")
	if got := row.answer.Text + " " + row.answerUnit.Selected; got != "5 рабочих дней" {
		t.Fatalf("roads answer shows %q, want the shipped «5 рабочих дней»", got)
	}
	retype(row.first, "1,5")
	retype(row.answer, "6")
	row.answerUnit.SetSelected("рабочих часов")
	test.Tap(s.saveBtn)
	m.b.settle()
	core.WaitRecompute()

	if !s.errLabel.Hidden {
		t.Fatalf("saving valid rules showed an error: %s", s.errLabel.Text)
	}
	if !strings.HasPrefix(s.note.Text, "Правила сохранены") {
		t.Errorf("note after saving: %q", s.note.Text)
	}
	rules := core.Rules()
	i := slices.IndexFunc(rules, func(r sla.Rule) bool { return r.Platform == "" && r.Category == "roads" })
	got := rules[i]
	if time.Duration(got.FirstResponse) != 90*time.Minute || time.Duration(got.Answer) != 6*time.Hour || got.AnswerUnit != sla.WorkingHours {
		t.Fatalf("the core's roads rule after saving: %+v", got)
	}
	if len(rules) != len(sla.DefaultRules()) {
		t.Errorf("saving changed the number of rules: %d", len(rules))
	}
	d, err := core.Detail(ctx, msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	clock := sla.NewClock(sla.DefaultCalendar(), sla.DefaultWorkHours(), sla.Moscow())
	wantFirst, wantAnswer := clock.Deadlines(rules, msg.Platform, msg.Category, msg.CreatedAt)
	if !d.Message.AnswerDue.Equal(wantAnswer) || !d.Message.FirstResponseDue.Equal(wantFirst) {
		t.Errorf("open message %d after saving: dues %v / %v, want %v / %v", msg.ID,
			d.Message.FirstResponseDue, d.Message.AnswerDue, wantFirst, wantAnswer)
	}
	if d.Message.AnswerDue.Equal(msg.AnswerDue) {
		t.Error("the open message's answer deadline did not move although its rule went from 5 days to 6 hours")
	}
	// The table shows what was stored, in the same words.
	row = ruleRowFor(t, s, "", "roads")
	if got := row.first.Text + "|" + row.answer.Text + "|" + row.answerUnit.Selected; got != "1,5|6|рабочих часов" {
		t.Errorf("table after saving: %q", got)
	}
}

func TestSLASettingsRejectsInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(s *slaSettings)
		want string
	}{
		{"letters for hours", func(s *slaSettings) { retype(s.rows[0].first, "четыре") },
			"Правило 1, «Первый ответ»: нужно число часов, например 4, 1,5 или 1:30"},
		{"fractional days", func(s *slaSettings) { retype(s.rows[1].answer, "2,5") },
			"Правило 2, «Ответ по существу»: нужно целое число дней, например 5"},
		{"seconds", func(s *slaSettings) { retype(s.rows[0].first, "0,001") },
			"Правило 1, «Первый ответ»: срок должен быть в целых минутах"},
		{"too long", func(s *slaSettings) { retype(s.rows[0].answer, "1200") },
			"Правило 1, «Ответ по существу»: не больше 1000 часов"},
		{"no deadline", func(s *slaSettings) { retype(s.rows[2].first, ""); retype(s.rows[2].answer, "") },
			"Правило 3: укажите хотя бы один срок"},
		{"duplicate", func(s *slaSettings) { s.rows[2].category.SetSelectedIndex(0) },
			"Правило 3 повторяет правило 1: та же площадка и та же тема."},
		{"no default", func(s *slaSettings) { test.Tap(s.rows[0].remove) },
			"Нужно общее правило"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, fc := newTestWindow(t, ThemeLight)
			m.ShowSettings()
			m.b.settle()
			s := m.settingsView().sla
			tc.edit(s)
			test.Tap(s.saveBtn)
			m.b.settle()
			if s.errLabel.Hidden || !strings.HasPrefix(s.errLabel.Text, tc.want) {
				t.Fatalf("error shown: %q (hidden %v), want it to start with %q", s.errLabel.Text, s.errLabel.Hidden, tc.want)
			}
			for _, c := range fc.Calls() {
				if strings.HasPrefix(c, "SetRules") {
					t.Fatalf("invalid rules reached the core: %s", c)
				}
			}
			if !s.dirty {
				t.Error("the user's edits were dropped after the error")
			}
		})
	}
}

func TestSLASettingsAddAndRestoreDefaults(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	m.ShowSettings()
	m.b.settle()
	s := m.settingsView().sla
	n := len(s.rows)
	test.Tap(s.addBtn)
	row := s.rows[n]
	row.platform.SetSelected(platformLabel(data.Telegram))
	row.category.SetSelected(m.inbox.catName("transport"))
	retype(row.first, "2")
	retype(row.answer, "1")
	row.answerUnit.SetSelected("рабочих дней")
	row.note.SetText("Транспорт в Telegram: жалобы на автобусы разбираем с перевозчиком за день.")
	test.Tap(s.saveBtn)
	m.b.settle()
	got := fc.Rules()
	if len(got) != n+1 {
		t.Fatalf("rules after adding one: %d, want %d", len(got), n+1)
	}
	want := sla.Rule{Platform: data.Telegram, Category: "transport", FirstResponse: sla.Duration(2 * time.Hour),
		Answer: sla.Duration(24 * time.Hour), AnswerUnit: sla.WorkingDays,
		Note: "Транспорт в Telegram: жалобы на автобусы разбираем с перевозчиком за день."}
	if got[n] != want {
		t.Fatalf("added rule: %+v, want %+v", got[n], want)
	}
	// The fixture's rubricator lacks «safety»: the rule keeps its topic.
	if s.rows[2].category.Selected != "«safety» — нет в рубрикаторе" || got[2].Category != "safety" {
		t.Errorf("unknown topic shown as %q, saved as %q", s.rows[2].category.Selected, got[2].Category)
	}

	s.confirmDefaults()
	confirmDialog(t, m.Window)
	m.b.settle()
	if got := fc.Rules(); len(got) != len(sla.DefaultRules()) || s.note.Text != T("sla.defaults_done") {
		t.Fatalf("after restoring defaults: %d rules, note %q", len(got), s.note.Text)
	}
	if len(s.rows) != len(sla.DefaultRules()) {
		t.Errorf("table shows %d rows after restoring, want %d", len(s.rows), len(sla.DefaultRules()))
	}
}

// confirmDialog taps the confirming button of the dialog on top of w.
func confirmDialog(t *testing.T, w fyne.Window) {
	t.Helper()
	overlay := w.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no dialog shown")
	}
	for _, o := range test.LaidOutObjects(overlay) {
		// The confirming button is the dialog's important one.
		if b, ok := o.(*widget.Button); ok && b.Importance == widget.HighImportance {
			test.Tap(b)
			return
		}
	}
	t.Fatal("no confirm button in the dialog")
}

func TestSLASettingsQuietHoursAndShare(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	m.ShowSettings()
	m.b.settle()
	s := m.settingsView().sla
	if s.quietOn.Checked || !s.quietFrom.Disabled() {
		t.Fatal("quiet hours must be off until the user sets them")
	}
	test.Tap(s.quietOn)
	m.b.settle()
	if s.quietFrom.Disabled() || s.quietFrom.Selected != "22:00" {
		t.Errorf("after turning quiet hours on: from %q, disabled %v", s.quietFrom.Selected, s.quietFrom.Disabled())
	}
	w, _ := fc.WatchSettings(context.Background())
	if w.QuietHours != (notify.QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}) {
		t.Fatalf("turning quiet hours on stored %+v, want 22:00–08:00", w.QuietHours)
	}
	s.quietFrom.SetSelected("23:30")
	s.quietTo.SetSelected("07:00")
	s.share.SetSelected(percent(30))
	m.b.settle()
	w, _ = fc.WatchSettings(context.Background())
	want := WatchSettings{QuietHours: notify.QuietHours{From: 23*time.Hour + 30*time.Minute, To: 7 * time.Hour}, SoonShare: 0.3}
	if w != want {
		t.Fatalf("stored %+v, want %+v", w, want)
	}
	if s.watchNote.Text != T("settings.saved") {
		t.Errorf("note: %q", s.watchNote.Text)
	}
	s.quietTo.SetSelected("23:30")
	m.b.settle()
	if got, _ := fc.WatchSettings(context.Background()); got != want || s.watchNote.Text != T("sla.quiet_same") {
		t.Errorf("equal start and end: stored %+v, note %q", got, s.watchNote.Text)
	}
	test.Tap(s.quietOn)
	m.b.settle()
	if got, _ := fc.WatchSettings(context.Background()); got.QuietHours != (notify.QuietHours{}) || got.SoonShare != 0.3 {
		t.Errorf("turning quiet hours off stored %+v", got)
	}

	// A new window reads what was saved.
	m2 := NewMainWindow(m.app, fc, Options{Now: fc.Now, serial: true})
	defer m2.Close()
	m2.settingsView().reload()
	m2.b.settle()
	if got := m2.settingsView().sla.share.Selected; got != percent(30) {
		t.Errorf("share after reopening: %q", got)
	}
}

func TestSLASettingsSnooze(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	m.ShowSettings()
	m.b.settle()
	s := m.settingsView().sla
	if s.snoozeBtn.Text != "Отложить на 1 час" {
		t.Fatalf("snooze button: %q", s.snoozeBtn.Text)
	}
	test.Tap(s.snoozeBtn)
	m.b.settle()
	until := fc.Now().Add(time.Hour)
	if w, _ := fc.WatchSettings(context.Background()); !w.SnoozedUntil.Equal(until) {
		t.Fatalf("snoozed until %v, want %v", w.SnoozedUntil, until)
	}
	if want := "Отложены до " + until.Format("15:04"); s.snoozeInfo.Text != want || s.snoozeBtn.Text != "Возобновить" {
		t.Errorf("after snoozing: %q / %q", s.snoozeInfo.Text, s.snoozeBtn.Text)
	}
	if want := "Уведомления отложены до " + until.Format("15:04") + " — возобновить"; m.tray.snooze.Label != want {
		t.Errorf("tray after snoozing in the settings: %q, want %q", m.tray.snooze.Label, want)
	}
	test.Tap(s.snoozeBtn)
	m.b.settle()
	if w, _ := fc.WatchSettings(context.Background()); !w.SnoozedUntil.IsZero() {
		t.Fatalf("resume left the snooze at %v", w.SnoozedUntil)
	}
}

func TestAmountRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		text string
		unit sla.Unit
		want time.Duration
		back string
	}{
		{"4", sla.WorkingHours, 4 * time.Hour, "4"},
		{"1,5", sla.WorkingHours, 90 * time.Minute, "1,5"},
		{"1.25", sla.WorkingHours, 75 * time.Minute, "1,25"},
		{"1:40", sla.WorkingHours, 100 * time.Minute, "1:40"},
		{" 0,5 ", sla.WorkingHours, 30 * time.Minute, "0,5"},
		{"", sla.WorkingHours, 0, ""},
		{"30", sla.CalendarDays, 30 * 24 * time.Hour, "30"},
		{"5", sla.WorkingDays, 5 * 24 * time.Hour, "5"},
	} {
		got, err := parseAmount(tc.text, tc.unit)
		if err != nil || time.Duration(got) != tc.want {
			t.Errorf("parseAmount(%q, %s) = %v, %v; want %v", tc.text, tc.unit, time.Duration(got), err, tc.want)
			continue
		}
		if back := formatAmount(got, tc.unit); back != tc.back {
			t.Errorf("formatAmount(%v, %s) = %q, want %q", tc.want, tc.unit, back, tc.back)
		}
	}
	for _, bad := range []struct {
		text string
		unit sla.Unit
	}{{"abc", sla.WorkingHours}, {"-1", sla.WorkingHours}, {"1:75", sla.WorkingHours}, {"1001", sla.WorkingHours},
		{"NaN", sla.WorkingHours}, {"1,5", sla.WorkingDays}, {"400", sla.CalendarDays}, {"-2", sla.WorkingDays}} {
		if d, err := parseAmount(bad.text, bad.unit); err == nil {
			t.Errorf("parseAmount(%q, %s) accepted as %v", bad.text, bad.unit, time.Duration(d))
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"4", "1,5", "1:30", "30", "", "абв", "1e9", "0,0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range slaUnits {
			d, err := parseAmount(s, u)
			if err != nil {
				continue
			}
			// Whatever is accepted is a valid amount for the core and reads back the same.
			r := sla.Rules{{Answer: d, AnswerUnit: u, FirstResponse: sla.Duration(time.Hour)}}
			if d == 0 {
				r[0].Answer, r[0].AnswerUnit = 0, ""
			}
			if err := r.Validate(); err != nil {
				t.Fatalf("parseAmount(%q, %s) = %v, which the core rejects: %v", s, u, time.Duration(d), err)
			}
			if back, err := parseAmount(formatAmount(d, u), u); err != nil || back != d {
				t.Fatalf("%q → %v → %q → %v, %v", s, time.Duration(d), formatAmount(d, u), time.Duration(back), err)
			}
		}
	})
}

func TestDeadlineLeft(t *testing.T) {
	now := demoNow
	for _, tc := range []struct {
		lang string
		due  time.Time
		want string
		late bool
	}{
		{LangRussian, now.Add(2 * time.Hour), "осталось 2 часа", false},
		{LangRussian, now.Add(-5 * time.Minute), "просрочено на 5 минут", true},
		{LangRussian, now.Add(21 * time.Minute), "осталась 21 минута", false},
		{LangRussian, now.Add(-(26*time.Hour + 30*time.Second)), "просрочено на 1 день 2 часа", true},
		{LangEnglish, now.Add(-3 * 24 * time.Hour), "overdue by 3 days", true},
		{LangRussian, time.Time{}, "", false},
	} {
		if err := SetLanguage(tc.lang); err != nil {
			t.Fatal(err)
		}
		got, late := deadlineLeft(now, tc.due)
		if got != tc.want || late != tc.late {
			t.Errorf("%s %v: got %q %v, want %q %v", tc.lang, tc.due.Sub(now), got, late, tc.want, tc.late)
		}
	}
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
}

func TestGoldenSettingsSLA(t *testing.T) {
	for _, th := range []string{ThemeLight, ThemeDark} {
		t.Run(th, func(t *testing.T) {
			m := newCoreWindow(t, test.NewTempApp(t), openDemoCore(t), th)
			m.ShowSettings()
			m.b.settle()
			m.settingsView().scrollToSLA()
			test.AssertImageMatches(t, "settings_sla_"+th+".png", m.Window.Canvas().Capture())
		})
	}
}

// scrollToSLA scrolls the settings so «Сроки ответа» is at the top.
func (s *settingsView) scrollToSLA() {
	scroll := s.content.(*container.Scroll)
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(s.sla.content).Y - d.AbsolutePositionForObject(scroll.Content).Y
	scroll.ScrollToOffset(fyne.NewPos(0, y))
}
