package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// templatesSection is Настройки → «Шаблоны ответов»: the saved replies the
// reply composer offers. The templates are listed on the left by name and
// first line; on the right is the one being edited — name, topic and text,
// with the variables a click away — beside a preview filled in for a
// sample message and the networks' length limits. What would stop a save
// (an empty name, a word in braces that is no variable) shows under the
// editor as it is typed; only leaving unsaved edits and deleting ask.
type templatesSection struct {
	m *MainWindow

	all       []data.Template // as the core listed them
	editing   data.Template   // what the editor started from; ID 0 is a new template
	filling   bool            // code, not the user, is filling the editor
	cursorSet bool            // the operator has been in the text since the editor was filled
	syncing   bool            // code, not the user, is selecting in the list
	opened    bool            // the first load opened a template
	saveErr   error           // the core's refusal of the last save, until the next edit
	sample    data.Message    // the message the preview is filled for
	place     string          // its municipality's name

	list     *widget.List
	empty    *widget.Label
	newBtn   *widget.Button
	name     *widget.Entry
	category *widget.Select
	text     *templateEntry
	vars     []*widget.Button
	errLabel *widget.Label
	preview  *widget.Label
	length   *widget.Label
	about    *widget.Label // the sample message under the preview
	varsHint *widget.Label // what each variable becomes, for the sample
	saveBtn  *widget.Button
	dupBtn   *widget.Button
	delBtn   *widget.Button
	note     *widget.Label
	ask      *dialog.ConfirmDialog // the open «discard?» or «delete?» question, for tests

	content fyne.CanvasObject
}

func newTemplatesSection(m *MainWindow) *templatesSection {
	s := &templatesSection{m: m}
	s.sample = data.Message{AuthorName: T("templates.sample_author"), Platform: data.VK}
	if muns := m.inbox.muns; len(muns) > 0 {
		s.sample.District, s.place = muns[0].Code, muns[0].Name
	}

	s.list = widget.NewList(func() int { return len(s.all) }, newTemplateRow, s.updateRow)
	s.list.OnSelected = s.listSelected
	s.empty = muted(T("templates.none"))
	s.empty.Hide()
	s.newBtn = widget.NewButtonWithIcon(T("templates.new"), theme.ContentAddIcon(), s.newTemplate)

	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(T("templates.name_placeholder"))
	s.name.OnChanged = func(string) { s.changed() }
	cats := []string{T("templates.any_category")}
	for _, c := range m.inbox.cats {
		cats = append(cats, m.inbox.catName(c.Code))
	}
	s.category = widget.NewSelect(cats, func(string) { s.changed() })
	s.text = newTemplateEntry(func() { s.cursorSet = true })
	s.text.SetMinRowsVisible(8)
	s.text.SetPlaceHolder(T("templates.text_placeholder"))
	s.text.OnChanged = func(string) { s.changed() }
	insert := []fyne.CanvasObject{widget.NewLabel(T("templates.insert"))}
	for _, v := range app.TemplateVars {
		b := widget.NewButton(v, func() { s.insertVar(v) })
		s.vars = append(s.vars, b)
		insert = append(insert, b)
	}
	s.varsHint = muted("")
	s.errLabel = widget.NewLabel("")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()
	s.preview = widget.NewLabel("")
	s.preview.Wrapping = fyne.TextWrapWord
	s.length = widget.NewLabel("")
	s.length.Wrapping = fyne.TextWrapWord
	s.saveBtn = widget.NewButtonWithIcon(T("templates.save"), theme.DocumentSaveIcon(), s.save)
	s.saveBtn.Importance = widget.HighImportance
	s.dupBtn = widget.NewButtonWithIcon(T("templates.duplicate"), theme.ContentCopyIcon(), s.duplicate)
	s.delBtn = widget.NewButtonWithIcon(T("templates.delete"), theme.DeleteIcon(), s.confirmDelete)
	s.delBtn.Importance = widget.DangerImportance
	s.note = widget.NewLabel("")
	s.note.Importance = widget.LowImportance
	s.note.Wrapping = fyne.TextWrapWord

	s.about = muted("")
	s.setSampleDue()

	intro := widget.NewLabel(T("templates.intro"))
	intro.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(T("templates.name"), s.name),
		&widget.FormItem{Text: T("templates.category"), Widget: s.category, HintText: T("templates.category_hint")},
	)
	textCol := container.NewBorder(section(T("templates.text")),
		container.NewVBox(container.NewHBox(insert...), s.varsHint), nil, nil, s.text)
	pv := container.NewVScroll(s.preview)
	pv.SetMinSize(fyne.NewSize(0, 120))
	previewCol := container.NewBorder(section(T("templates.preview")), container.NewVBox(s.about, s.length),
		nil, nil, card(pv))
	buttons := container.NewHBox(s.saveBtn, s.dupBtn, layout.NewSpacer(), s.delBtn)
	editor := container.NewVBox(form, container.NewGridWithColumns(2, textCol, previewCol), s.errLabel, buttons, s.note)
	left := container.NewBorder(container.NewVBox(s.newBtn), nil, nil, nil, container.NewStack(s.list, s.empty))
	s.content = container.NewVBox(subheading(T("templates.title")), intro,
		container.NewBorder(nil, nil, container.New(fixedWidth(300), left), nil, editor))
	s.update()
	return s
}

