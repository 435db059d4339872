package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/app/notify"
	"otklik/app/sla"
	"otklik/data"
)

// Column widths of the rules table, shared by its header and rows so they
// line up: platform, topic, first response (amount, unit), answer (amount,
// unit), delete.
var ruleColumns = []float32{190, 190, 64, 170, 64, 170, 40}

// slaUnits are the units a rule's amount can be counted in, in menu order.
var slaUnits = []sla.Unit{sla.WorkingHours, sla.WorkingDays, sla.CalendarDays}

// soonShares are the due-soon shares offered, in percent.
var soonShares = []int{10, 15, 20, 25, 30, 40, 50}

// slaSettings is Настройки → «Сроки ответа» and «Уведомления»: the deadline
// rules as an editable table, quiet hours, the due-soon share and snoozing.
type slaSettings struct {
	m *MainWindow

	rows     []*ruleRow
	rowsBox  *fyne.Container
	dirty    bool // the table has edits not yet saved
	errLabel *widget.Label
	note     *widget.Label
	addBtn   *widget.Button
	saveBtn  *widget.Button
	resetBtn *widget.Button

	watch      WatchSettings // as the widgets show it; saved in order
	saving     bool          // a save is in flight
	resave     bool          // the widgets changed meanwhile: save again after it
	loading    bool          // set while code, not the user, fills the widgets
	quietOn    *widget.Check
	quietFrom  *widget.Select
	quietTo    *widget.Select
	share      *widget.Select
	snoozeInfo *widget.Label
	snoozeBtn  *widget.Button
	watchNote  *widget.Label

	content fyne.CanvasObject
}

// ruleRow is one editable rule.
type ruleRow struct {
	platform   *widget.Select
	category   *widget.Select
	first      *widget.Entry
	firstUnit  *widget.Select
	answer     *widget.Entry
	answerUnit *widget.Select
	note       *widget.Entry
	remove     *widget.Button
	box        fyne.CanvasObject
	otherCode  string // a topic code the rubricator does not know, kept as is
}

func newSLASettings(m *MainWindow) *slaSettings {
	s := &slaSettings{m: m}
	s.rowsBox = container.NewVBox()
	s.errLabel = widget.NewLabel("")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()
	s.note = widget.NewLabel("")
	s.note.Importance = widget.LowImportance
	s.note.Wrapping = fyne.TextWrapWord
	s.addBtn = widget.NewButtonWithIcon(T("sla.add_rule"), theme.ContentAddIcon(), s.addRule)
	s.saveBtn = widget.NewButtonWithIcon(T("sla.save_rules"), theme.DocumentSaveIcon(), s.saveRules)
	s.saveBtn.Importance = widget.HighImportance
	s.resetBtn = widget.NewButtonWithIcon(T("sla.defaults"), theme.HistoryIcon(), s.confirmDefaults)

	head := container.New(columns{widths: ruleColumns, spans: []int{1, 1, 2, 2, 1}},
		headerLabel(T("sla.col_platform")), headerLabel(T("sla.col_category")),
		headerLabel(T("sla.col_first")), headerLabel(T("sla.col_answer")), widget.NewLabel(""))
	intro := widget.NewLabel(T("sla.intro"))
	intro.Wrapping = fyne.TextWrapWord
	buttons := container.NewHBox(s.saveBtn, s.addBtn, layout.NewSpacer(), s.resetBtn)
	rules := container.NewVBox(subheading(T("sla.title")), intro, head, widget.NewSeparator(), s.rowsBox,
		s.errLabel, buttons, s.note)

	s.quietOn = widget.NewCheck(T("sla.quiet_on"), func(bool) { s.watchChanged() })
	times := clockOptions()
	s.quietFrom = widget.NewSelect(times, func(string) { s.watchChanged() })
	s.quietTo = widget.NewSelect(times, func(string) { s.watchChanged() })
	shares := make([]string, len(soonShares))
	for i, p := range soonShares {
		shares[i] = percent(p)
	}
	s.share = widget.NewSelect(shares, func(string) { s.watchChanged() })
	s.snoozeInfo = widget.NewLabel("")
	s.snoozeBtn = widget.NewButton("", s.toggleSnooze)
	s.watchNote = widget.NewLabel("")
	s.watchNote.Importance = widget.LowImportance

	quiet := container.NewHBox(s.quietOn, widget.NewLabel(T("sla.quiet_from")), s.quietFrom,
		widget.NewLabel(T("sla.quiet_to")), s.quietTo)
	share := container.NewHBox(s.share, widget.NewLabel(T("sla.share_suffix")))
	form := widget.NewForm(
		&widget.FormItem{Text: T("sla.quiet"), Widget: quiet, HintText: T("sla.quiet_hint")},
		&widget.FormItem{Text: T("sla.share"), Widget: share, HintText: T("sla.share_hint")},
		widget.NewFormItem(T("sla.snooze"), container.NewHBox(s.snoozeInfo, s.snoozeBtn)),
	)
	notifications := container.NewVBox(subheading(T("sla.notifications")), container.New(maxWidth(760), form), s.watchNote)

	s.content = container.NewVBox(rules, widget.NewSeparator(), notifications)
	s.setRules(m.core.Rules())
	s.renderWatch()
	return s
}

