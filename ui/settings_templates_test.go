package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"otklik/app"
	"otklik/data"
)

// showTemplates opens Настройки scrolled to «Шаблоны ответов».
func showTemplates(m *MainWindow) *templatesSection {
	m.ShowSettings()
	m.b.settle()
	s := m.settingsView()
	scroll := s.content.(*container.Scroll)
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(s.templates.content).Y - d.AbsolutePositionForObject(scroll.Content).Y
	scroll.ScrollToOffset(fyne.NewPos(0, y))
	return s.templates
}

// composerTemplates opens the reply composer on the first VK, Telegram or
// OK message of the inbox and lists the templates it offers.
func composerTemplates(t *testing.T, m *MainWindow) []string {
	t.Helper()
	m.ShowInbox()
	openFirst(t, m, false)
	m.inbox.openComposer()
	m.b.settle()
	c := m.inbox.composer
	if c == nil {
		t.Fatal("the composer did not open")
	}
	defer c.dlg.Hide()
	return slices.Clone(c.tplSel.Options)
}

func templateNames(fc *fakeCore) []string {
	ts, _ := fc.Templates(context.Background())
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestTemplatesCreateEditDeleteReachTheComposer(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	s := showTemplates(m)
	if s.list.Length() != len(fakeTemplates) || s.editing.ID != fakeTemplates[0].ID || s.name.Text != fakeTemplates[0].Name {
		t.Fatalf("opened with %d templates, editing %d %q", s.list.Length(), s.editing.ID, s.name.Text)
	}
	if !s.saveBtn.Disabled() || s.dupBtn.Disabled() || s.delBtn.Disabled() || !s.errLabel.Hidden {
		t.Errorf("a stored template unchanged: save disabled=%v, duplicate %v, delete %v, error %q",
			s.saveBtn.Disabled(), s.dupBtn.Disabled(), s.delBtn.Disabled(), s.errLabel.Text)
	}

	// Create.
	test.Tap(s.newBtn)
	if s.editing.ID != 0 || s.name.Text != "" || s.text.Text != "" || m.Window.Canvas().Focused() != s.name {
		t.Fatalf("new: editing %d %q, focus on %T", s.editing.ID, s.name.Text, m.Window.Canvas().Focused())
	}
	if !s.errLabel.Hidden || !s.saveBtn.Disabled() || !s.delBtn.Disabled() {
		t.Errorf("an untouched new template: error %q, save disabled=%v", s.errLabel.Text, s.saveBtn.Disabled())
	}
	test.Type(s.name, "Газ: перебои")
	if s.errLabel.Hidden || s.errLabel.Text != "Напишите текст ответа." {
		t.Errorf("no text: error %q", s.errLabel.Text)
	}
	test.Type(s.text, "Газовая служба {райнон} проверит ваш дом до ")
	if s.errLabel.Hidden || !strings.HasPrefix(s.errLabel.Text, "Неизвестная переменная {райнон} — ") || !s.saveBtn.Disabled() {
		t.Errorf("unknown variable: error %q, save disabled=%v", s.errLabel.Text, s.saveBtn.Disabled())
	}
	if !strings.Contains(s.preview.Text, "{райнон}") {
		t.Errorf("the preview hides the unknown variable: %q", s.preview.Text)
	}
	s.text.SetText("")
	m.Window.Canvas().Focus(s.text)
	test.Type(s.text, "Газовая служба проверит ваш дом до ")
	test.Tap(s.vars[2]) // {дата}, at the cursor
	test.Type(s.text, ".")
	s.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp}) // to the start
	test.Tap(s.vars[0])                                   // {имя}
	test.Type(s.text, ", здравствуйте! ")
	if want := "{имя}, здравствуйте! Газовая служба проверит ваш дом до {дата}."; s.text.Text != want {
		t.Fatalf("variables inserted: %q, want %q", s.text.Text, want)
	}
	if !s.errLabel.Hidden || s.saveBtn.Disabled() {
		t.Fatalf("a valid template: error %q, save disabled=%v", s.errLabel.Text, s.saveBtn.Disabled())
	}
	if !strings.HasPrefix(s.preview.Text, "Людмила, здравствуйте!") || strings.Contains(s.preview.Text, "{") {
		t.Errorf("preview: %q", s.preview.Text)
	}
	s.category.SetSelected("Газификация")
	test.Tap(s.saveBtn)
	m.b.settle()
	ts, _ := fc.Templates(context.Background())
	saved := ts[len(ts)-1]
	if saved.Name != "Газ: перебои" || saved.Category != "gas" || !strings.HasSuffix(saved.Text, "до {дата}.") {
		t.Fatalf("saved %+v", saved)
	}
	if s.editing != saved || s.list.Length() != len(ts) || !s.saveBtn.Disabled() || !strings.Contains(s.note.Text, "«Газ: перебои» сохранён") {
		t.Errorf("after save: editing %+v, %d in the list, note %q", s.editing, s.list.Length(), s.note.Text)
	}
	if got := composerTemplates(t, m); !slices.Contains(got, "Газ: перебои") {
		t.Fatalf("the composer offers %q, without the new template", got)
	}

	// Edit: a clash of names is refused inline, a new name reaches the composer.
	s = showTemplates(m)
	if s.editing.ID != saved.ID {
		t.Fatalf("settings reopened on %d, want %d", s.editing.ID, saved.ID)
	}
	s.name.SetText("жкх: ОТОПЛЕНИЕ")
	if s.errLabel.Text != T("templates.err_name_taken") || !s.saveBtn.Disabled() {
		t.Errorf("name clash: error %q, save disabled=%v", s.errLabel.Text, s.saveBtn.Disabled())
	}
	s.name.SetText("Газ: плановые работы")
	test.Tap(s.saveBtn)
	m.b.settle()
	if got := composerTemplates(t, m); !slices.Contains(got, "Газ: плановые работы") || slices.Contains(got, "Газ: перебои") {
		t.Fatalf("after renaming the composer offers %q", got)
	}

	// Unsaved edits: opening another template asks; «cancel» keeps them.
	s = showTemplates(m)
	s.text.SetText(s.text.Text + " Спасибо!")
	s.list.Select(0)
	if s.ask == nil || s.editing.ID != saved.ID {
		t.Fatalf("opening another with edits: asked=%v, editing %d", s.ask != nil, s.editing.ID)
	}
	s.ask.Hide()
	if sel := s.indexOf(saved.ID); !strings.HasSuffix(s.text.Text, "Спасибо!") || sel < 0 {
		t.Fatalf("cancel lost the edits: %q", s.text.Text)
	}
	s.list.Select(0)
	s.ask.Confirm()
	if s.editing.ID != fakeTemplates[0].ID || s.name.Text != fakeTemplates[0].Name {
		t.Fatalf("discard: editing %d %q", s.editing.ID, s.name.Text)
	}

	// Duplicate: an unsaved copy under a free name.
	test.Tap(s.dupBtn)
	if s.editing.ID != 0 || s.name.Text != fakeTemplates[0].Name+" — копия" || s.text.Text != fakeTemplates[0].Text || s.saveBtn.Disabled() {
		t.Fatalf("duplicate: editing %d %q, save disabled=%v", s.editing.ID, s.name.Text, s.saveBtn.Disabled())
	}
	if s.name.SelectedText() != s.name.Text {
		t.Errorf("the copy's name is not selected for retyping: %q", s.name.SelectedText())
	}
	test.Tap(s.saveBtn)
	m.b.settle()
	copyID := s.editing.ID
	if copyID == 0 || !slices.Contains(templateNames(fc), fakeTemplates[0].Name+" — копия") {
		t.Fatalf("the copy was not saved: %q", templateNames(fc))
	}
	s.list.Select(0)
	test.Tap(s.dupBtn)
	if s.name.Text != fakeTemplates[0].Name+" — копия 2" {
		t.Errorf("second copy named %q", s.name.Text)
	}

	// Delete the first copy: asked, then gone from the list and the composer.
	s.list.Select(s.indexOf(copyID))
	s.ask.Confirm() // the second copy was never saved
	if s.editing.ID != copyID {
		t.Fatalf("editing %d, want the copy %d", s.editing.ID, copyID)
	}
	test.Tap(s.delBtn)
	if s.ask == nil {
		t.Fatal("delete did not ask")
	}
	s.ask.Confirm()
	m.b.settle()
	if slices.Contains(templateNames(fc), fakeTemplates[0].Name+" — копия") || !slices.Contains(fc.Calls(), "DeleteTemplate "+itoa(copyID)) {
		t.Fatalf("after delete: %q, calls %v", templateNames(fc), fc.Calls())
	}
	if s.editing.ID != fakeTemplates[0].ID || s.list.Length() != len(templateNames(fc)) || !strings.Contains(s.note.Text, "удалён") {
		t.Errorf("after delete: editing %d, %d in the list, note %q", s.editing.ID, s.list.Length(), s.note.Text)
	}
	if got := composerTemplates(t, m); slices.Contains(got, fakeTemplates[0].Name+" — копия") {
		t.Errorf("the composer still offers the deleted template: %q", got)
	}
}