// templateEntry is the template's text. It notes when the operator goes
// into it, so that a variable button types at their cursor, and at the end
// of a template just opened.
type templateEntry struct {
	widget.Entry
	onFocus func()
}

func newTemplateEntry(onFocus func()) *templateEntry {
	e := &templateEntry{onFocus: onFocus}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

func (e *templateEntry) FocusGained() {
	e.Entry.FocusGained()
	e.onFocus()
}

// varAbout says what a variable becomes: the name with two examples of
// address, the others as filled for the sample message the preview shows.
func (s *templatesSection) varAbout(v string) string {
	example := func() map[string]any {
		return map[string]any{"Example": strings.TrimSpace(s.m.core.FillTemplate(v, s.sample))}
	}
	switch v {
	case app.VarName:
		return T("templates.var_name")
	case app.VarDistrict:
		return Tf("templates.var_district", example())
	case app.VarDate:
		return Tf("templates.var_date", example())
	}
	return ""
}

// networkLimit is «Telegram — до 4096»: how long a reply the network takes.
func networkLimit(p data.Platform) string {
	return Tf("templates.limit", map[string]any{"Network": platformLabel(p), "Max": formatInt(app.ReplyLimitFor(p).Max)})
}

// newTemplateRow is a list line: the name, and the text's first line under it.
func newTemplateRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	line := widget.NewLabel("")
	line.Truncation = fyne.TextTruncateEllipsis
	line.Importance = widget.LowImportance
	return container.New(&tightVBox{}, name, line)
}

func (s *templatesSection) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(s.all) {
		return
	}
	box := o.(*fyne.Container)
	box.Objects[0].(*widget.Label).SetText(s.all[i].Name)
	line := box.Objects[1].(*widget.Label)
	// Muted text vanishes on the selection's tint: the open one's is plain.
	line.Importance = widget.LowImportance
	if s.all[i].ID == s.editing.ID {
		line.Importance = widget.MediumImportance
	}
	line.Text = firstLine(s.all[i].Text, 120)
	line.Refresh()
}

// setSampleDue gives the sample message an answer due in three days from
// now, and names it under the preview.
func (s *templatesSection) setSampleDue() {
	s.sample.AnswerDue = s.m.opts.Now().Add(3 * 24 * time.Hour)
	s.about.SetText(Tf("templates.sample", map[string]any{"Author": s.sample.AuthorName, "Place": s.place,
		"Date": app.RussianDate(s.sample.AnswerDue)}))
	about := make([]string, 0, len(app.TemplateVars))
	for _, v := range app.TemplateVars {
		about = append(about, v+" — "+s.varAbout(v))
	}
	s.varsHint.SetText(strings.Join(about, "; ") + ".")
}