func headerLabel(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func subheading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// percent writes «20 %»: Russian typography puts a no-break space before it.
func percent(p int) string { return strconv.Itoa(p) + "\u00a0%" }

// clockOptions are the times of day offered for quiet hours, every half hour.
func clockOptions() []string {
	out := make([]string, 0, 48)
	for m := 0; m < 24*60; m += 30 {
		out = append(out, fmt.Sprintf("%02d:%02d", m/60, m%60))
	}
	return out
}

// reload reads the rules (unless the user is editing them) and the watcher
// settings again.
func (s *slaSettings) reload() {
	if !s.dirty {
		s.setRules(s.m.core.Rules())
	}
	async(s.m.b, func(ctx context.Context) (WatchSettings, error) { return s.m.core.WatchSettings(ctx) },
		func(w WatchSettings, err error) {
			if err != nil {
				s.watchNote.SetText(err.Error())
				return
			}
			if s.saving {
				return // the user's newer choice is on its way to the store
			}
			s.watch = w
			s.renderWatch()
		})
}

// setRules fills the table.
func (s *slaSettings) setRules(rules sla.Rules) {
	s.rows = s.rows[:0]
	s.rowsBox.RemoveAll()
	for _, r := range rules {
		s.appendRow(r)
	}
	s.dirty = false
	s.errLabel.Hide()
}

func (s *slaSettings) addRule() {
	row := s.appendRow(sla.Rule{FirstResponse: sla.Duration(4 * time.Hour), AnswerUnit: sla.WorkingDays,
		Answer: sla.Duration(3 * 24 * time.Hour)})
	s.dirty = true
	s.m.Window.Canvas().Focus(row.first)
}

func (s *slaSettings) appendRow(r sla.Rule) *ruleRow {
	row := &ruleRow{}
	changed := func(string) { s.dirty = true }

	plats := []string{T("sla.any_platform")}
	for _, p := range data.Platforms {
		plats = append(plats, platformLabel(p))
	}
	row.platform = widget.NewSelect(plats, changed)
	row.platform.SetSelectedIndex(0)
	for i, p := range data.Platforms {
		if p == r.Platform {
			row.platform.SetSelectedIndex(i + 1)
		}
	}
	cats := []string{T("sla.any_category")}
	for _, c := range s.m.inbox.cats {
		cats = append(cats, s.m.inbox.catName(c.Code))
	}
	row.category = widget.NewSelect(cats, changed)
	row.category.SetSelectedIndex(0)
	for i, c := range s.m.inbox.cats {
		if c.Code == r.Category {
			row.category.SetSelectedIndex(i + 1)
		}
	}
	if r.Category != "" && row.category.SelectedIndex() == 0 {
		// A topic the rubricator no longer has: keep it rather than widen the rule.
		row.otherCode = r.Category
		row.category.Options = append(row.category.Options, Tf("sla.unknown_category", map[string]any{"Code": r.Category}))
		row.category.SetSelectedIndex(len(row.category.Options) - 1)
	}
	row.first, row.firstUnit = amountWidgets(r.FirstResponse, r.FirstResponseUnit, changed)
	row.answer, row.answerUnit = amountWidgets(r.Answer, r.AnswerUnit, changed)
	row.note = widget.NewMultiLineEntry()
	row.note.Wrapping = fyne.TextWrapWord
	row.note.SetMinRowsVisible(2)
	row.note.SetPlaceHolder(T("sla.note_placeholder"))
	row.note.SetText(r.Note)
	row.note.OnChanged = changed
	row.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { s.removeRow(row) })
	row.remove.Importance = widget.LowImportance

	line := container.New(columns{widths: ruleColumns}, row.platform, row.category, row.first, row.firstUnit,
		row.answer, row.answerUnit, row.remove)
	row.box = container.NewVBox(line, row.note, widget.NewSeparator())
	s.rows = append(s.rows, row)
	s.rowsBox.Add(row.box)
	return row
}

