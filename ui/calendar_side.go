package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app/plan"
)

// calSideMax bounds each list of the panel; the rest is counted, not drawn.
const calSideMax = 25

// calendarSide is «Правила и пробелы»: what the plan will break before it
// happens, with free slots to fix it, what is broken already, and which
// municipality's live stream is next.
type calendarSide struct {
	v       *calendarView
	box     *fyne.Container
	content fyne.CanvasObject

	// Buttons of the suggestions drawn last, for tests.
	suggestionButtons []*widget.Button
	suggestions       []plan.Suggestion
}

func newCalendarSide(v *calendarView) *calendarSide {
	s := &calendarSide{v: v, box: container.NewVBox()}
	title := widget.NewLabelWithStyle(T("calendar.rules_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.content = container.NewBorder(container.NewVBox(title, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(s.box))
	return s
}

func (s *calendarSide) shows(accountID int64) bool {
	return s.v.account == 0 || s.v.account == accountID
}

func sectionTitle(text string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return l
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// suggestionLabel names a suggested slot: «Запланировать на пт, 4 декабря,
// 18:00», with the kind when it is not a plain post. The municipality is in
// the warning above and in the draft's title, so the button stays short.
func suggestionLabel(sg plan.Suggestion) string {
	key := "calendar.plan_at"
	if sg.Kind != "" && sg.Kind != "post" {
		key = "calendar.plan_at." + sg.Kind
	}
	return Tf(key, map[string]any{"When": calWhen(sg.At)})
}

func (s *calendarSide) render() {
	s.box.RemoveAll()
	s.suggestionButtons, s.suggestions = nil, nil
	rep := s.v.report

	var warns []plan.Warning
	for _, w := range rep.Warnings {
		if s.shows(w.AccountID) {
			warns = append(warns, w)
		}
	}
	s.box.Add(sectionTitle(TN("calendar.warnings", len(warns))))
	if len(warns) == 0 {
		s.box.Add(wrapped(T("calendar.no_warnings")))
	}
	for i, w := range warns {
		if i == calSideMax {
			s.box.Add(wrapped(TN("calendar.and_more", len(warns)-i)))
			break
		}
		msg := wrapped(w.Message)
		row := container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.WarningIcon())), nil, msg))
		for _, sg := range w.Suggestions {
			sg := sg
			text := sg.Message
			if sg.ItemID == 0 {
				text = suggestionLabel(sg)
			}
			b := widget.NewButtonWithIcon(text, theme.ContentAddIcon(), func() { s.v.planSuggestion(sg) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			s.suggestionButtons = append(s.suggestionButtons, b)
			s.suggestions = append(s.suggestions, sg)
			row.Add(b)
		}
		// Width 0: the panel's width, not a long button, decides how wide a
		// row is, so the messages wrap inside the panel instead of widening it.
		s.box.Add(container.New(fixedWidth(0), row))
	}

	if q := s.rotation(rep); len(q) > 0 {
		s.box.Add(widget.NewSeparator())
		s.box.Add(sectionTitle(T("calendar.rotation")))
		s.box.Add(wrapped(Tf("calendar.rotation_next", map[string]any{"Names": strings.Join(q, ", ")})))
	}

	var viols []plan.Violation
	for _, v := range rep.Violations {
		if s.shows(v.AccountID) {
			viols = append(viols, v)
		}
	}
	// The freshest first: last week's silence matters more than last month's.
	sort.SliceStable(viols, func(i, j int) bool { return viols[i].Since.After(viols[j].Since) })
	s.box.Add(widget.NewSeparator())
	s.box.Add(sectionTitle(TN("calendar.violations", len(viols))))
	if len(viols) == 0 {
		s.box.Add(wrapped(T("calendar.no_violations")))
	}
	for i, v := range viols {
		if i == calSideMax {
			s.box.Add(wrapped(TN("calendar.and_more", len(viols)-i)))
			break
		}
		s.box.Add(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.ErrorIcon())), nil, wrapped(v.Message)))
	}
	s.box.Refresh()
}

// rotation names the next three municipalities due a live stream on the
// account shown (the first tracked account when all are shown).
func (s *calendarSide) rotation(rep plan.Report) []string {
	id := s.v.account
	if id == 0 {
		for _, a := range s.v.accounts {
			if len(rep.Rotation[a.ID]) > 0 {
				id = a.ID
				break
			}
		}
	}
	var out []string
	for _, e := range rep.Rotation[id] {
		if e.VisitedInRound || len(out) == 3 {
			break
		}
		out = append(out, e.Name)
	}
	return out
}

// municipalitiesOf lists the region's municipalities when the core knows them.
func municipalitiesOf(c CalendarCore) []Municipality {
	if mc, ok := c.(interface{ Municipalities() []Municipality }); ok {
		return mc.Municipalities()
	}
	return nil
}