// reload reads the templates off the UI goroutine; the sample's deadline
// moves with the clock.
func (s *templatesSection) reload() {
	s.setSampleDue()
	async(s.m.b, func(ctx context.Context) ([]data.Template, error) { return s.m.core.Templates(ctx) },
		func(ts []data.Template, err error) {
			if err != nil {
				s.say(err.Error(), widget.DangerImportance)
				return
			}
			s.setList(ts)
		})
}

// setList shows the templates. The editor keeps unsaved edits; otherwise
// it follows the store: the template it shows as stored now, or the first
// one when that is gone or nothing was open yet.
func (s *templatesSection) setList(ts []data.Template) {
	s.all = ts
	s.empty.Hidden = len(ts) > 0
	s.list.Refresh()
	s.empty.Refresh()
	if !s.unsaved() {
		i := s.indexOf(s.editing.ID)
		switch {
		case s.editing.ID != 0 && i >= 0:
			if ts[i] != s.editing {
				s.fill(ts[i]) // changed elsewhere
			}
		case (s.editing.ID != 0 || !s.opened) && len(ts) > 0:
			s.fill(ts[0])
		case s.editing.ID != 0:
			s.fill(data.Template{})
		}
		s.opened = true
	}
	s.markList()
	s.update() // a name the list now has is taken
}

func (s *templatesSection) indexOf(id int64) int {
	for i, t := range s.all {
		if id != 0 && t.ID == id {
			return i
		}
	}
	return -1
}

// markList selects the edited template in the list without acting on it.
func (s *templatesSection) markList() {
	s.syncing = true
	defer func() { s.syncing = false }()
	if i := s.indexOf(s.editing.ID); i >= 0 {
		s.list.Select(i)
		return
	}
	s.list.UnselectAll()
}

func (s *templatesSection) listSelected(i widget.ListItemID) {
	if s.syncing || i < 0 || i >= len(s.all) {
		return
	}
	t := s.all[i]
	if t.ID == s.editing.ID && !s.unsaved() {
		return
	}
	s.guard(func() { s.fill(t) })
}

// guard runs next, asking first when the editor holds unsaved edits.
func (s *templatesSection) guard(next func()) {
	if !s.unsaved() {
		next()
		return
	}
	name := s.current().Name
	if name == "" {
		name = T("templates.unnamed")
	}
	s.ask = dialog.NewConfirm(T("templates.discard_title"), Tf("templates.discard_body", map[string]any{"Name": name}),
		func(ok bool) {
			s.ask = nil
			if ok {
				next()
				return
			}
			s.markList() // the list goes back to the template still being edited
		}, s.m.Window)
	s.ask.SetConfirmText(T("templates.discard_ok"))
	s.ask.SetConfirmImportance(widget.DangerImportance)
	s.ask.Show()
}

// fill opens t in the editor; a zero t is a new, empty template.
func (s *templatesSection) fill(t data.Template) {
	s.editing = t
	s.fillFields(t)
	s.markList()
}

func (s *templatesSection) fillFields(t data.Template) {
	s.filling = true
	s.name.SetText(t.Name)
	s.category.SetSelectedIndex(0)
	for i, c := range s.m.inbox.cats {
		if c.Code == t.Category {
			s.category.SetSelectedIndex(i + 1)
		}
	}
	if t.Category != "" && s.category.SelectedIndex() == 0 {
		// A topic the rubricator no longer has: kept, not widened to any.
		s.category.Options = append(s.category.Options[:len(s.m.inbox.cats)+1], t.Category)
		s.category.SetSelectedIndex(len(s.category.Options) - 1)
	}
	s.text.SetText(t.Text)
	s.filling, s.cursorSet, s.saveErr = false, false, nil
	s.update()
}

// current is the template as the editor shows it, trimmed as it is saved.
func (s *templatesSection) current() data.Template {
	t := data.Template{ID: s.editing.ID, Name: strings.TrimSpace(s.name.Text), Text: strings.TrimSpace(s.text.Text)}
	switch i := s.category.SelectedIndex(); {
	case i > 0 && i <= len(s.m.inbox.cats):
		t.Category = s.m.inbox.cats[i-1].Code
	case i > len(s.m.inbox.cats):
		t.Category = s.category.Options[i]
	}
	return t
}