func amountWidgets(d sla.Duration, u sla.Unit, changed func(string)) (*widget.Entry, *widget.Select) {
	if u == "" {
		u = sla.WorkingHours
	}
	e := widget.NewEntry()
	e.SetText(formatAmount(d, u))
	e.SetPlaceHolder("—")
	e.OnChanged = changed
	names := make([]string, len(slaUnits))
	for i, su := range slaUnits {
		names[i] = T("sla.unit." + string(su))
	}
	sel := widget.NewSelect(names, changed)
	for i, su := range slaUnits {
		if su == u {
			sel.SetSelectedIndex(i)
		}
	}
	return e, sel
}

func (s *slaSettings) removeRow(row *ruleRow) {
	for i, r := range s.rows {
		if r == row {
			s.rows = append(s.rows[:i], s.rows[i+1:]...)
			s.rowsBox.Remove(row.box)
			s.dirty = true
			return
		}
	}
}

// formatAmount writes a rule's amount as the table shows it: hours as «4»,
// «1,5» or «1:40», days as «30»; zero (no such deadline) as empty.
func formatAmount(d sla.Duration, u sla.Unit) string {
	td := time.Duration(d)
	switch {
	case td == 0:
		return ""
	case u != sla.WorkingHours && u != "":
		return strconv.Itoa(d.Days())
	case td%time.Hour == 0:
		return strconv.Itoa(int(td / time.Hour))
	case (td*100)%time.Hour == 0: // exact in two decimals: 1,5 or 0,25
		return strings.Replace(strconv.FormatFloat(td.Hours(), 'f', -1, 64), ".", ",", 1)
	}
	return fmt.Sprintf("%d:%02d", int(td/time.Hour), int(td%time.Hour/time.Minute))
}

// parseAmount reads what formatAmount writes. Hours may be fractional
// («1,5», «1.5», «1:30»); days must be whole. Empty means no deadline.
func parseAmount(text string, u sla.Unit) (sla.Duration, error) {
	text = strings.TrimSpace(text)
	if text == "" || text == "0" {
		return 0, nil
	}
	if u != sla.WorkingHours {
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			return 0, errors.New(T("sla.err_days"))
		}
		if n > 366 {
			return 0, errors.New(T("sla.err_days_max"))
		}
		return sla.Duration(time.Duration(n) * 24 * time.Hour), nil
	}
	var d time.Duration
	if h, m, ok := strings.Cut(text, ":"); ok {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
			return 0, errors.New(T("sla.err_hours"))
		}
		if hh > 1000 {
			return 0, errors.New(T("sla.err_hours_max"))
		}
		d = time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute
	} else {
		f, err := strconv.ParseFloat(strings.Replace(text, ",", ".", 1), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, errors.New(T("sla.err_hours"))
		}
		if f > 1000 {
			return 0, errors.New(T("sla.err_hours_max"))
		}
		d = time.Duration(math.Round(f*60)) * time.Minute
		if math.Abs(f*60-math.Round(f*60)) > 1e-6 {
			return 0, errors.New(T("sla.err_minutes"))
		}
	}
	if d > 1000*time.Hour {
		return 0, errors.New(T("sla.err_hours_max"))
	}
	return sla.Duration(d), nil
}