func TestTemplateEditorChecks(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	s := showTemplates(m)
	// A variable button with the cursor never placed appends at the end.
	test.Tap(s.vars[1])
	if s.text.Text != fakeTemplates[0].Text+"{район}" {
		t.Errorf("{район} not appended: %q", s.text.Text)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"", "Текст", "Напишите название — по нему шаблон выбирают в окне ответа."},
		{"Имя", "{Имя}, здравствуйте!", "Неизвестная переменная {Имя} — житель увидит её как есть. Доступны {имя}, {район}, {дата}. Может быть, {имя} вместо {Имя}?"},
		{"Два", "{адрес} и {улица}", "Неизвестные переменные {адрес}, {улица} — житель увидит их как есть. Доступны {имя}, {район}, {дата}."},
		{"Скобка", "Здравствуйте, {имя!", "Фигурная скобка без пары: переменная пишется целиком и в одной строке, например {имя}."},
	} {
		s.name.SetText(tc.name)
		s.text.SetText(tc.text)
		if s.errLabel.Hidden || s.errLabel.Text != tc.want || !s.saveBtn.Disabled() {
			t.Errorf("%q / %q: error hidden=%v %q, save disabled=%v; want %q",
				tc.name, tc.text, s.errLabel.Hidden, s.errLabel.Text, s.saveBtn.Disabled(), tc.want)
		}
	}
	// Length: fits everywhere, then too long for the shorter limits.
	s.name.SetText("Длинный")
	s.text.SetText("Спасибо!")
	if s.length.Text != "8 знаков после подстановки — помещается во все сети: ВКонтакте — до 16\u00a0384, Telegram — до 4096, Одноклассники — до 4096, «Решаем вместе» — до 4000." {
		t.Errorf("length: %q", s.length.Text)
	}
	s.text.SetText(strings.Repeat("Ответ по существу. ", 250))
	if !strings.Contains(s.length.Text, "не поместится: Telegram — до 4096, Одноклассники — до 4096, «Решаем вместе» — до 4000") ||
		strings.Contains(s.length.Text, "ВКонтакте") {
		t.Errorf("too long: %q", s.length.Text)
	}
	if s.saveBtn.Disabled() {
		t.Error("a long template is refused; it still fits ВКонтакте")
	}
}