// unsaved reports edits the store does not have: anything written in a
// new template, any change to a stored one.
func (s *templatesSection) unsaved() bool {
	cur := s.current()
	if s.editing.ID == 0 {
		return cur.Name != "" || cur.Text != ""
	}
	return cur != s.editing
}

// problem is what stops the editor's template from being saved: the core's
// own check, and a name another template has.
func (s *templatesSection) problem() error {
	cur := s.current()
	if err := app.CheckTemplate(cur); err != nil {
		return err
	}
	for _, o := range s.all {
		if o.ID != cur.ID && strings.EqualFold(o.Name, cur.Name) {
			return app.ErrTemplateNameTaken
		}
	}
	return nil
}

func (s *templatesSection) changed() {
	if s.filling {
		return
	}
	s.note.SetText("")
	s.saveErr = nil
	s.update()
}

// update fills the preview and the length, shows what stops a save and
// enables the buttons.
func (s *templatesSection) update() {
	cur := s.current()
	filled := strings.TrimSpace(s.m.core.FillTemplate(cur.Text, s.sample))
	if filled == "" {
		s.preview.Importance = widget.LowImportance
		s.preview.SetText(T("templates.preview_empty"))
	} else {
		s.preview.Importance = widget.MediumImportance
		s.preview.SetText(filled)
	}
	var all, over []string
	for _, p := range data.Platforms {
		all = append(all, networkLimit(p))
		if lim := app.ReplyLimitFor(p); lim.Length(filled) > lim.Max {
			over = append(over, networkLimit(p))
		}
	}
	length := TN("templates.chars", app.ReplyLimitFor(data.VK).Length(filled))
	before := s.length.Text
	if len(over) > 0 {
		s.length.Importance = widget.WarningImportance
		s.length.SetText(Tf("templates.too_long", map[string]any{"Length": length, "Networks": strings.Join(over, ", ")}))
	} else {
		s.length.Importance = widget.LowImportance
		s.length.SetText(Tf("templates.fits", map[string]any{"Length": length, "Limits": strings.Join(all, ", ")}))
	}

	unsaved := s.unsaved()
	err := s.problem()
	// A new template nobody has typed in yet is not wrong, only empty.
	problem := ""
	switch {
	case err != nil && unsaved:
		problem = templateProblem(err)
	case s.saveErr != nil:
		problem = templateProblem(s.saveErr)
	}
	s.showProblem(problem, s.length.Text != before)
	enable(s.saveBtn, unsaved && err == nil)
	enable(s.dupBtn, s.editing.ID != 0)
	enable(s.delBtn, s.editing.ID != 0)
}

// showProblem shows text under the editor, or hides the line when text is
// empty. The section is laid out again when its height may have changed.
func (s *templatesSection) showProblem(text string, moved bool) {
	if text == s.errLabel.Text && (text == "") == s.errLabel.Hidden && !moved {
		return
	}
	s.errLabel.SetText(text)
	s.errLabel.Hidden = text == ""
	s.errLabel.Refresh()
	// Like the accounts above: the sections below move at once, not at the
	// next scroll.
	if s.m.settings != nil {
		if body, ok := s.m.settings.content.(*container.Scroll); ok {
			body.Refresh()
			relayout(body.Content)
			return
		}
	}
	relayout(s.content)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// templateProblem says in the UI's words why a template cannot be saved.
func templateProblem(err error) string {
	var uv *app.UnknownVarsError
	switch {
	case errors.Is(err, app.ErrTemplateNoName):
		return T("templates.err_no_name")
	case errors.Is(err, app.ErrTemplateNoText):
		return T("templates.err_no_text")
	case errors.Is(err, app.ErrTemplateNameTaken):
		return T("templates.err_name_taken")
	case errors.Is(err, app.ErrTemplateBrace):
		return T("templates.err_brace")
	case errors.As(err, &uv):
		msg := TN("templates.err_unknown", len(uv.Vars), map[string]any{
			"Vars": strings.Join(uv.Vars, ", "), "Known": strings.Join(app.TemplateVars, ", ")})
		for _, v := range uv.Vars {
			if known := app.SuggestVar(v); known != "" {
				return msg + " " + Tf("templates.err_suggest", map[string]any{"Var": v, "Known": known})
			}
		}
		return msg
	}
	return Tf("templates.err_save", map[string]any{"Error": err.Error()})
}

// insertVar types v at the text's cursor, or at the end when the operator
// has not been in the text since the template was opened.
func (s *templatesSection) insertVar(v string) {
	if !s.cursorSet {
		s.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageDown})
	}
	for _, r := range v {
		s.text.TypedRune(r)
	}
	s.m.Window.Canvas().Focus(s.text)
}