// collect reads the table into rules, with a message in the user's
// language for the first problem and the entry to put the cursor in.
func (s *slaSettings) collect() (sla.Rules, fyne.Focusable, error) {
	rules := make(sla.Rules, 0, len(s.rows))
	seen := map[[2]string]int{}
	hasDefault := false
	cats := s.m.inbox.cats
	for i, row := range s.rows {
		n := i + 1
		var r sla.Rule
		if pi := row.platform.SelectedIndex(); pi > 0 {
			r.Platform = data.Platforms[pi-1]
		}
		switch ci := row.category.SelectedIndex(); {
		case ci > 0 && ci <= len(cats):
			r.Category = cats[ci-1].Code
		case ci > len(cats):
			r.Category = row.otherCode
		}
		r.FirstResponseUnit = slaUnits[max(row.firstUnit.SelectedIndex(), 0)]
		r.AnswerUnit = slaUnits[max(row.answerUnit.SelectedIndex(), 0)]
		var err error
		if r.FirstResponse, err = parseAmount(row.first.Text, r.FirstResponseUnit); err != nil {
			return nil, row.first, ruleError(n, T("sla.col_first"), err)
		}
		if r.Answer, err = parseAmount(row.answer.Text, r.AnswerUnit); err != nil {
			return nil, row.answer, ruleError(n, T("sla.col_answer"), err)
		}
		if r.FirstResponse == 0 && r.Answer == 0 {
			return nil, row.first, errors.New(Tf("sla.err_no_deadline", map[string]any{"N": n}))
		}
		if r.FirstResponseUnit == sla.WorkingHours {
			r.FirstResponseUnit = "" // the file's default, as the shipped rules write it
		}
		r.Note = strings.TrimSpace(row.note.Text)
		key := [2]string{string(r.Platform), r.Category}
		if prev, dup := seen[key]; dup {
			return nil, nil, errors.New(Tf("sla.err_duplicate", map[string]any{"N": n, "Prev": prev}))
		}
		seen[key] = n
		hasDefault = hasDefault || key == [2]string{}
		rules = append(rules, r)
	}
	if !hasDefault {
		return nil, nil, errors.New(T("sla.err_no_default"))
	}
	// The core's own check is the last word; it runs again when saving.
	if err := rules.Validate(); err != nil {
		return nil, nil, errors.New(Tf("sla.err_invalid", map[string]any{"Err": err.Error()}))
	}
	return rules, nil, nil
}

func ruleError(n int, column string, err error) error {
	return errors.New(Tf("sla.err_rule", map[string]any{"N": n, "Column": column, "Err": err.Error()}))
}

func (s *slaSettings) showError(err error, focus fyne.Focusable) {
	s.errLabel.SetText(err.Error())
	s.errLabel.Show()
	s.note.SetText("")
	if focus != nil {
		s.m.Window.Canvas().Focus(focus)
	}
}

// saveRules validates the table and hands the rules to the core, which
// recomputes the deadlines of open messages in the background.
func (s *slaSettings) saveRules() {
	rules, focus, err := s.collect()
	if err != nil {
		s.showError(err, focus)
		return
	}
	s.store(rules, T("sla.saved"))
}

func (s *slaSettings) store(rules sla.Rules, done string) {
	s.errLabel.Hide()
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.SetRules(ctx, rules) },
		func(_ struct{}, err error) {
			if err != nil {
				s.showError(errors.New(Tf("sla.err_invalid", map[string]any{"Err": err.Error()})), nil)
				return
			}
			s.setRules(s.m.core.Rules())
			s.note.SetText(done)
		})
}

func (s *slaSettings) confirmDefaults() {
	dialog.ShowConfirm(T("sla.defaults_title"), T("sla.defaults_confirm"), func(ok bool) {
		if ok {
			s.store(sla.DefaultRules(), T("sla.defaults_done"))
		}
	}, s.m.Window)
}

// renderWatch shows the watcher settings without saving them back.
func (s *slaSettings) renderWatch() {
	s.loading = true
	defer func() { s.loading = false }()
	q := s.watch.QuietHours
	on := q.From != q.To
	s.quietOn.SetChecked(on)
	if on {
		s.quietFrom.SetSelected(clockText(q.From))
		s.quietTo.SetSelected(clockText(q.To))
		s.quietFrom.Enable()
		s.quietTo.Enable()
	} else {
		s.quietFrom.ClearSelected()
		s.quietTo.ClearSelected()
		s.quietFrom.PlaceHolder, s.quietTo.PlaceHolder = "22:00", "08:00"
		s.quietFrom.Disable()
		s.quietTo.Disable()
	}
	share := s.watch.SoonShare
	if share == 0 {
		share = app.DefaultSoonShare
	}
	s.share.SetSelected(percent(int(math.Round(share * 100))))
	now := s.m.opts.Now()
	if now.Before(s.watch.SnoozedUntil) {
		s.snoozeInfo.SetText(Tf("sla.snoozed_until", map[string]any{"Time": s.watch.SnoozedUntil.In(now.Location()).Format("15:04")}))
		s.snoozeInfo.Importance = widget.WarningImportance
		s.snoozeBtn.SetText(T("sla.resume"))
	} else {
		s.snoozeInfo.SetText(T("sla.not_snoozed"))
		s.snoozeInfo.Importance = widget.MediumImportance
		s.snoozeBtn.SetText(T("sla.snooze_hour"))
	}
	s.snoozeInfo.Refresh()
}