// TestGoldenSettingsTemplates renders «Шаблоны ответов» with a template
// open and a misspelt variable being explained, in the light theme.
func TestGoldenSettingsTemplates(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	s := showTemplates(m)
	s.list.Select(1)
	s.text.SetText(strings.Replace(s.text.Text, "{дата}", "{Дата}", 1))
	test.AssertImageMatches(t, "settings_templates_light.png", m.Window.Canvas().Capture())
}

// TestScreenshotsTemplates writes settings-templates.png from a real core
// over the demo region at the laptop's 1366×768.
func TestScreenshotsTemplates(t *testing.T) {
	dir := screenshotsDir(t)
	m := newCoreWindow(t, test.NewTempApp(t), openDemoCore(t))
	save := saveFrame(t, dir, m)
	s := showTemplates(m)
	for i := 0; i < s.list.Length(); i++ {
		if strings.HasPrefix(s.all[i].Name, "ЖКХ") {
			s.list.Select(i)
		}
	}
	if s.editing.Category != "housing" {
		t.Fatalf("the demo has no housing template: editing %+v", s.editing)
	}
	save("settings-templates")
}

// TestTemplatesOnTheRealCore saves through app.App: its checks refuse what
// the editor shows as wrong, and the composer lists what it stored.
func TestTemplatesOnTheRealCore(t *testing.T) {
	core := openDemoCore(t)
	m := newCoreWindow(t, test.NewTempApp(t), core)
	s := showTemplates(m)
	stored, err := core.Templates(context.Background())
	if err != nil || len(stored) == 0 || s.list.Length() != len(stored) || s.editing != stored[0] {
		t.Fatalf("the demo's %d templates (%v): list %d, editing %+v", len(stored), err, s.list.Length(), s.editing)
	}
	// The variables' hint names what they become for the sample message
	// the preview is filled for, on the real core.
	date := app.RussianDate(s.sample.AnswerDue)
	if !strings.Contains(s.varsHint.Text, "«"+date+"»") || !strings.Contains(s.about.Text, date) {
		t.Errorf("hint %q and sample %q disagree on the date %s", s.varsHint.Text, s.about.Text, date)
	}
	if place := strings.TrimSpace(core.FillTemplate(app.VarDistrict, s.sample)); place == "" || !strings.Contains(s.varsHint.Text, "«"+place+"»") {
		t.Errorf("hint %q: no municipality «%s»", s.varsHint.Text, place)
	}
	test.Tap(s.newBtn)
	test.Type(s.name, "  Отопление: уточнить адрес  ")
	m.Window.Canvas().Focus(s.text)
	test.Type(s.text, "Здравствуйте, {имя}! Уточните адрес в {район}, пожалуйста.")
	test.Tap(s.saveBtn)
	m.b.settle()
	if !s.errLabel.Hidden {
		t.Fatalf("the core refused: %q", s.errLabel.Text)
	}
	stored, _ = core.Templates(context.Background())
	i := slices.IndexFunc(stored, func(x data.Template) bool { return x.Name == "Отопление: уточнить адрес" })
	if i < 0 || s.editing != stored[i] || s.list.Length() != len(stored) {
		t.Fatalf("stored %+v; editing %+v", stored, s.editing)
	}
	// The store sorts by name: the list follows it and keeps the new one selected.
	if got := s.indexOf(s.editing.ID); got != i {
		t.Errorf("the new template is row %d of the list, the store has it at %d", got, i)
	}
	if got := composerTemplates(t, m); !slices.Contains(got, "Отопление: уточнить адрес") {
		t.Fatalf("the composer offers %q", got)
	}
	// A name clash that only the store sees (another window added it) comes
	// back from the core as the same inline message.
	s = showTemplates(m)
	clash := data.Template{Name: "Ещё один", Text: "Спасибо!"}
	if err := core.SaveTemplate(context.Background(), &clash); err != nil {
		t.Fatal(err)
	}
	s.name.SetText("ещё ОДИН")
	test.Tap(s.saveBtn)
	m.b.settle()
	if s.errLabel.Hidden || s.errLabel.Text != T("templates.err_name_taken") {
		t.Errorf("clash from the core: %q", s.errLabel.Text)
	}
	s.name.SetText("ещё ОДИН ") // the next keystroke: the editor knows the clash now
	if s.errLabel.Hidden || s.errLabel.Text != T("templates.err_name_taken") || !s.saveBtn.Disabled() {
		t.Errorf("after the core's refusal: error %q, save disabled=%v", s.errLabel.Text, s.saveBtn.Disabled())
	}
}