// newTemplate opens an empty editor.
func (s *templatesSection) newTemplate() {
	s.guard(func() {
		s.fill(data.Template{})
		s.note.SetText("")
		s.m.Window.Canvas().Focus(s.name)
	})
}

// duplicate opens an unsaved copy of what the editor shows, under a name
// no template has, with the name selected for retyping.
func (s *templatesSection) duplicate() {
	cur := s.current()
	cur.ID, cur.Name = 0, s.copyName(cur.Name)
	s.editing = data.Template{}
	s.fillFields(cur)
	s.markList()
	s.say(T("templates.copy_note"), widget.LowImportance)
	s.m.Window.Canvas().Focus(s.name)
	s.name.TypedShortcut(&fyne.ShortcutSelectAll{})
}

func (s *templatesSection) copyName(name string) string {
	taken := func(n string) bool {
		for _, t := range s.all {
			if strings.EqualFold(t.Name, n) {
				return true
			}
		}
		return false
	}
	out := Tf("templates.copy_name", map[string]any{"Name": name})
	for n := 2; taken(out); n++ {
		out = Tf("templates.copy_name_n", map[string]any{"Name": name, "N": n})
	}
	return out
}

// save stores the editor's template; the composer lists it the next time
// it opens.
func (s *templatesSection) save() {
	t := s.current()
	if err := s.problem(); err != nil {
		s.showProblem(templateProblem(err), false)
		return
	}
	s.saveBtn.Disable()
	async(s.m.b, func(ctx context.Context) (data.Template, error) {
		err := s.m.core.SaveTemplate(ctx, &t)
		return t, err
	}, func(t data.Template, err error) {
		if err != nil {
			s.saveErr = err
			s.update()
			s.reload() // a name taken meanwhile: the editor's own check sees it from now on
			return
		}
		s.editing = t
		s.update()
		s.say(Tf("templates.saved", map[string]any{"Name": t.Name}), widget.SuccessImportance)
		s.reload()
	})
}

// confirmDelete asks before deleting the template the editor opened.
func (s *templatesSection) confirmDelete() {
	t := s.editing
	if t.ID == 0 {
		return
	}
	s.ask = dialog.NewConfirm(T("templates.delete_title"), Tf("templates.delete_body", map[string]any{"Name": t.Name}),
		func(ok bool) {
			s.ask = nil
			if ok {
				s.delete(t)
			}
		}, s.m.Window)
	s.ask.SetConfirmText(T("templates.delete_ok"))
	s.ask.SetConfirmImportance(widget.DangerImportance)
	s.ask.Show()
}

func (s *templatesSection) delete(t data.Template) {
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.DeleteTemplate(ctx, t.ID) },
		func(_ struct{}, err error) {
			if err != nil {
				s.say(Tf("templates.err_delete", map[string]any{"Error": err.Error()}), widget.DangerImportance)
				return
			}
			if s.editing.ID == t.ID {
				s.fill(data.Template{})
				s.opened = false // open the first one left
			}
			s.say(Tf("templates.deleted", map[string]any{"Name": t.Name}), widget.LowImportance)
			s.reload()
		})
}

func (s *templatesSection) say(text string, imp widget.Importance) {
	s.note.Importance = imp
	s.note.SetText(text)
}
