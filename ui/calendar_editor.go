package ui

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/app/plan"
	"otklik/data"
)

// calendarEditor is the dialog of one item: what, where and when on the
// left, the text with its live-language check on the right, the workflow
// buttons allowed from the current status at the bottom.
type calendarEditor struct {
	v    *calendarView
	item data.CalendarItem
	dlg  *dialog.CustomDialog

	title    *widget.Entry
	text     *widget.Entry
	kind     *widget.Select
	account  *widget.Select
	district *widget.Select
	date     *widget.Entry
	clock    *widget.Entry
	status   *chip
	approver *widget.Label
	flow     *fyne.Container
	score    *chip
	verdict  *widget.Label
	preview  *widget.RichText
	findings *fyne.Container
	errLabel *widget.Label

	save, duplicate, remove, earlier, later *widget.Button
	flowButtons                             map[string]*widget.Button

	munis []Municipality
	check plan.TextReport
}

func newCalendarEditor(v *calendarView, it data.CalendarItem) *calendarEditor {
	e := &calendarEditor{v: v, item: it, munis: municipalitiesOf(v.core), flowButtons: map[string]*widget.Button{}}
	e.title = widget.NewEntry()
	e.title.SetPlaceHolder(T("calendar.f.title_hint"))
	e.text = widget.NewMultiLineEntry()
	e.text.Wrapping = fyne.TextWrapWord
	e.text.SetMinRowsVisible(7)
	e.text.SetPlaceHolder(T("calendar.f.text_hint"))
	e.text.OnChanged = e.recheck

	kinds := make([]string, len(app.CalendarKinds))
	for i, k := range app.CalendarKinds {
		kinds[i] = T("calendar.kind." + k)
	}
	e.kind = widget.NewSelect(kinds, nil)
	var accs []string
	for _, a := range v.accounts {
		accs = append(accs, calAccountLabel(a))
	}
	e.account = widget.NewSelect(accs, nil)
	places := []string{T("calendar.whole_region")}
	for _, m := range e.munis {
		places = append(places, m.Short)
	}
	e.district = widget.NewSelect(places, nil)
	e.date = widget.NewEntry()
	e.date.SetPlaceHolder("27.11.2026")
	e.clock = widget.NewEntry()
	e.clock.SetPlaceHolder("18:00")
	e.earlier = widget.NewButtonWithIcon(T("calendar.day_earlier"), theme.NavigateBackIcon(), func() { e.shiftDays(-1) })
	e.later = widget.NewButtonWithIcon(T("calendar.day_later"), theme.NavigateNextIcon(), func() { e.shiftDays(1) })

	e.status = newChip("", nil, true)
	e.approver = widget.NewLabel("")
	e.flow = container.NewGridWithColumns(2)
	e.score = newChip("", nil, true)
	e.verdict = widget.NewLabel("")
	e.preview = widget.NewRichText()
	e.preview.Wrapping = fyne.TextWrapWord
	e.findings = container.NewVBox()
	e.errLabel = widget.NewLabel("")
	e.errLabel.Importance = widget.DangerImportance
	e.errLabel.Wrapping = fyne.TextWrapWord
	e.errLabel.Hide()

	e.save = widget.NewButtonWithIcon(T("calendar.save"), theme.DocumentSaveIcon(), func() { e.commit(true, "") })
	e.save.Importance = widget.HighImportance
	e.duplicate = widget.NewButtonWithIcon(T("calendar.duplicate"), theme.ContentCopyIcon(), e.doDuplicate)
	e.remove = widget.NewButtonWithIcon(T("calendar.delete"), theme.DeleteIcon(), e.confirmDelete)
	e.remove.Importance = widget.DangerImportance
	closeBtn := widget.NewButton(T("calendar.close"), e.close)

	form := widget.NewForm(
		widget.NewFormItem(T("calendar.f.title"), e.title),
		widget.NewFormItem(T("calendar.f.kind"), e.kind),
		widget.NewFormItem(T("calendar.f.account"), e.account),
		widget.NewFormItem(T("calendar.f.district"), e.district),
		widget.NewFormItem(T("calendar.f.date"), container.NewGridWithColumns(2, e.date, e.clock)),
		widget.NewFormItem("", container.NewGridWithColumns(2, e.earlier, e.later)),
		widget.NewFormItem(T("calendar.f.status"), container.NewHBox(e.status, e.approver)),
	)
	left := container.NewVBox(form, e.flow, e.errLabel)
	check := container.NewVBox(container.NewHBox(e.score, e.verdict), e.preview, e.findings)
	right := container.NewBorder(widget.NewLabelWithStyle(T("calendar.f.text"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, container.NewVSplit(e.text, container.NewVScroll(check)))
	buttons := container.NewHBox(e.remove, e.duplicate, layout.NewSpacer(), closeBtn, e.save)
	body := container.NewBorder(nil, buttons, nil, nil,
		container.NewHSplit(container.NewVScroll(left), right))
	if split, ok := body.Objects[0].(*container.Split); ok {
		split.Offset = 0.42
	}
	e.dlg = dialog.NewCustomWithoutButtons(T("calendar.editor_title"), body, v.win)
	e.fill()
	return e
}

func (e *calendarEditor) show() {
	e.dlg.Resize(fyne.NewSize(1000, 620))
	e.dlg.Show()
}

func (e *calendarEditor) close() {
	e.dlg.Hide()
	if e.v.editor == e {
		e.v.editor = nil
	}
}

// fill puts the item into the fields and draws the workflow for its status.
func (e *calendarEditor) fill() {
	it := e.item
	e.title.SetText(it.Title)
	e.text.SetText(it.Text)
	e.kind.SetSelectedIndex(max(0, slices.Index(app.CalendarKinds, it.Kind)))
	for i, a := range e.v.accounts {
		if a.ID == it.AccountID {
			e.account.SetSelectedIndex(i)
		}
	}
	e.district.SetSelectedIndex(0)
	for i, m := range e.munis {
		if m.Code == it.District {
			e.district.SetSelectedIndex(i + 1)
		}
	}
	t := it.PlannedAt.In(msk)
	e.date.SetText(t.Format("02.01.2006"))
	e.clock.SetText(t.Format("15:04"))
	e.renderStatus()
	e.recheck(e.text.Text)
}

func (e *calendarEditor) renderStatus() {
	it := e.item
	status := it.Status
	if status == "" {
		status = app.CalendarDraft
	}
	tint := calStatusColor(status)
	label := T("calendar.status." + status)
	if app.CalendarMissed(it, e.v.now()) && it.ID != 0 {
		tint, label = calMissedColor, label+" · "+T("calendar.missed")
	}
	e.status.Set(label, tint, true)
	e.approver.SetText("")
	if it.Approver != "" {
		e.approver.SetText(Tf("calendar.approved_by", map[string]any{"Name": it.Approver}))
	}
	if !it.PublishedAt.IsZero() {
		e.approver.SetText(Tf("calendar.published_at", map[string]any{"When": calWhen(it.PublishedAt)}))
	}
	e.flow.RemoveAll()
	e.flowButtons = map[string]*widget.Button{}
	editable := it.Status != app.CalendarPublished
	for _, w := range []fyne.Disableable{e.title, e.text, e.kind, e.account, e.district, e.date, e.clock, e.earlier, e.later, e.save} {
		if editable {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if it.ID == 0 {
		e.duplicate.Disable()
		e.remove.Disable()
		return
	}
	e.duplicate.Enable()
	e.remove.Enable()
	for _, to := range app.CalendarTransitions(it.Status) {
		key := "calendar.to." + to
		if it.Status == app.CalendarScheduled && to == app.CalendarApproved {
			key = "calendar.to.unschedule"
		}
		to := to
		b := widget.NewButton(T(key), func() { e.commit(false, to) })
		if to == app.CalendarApproved || to == app.CalendarReview || to == app.CalendarScheduled {
			b.Importance = widget.HighImportance
		}
		e.flowButtons[to] = b
		e.flow.Add(b)
	}
	e.flow.Refresh()
}

// recheck grades the text as it is typed: the score badge, the verdict, the
// text with flagged fragments marked and the suggestions under it.
func (e *calendarEditor) recheck(text string) {
	r := e.v.core.CheckText(text)
	e.check = r
	tint := color.NRGBA{R: 0x16, G: 0xa3, B: 0x4a, A: 0xff}
	switch r.Band {
	case plan.BandMixed:
		tint = color.NRGBA{R: 0xd9, G: 0x77, B: 0x06, A: 0xff}
	case plan.BandMemo:
		tint = calMissedColor
	case plan.BandEmpty:
		tint = color.NRGBA{R: 0x6b, G: 0x72, B: 0x80, A: 0xff}
	}
	e.score.Set(Tf("calendar.score", map[string]any{"Score": r.Score}), tint, true)
	verdict := r.Verdict
	if currentLang == LangEnglish {
		verdict = r.VerdictEN
	}
	if r.Band == plan.BandEmpty {
		verdict = T("calendar.score_empty")
	}
	e.verdict.SetText(verdict)
	spans := make([][2]int, 0, len(r.Findings))
	for _, f := range r.Findings {
		// Phrases are marked in the text; whole-sentence findings (length,
		// numbers, no address) would paint everything and are listed below.
		if f.Kind == plan.TextKantselyarit || f.Kind == plan.TextGenitiveChain || f.Kind == plan.TextPassive {
			spans = append(spans, [2]int{f.Start, f.End})
		}
	}
	segs := highlighted(text, spans, widget.RichTextStyleInline)
	for _, s := range segs {
		if ts, ok := s.(*widget.TextSegment); ok && ts.Style.TextStyle.Bold {
			ts.Style.ColorName = theme.ColorNameError
		}
	}
	if strings.TrimSpace(text) == "" {
		segs = nil
	}
	e.preview.Segments = segs
	e.preview.Refresh()
	e.findings.RemoveAll()
	for _, f := range r.Findings {
		// A finding about the text as a whole (no one addresses the
		// reader) quotes nothing.
		line := f.Suggestion
		if frag := firstLine(f.Text, 60); frag != "" {
			line = "«" + frag + "» — " + f.Suggestion
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		e.findings.Add(l)
	}
	e.findings.Refresh()
}

// fields reads the form into a copy of the item.
func (e *calendarEditor) fields() (data.CalendarItem, error) {
	it := e.item
	it.Title = strings.TrimSpace(e.title.Text)
	it.Text = strings.TrimSpace(e.text.Text)
	if i := e.kind.SelectedIndex(); i >= 0 {
		it.Kind = app.CalendarKinds[i]
	}
	if i := e.account.SelectedIndex(); i >= 0 && i < len(e.v.accounts) {
		it.AccountID = e.v.accounts[i].ID
	}
	it.District = ""
	if i := e.district.SelectedIndex(); i > 0 && i-1 < len(e.munis) {
		it.District = e.munis[i-1].Code
	}
	at, err := parseWhen(e.date.Text, e.clock.Text)
	if err != nil {
		return it, err
	}
	it.PlannedAt = at
	if it.Title == "" && it.Text == "" {
		return it, fmt.Errorf("%s", T("calendar.err.empty"))
	}
	return it, nil
}

// parseWhen reads «27.11.2026» and «18:00» as Moscow time.
func parseWhen(date, clock string) (time.Time, error) {
	t, err := time.ParseInLocation("02.01.2006 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clock), msk)
	if err != nil {
		// A single-digit hour («9:30») is how people type it.
		t, err = time.ParseInLocation("02.01.2006 15:04", strings.TrimSpace(date)+" 0"+strings.TrimSpace(clock), msk)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%s", T("calendar.err.when"))
	}
	return t, nil
}

func (e *calendarEditor) fail(err error) {
	e.errLabel.SetText(err.Error())
	e.errLabel.Show()
}

// dirty reports whether the form differs from the stored item.
func (e *calendarEditor) dirty(it data.CalendarItem) bool {
	o := e.item
	return it.Title != o.Title || it.Text != o.Text || it.Kind != o.Kind || it.AccountID != o.AccountID ||
		it.District != o.District || !it.PlannedAt.Equal(o.PlannedAt)
}

// commit saves the form when it changed (or is new), then moves the item to
// status to when set; closeAfter closes the dialog on success.
func (e *calendarEditor) commit(closeAfter bool, to string) {
	it, err := e.fields()
	if err != nil {
		e.fail(err)
		return
	}
	needSave := it.ID == 0 || e.dirty(it) && it.Status != app.CalendarPublished
	core := e.v.core
	async(e.v.b, func(ctx context.Context) (data.CalendarItem, error) {
		if needSave {
			if err := core.SaveCalendarItem(ctx, &it); err != nil {
				return it, err
			}
		}
		if to != "" {
			return core.SetCalendarStatus(ctx, it.ID, to)
		}
		return it, nil
	}, func(saved data.CalendarItem, err error) {
		if saved.ID != 0 {
			e.item = saved
		}
		e.v.reload()
		if err != nil {
			e.v.showError(err)
			e.renderStatus()
			return
		}
		e.errLabel.Hide()
		if closeAfter {
			e.close()
			return
		}
		e.renderStatus()
	})
}

// shiftDays is the keyboard way to move an item: a day earlier or later,
// stored at once for a saved item.
func (e *calendarEditor) shiftDays(n int) {
	at, err := parseWhen(e.date.Text, e.clock.Text)
	if err != nil {
		e.fail(err)
		return
	}
	at = at.AddDate(0, 0, n)
	e.date.SetText(at.In(msk).Format("02.01.2006"))
	if e.item.ID == 0 {
		return
	}
	id := e.item.ID
	async(e.v.b, func(ctx context.Context) (data.CalendarItem, error) {
		return e.v.core.MoveCalendarItem(ctx, id, at)
	}, func(it data.CalendarItem, err error) {
		if err != nil {
			e.v.showError(err)
			e.date.SetText(e.item.PlannedAt.In(msk).Format("02.01.2006"))
			return
		}
		e.item = it
		e.v.reload()
	})
}

func (e *calendarEditor) doDuplicate() {
	id := e.item.ID
	async(e.v.b, func(ctx context.Context) (data.CalendarItem, error) {
		return e.v.core.DuplicateCalendarItem(ctx, id, time.Time{})
	}, func(cp data.CalendarItem, err error) {
		if err != nil {
			e.v.showError(err)
			return
		}
		e.v.reload()
		e.v.openEditor(cp)
	})
}

func (e *calendarEditor) confirmDelete() {
	name := e.item.Title
	if name == "" {
		name = firstLine(e.item.Text, 40)
	}
	dialog.ShowConfirm(T("calendar.delete_title"), Tf("calendar.delete_confirm", map[string]any{"Title": name}), func(ok bool) {
		if ok {
			e.doDelete()
		}
	}, e.v.win)
}

func (e *calendarEditor) doDelete() {
	id := e.item.ID
	async(e.v.b, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, e.v.core.DeleteCalendarItem(ctx, id)
	}, func(_ struct{}, err error) {
		if err != nil {
			e.v.showError(err)
			return
		}
		e.close()
		e.v.reload()
	})
}