func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// watchChanged saves quiet hours and the due-soon share as the user picks them.
func (s *slaSettings) watchChanged() {
	if s.loading {
		return
	}
	w := s.watch
	if s.quietOn.Checked {
		if s.quietFrom.Selected == "" {
			s.loading = true
			s.quietFrom.SetSelected("22:00") // a usual evening; the user adjusts it
			s.quietTo.SetSelected("08:00")
			s.loading = false
		}
		from, err1 := app.ParseClock(s.quietFrom.Selected)
		to, err2 := app.ParseClock(s.quietTo.Selected)
		if err := errors.Join(err1, err2); err != nil {
			s.watchNote.SetText(err.Error())
			return
		}
		s.quietFrom.Enable()
		s.quietTo.Enable()
		w.QuietHours = notify.QuietHours{From: from, To: to}
		if from == to {
			s.watchNote.SetText(T("sla.quiet_same"))
			return
		}
	} else {
		s.loading = true
		s.quietFrom.ClearSelected()
		s.quietTo.ClearSelected()
		s.loading = false
		s.quietFrom.Disable()
		s.quietTo.Disable()
		w.QuietHours = notify.QuietHours{}
	}
	if i := s.share.SelectedIndex(); i >= 0 {
		w.SoonShare = float64(soonShares[i]) / 100
	}
	s.saveWatch(w)
}

func (s *slaSettings) toggleSnooze() {
	w := s.watch
	if now := s.m.opts.Now(); now.Before(w.SnoozedUntil) {
		w.SnoozedUntil = time.Time{}
	} else {
		w.SnoozedUntil = now.Add(snoozeFor)
	}
	until := w.SnoozedUntil
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.Snooze(ctx, until) },
		func(_ struct{}, err error) {
			if err != nil {
				s.watchNote.SetText(err.Error())
				return
			}
			s.watch.SnoozedUntil = until
			s.renderWatch()
			s.m.tray.reload()
		})
}

// saveWatch stores w. Saves run one at a time, so quick changes reach the
// store in the order the user made them and the last one wins.
func (s *slaSettings) saveWatch(w WatchSettings) {
	s.watch = w
	if s.saving {
		s.resave = true
		return
	}
	s.saving = true
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.SetWatchSettings(ctx, w) },
		func(_ struct{}, err error) {
			s.saving = false
			if s.resave {
				s.resave = false
				s.saveWatch(s.watch)
				return
			}
			if err != nil {
				s.watchNote.SetText(err.Error())
				return
			}
			s.watchNote.SetText(T("settings.saved"))
		})
}

// columns lays objects out in a row at fixed widths, each given the row's
// height; spans[i] (default 1) is how many columns object i covers, so the
// table's header can sit over an amount and its unit. The last object takes
// what width is left, its content kept at the trailing edge.
type columns struct {
	widths []float32
	spans  []int
}

func (c columns) span(i int) int {
	if i < len(c.spans) && c.spans[i] > 0 {
		return c.spans[i]
	}
	return 1
}

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	x, k := float32(0), 0
	for i, o := range objs {
		w := float32(0)
		for j := k; j < k+c.span(i) && j < len(c.widths); j++ {
			if j > k {
				w += pad
			}
			w += c.widths[j]
		}
		k += c.span(i)
		if i == len(objs)-1 {
			x = max(x, size.Width-w) // the row's action sits at its end
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, cw := range c.widths {
		w += cw
	}
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w+theme.Padding()*float32(len(c.widths)-1), h)
}
