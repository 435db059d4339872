package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/app/brief"
	"otklik/data"
)

// BroadcastCore is what the «Эфир» panel needs from the core. It is kept
// apart from Core: the window shows the panel when its core has it, so
// cores made for other views (the inbox's fake) need not carry it.
type BroadcastCore interface {
	Municipalities() []Municipality
	Categories() []Category
	DefaultPeriod() (from, to time.Time)
	NextBroadcast(ctx context.Context) (data.Broadcast, bool, error)
	BroadcastPanel(ctx context.Context, district string, from, to time.Time) (BroadcastData, error)
	BroadcastStats(ctx context.Context, district string, from, to time.Time) (BroadcastData, error)
	BroadcastGroups(ctx context.Context, district string, from, to time.Time) ([]brief.Cluster, int, error)
	PlanBroadcast(ctx context.Context, district string, at time.Time) (data.Broadcast, error)
	Shortlist(ctx context.Context, broadcastID int64) ([]ShortlistItem, error)
	ShortlistGroup(ctx context.Context, broadcastID int64, c brief.Cluster) (ShortlistItem, error)
	ShortlistMessage(ctx context.Context, broadcastID int64, it brief.Item) (ShortlistItem, error)
	UpdateShortlistItem(ctx context.Context, it ShortlistItem) error
	MoveShortlistItem(ctx context.Context, id int64, delta int) error
	RemoveShortlistItem(ctx context.Context, id int64) error
	CompleteBroadcast(ctx context.Context, broadcastID int64, answered []int64, owner string, due time.Time) (int, error)
	ExportBriefing(ctx context.Context, p BroadcastData, opts BriefingOptions, format, path string) error
}

var _ BroadcastCore = (*app.App)(nil)

// The core's broadcast types, under the names the panel uses.
type (
	BroadcastData   = app.Panel
	ShortlistItem   = app.ShortlistItem
	BriefingOptions = app.BriefingOptions
)

// What the lists show before «Показать ещё»: a first screen renders fast
// and reads well.
const (
	groupsShown  = 15
	overdueShown = 10
)

// broadcastPeriods are the period choices in days; the first is the default.
var broadcastPeriods = []int{30, 60, 90}

// Colours of the tone and the sources, the same as in the briefing.
var (
	colNegative = color.NRGBA{R: 0xd9, G: 0x48, B: 0x3b, A: 0xff}
	colNeutral  = color.NRGBA{R: 0x9c, G: 0xa3, B: 0xaf, A: 0xff}
	colPositive = color.NRGBA{R: 0x2e, G: 0x9e, B: 0x5b, A: 0xff}
	colUp       = colNegative // more complaints is bad news
	colDown     = colPositive
)

// broadcastView is the «Эфир» section: a municipality's problems and
// questions, the shortlist for the live stream, its export and follow-ups.
type broadcastView struct {
	core BroadcastCore
	b    *bridge
	now  func() time.Time
	win  fyne.Window

	content *fyne.Container
	head    *fyne.Container // the toolbar and the message lines
	muns    []Municipality
	munIdx  map[string]int
	catEN   map[string]string // English category names

	district              string
	days                  int
	panel                 *BroadcastData
	loading               int  // generation of the panel being loaded; older results are dropped
	panelGen              int  // the generation panel was loaded by
	grouping              bool // the question groups are still being computed
	allGroups, allOverdue bool // «Показать ещё» was pressed
	dirty                 map[int64]bool

	munSel, periodSel *widget.Select
	periodLabel       *widget.Label
	airLabel          *widget.Label
	errLabel          *widget.Label
	status            *widget.Label

	summary, cats, sources, overdue, followUps *fyne.Container
	chart                                      *dayChart
	groups, announce, shortlist                *fyne.Container
	tabs                                       *container.AppTabs
	groupsTab, announceTab, shortTab           *container.TabItem

	pseudo     *widget.Check
	exportBtns []*widget.Button
	owner, due *widget.Entry
	complete   *widget.Button
	planDate   *widget.Entry

	// The widgets of the rendered lists, in order, for keyboard focus and tests.
	groupBtns, annBtns []*widget.Button
	rows               []shortRowUI
	editing            *itemEditor

	// savePath asks where to save a briefing; tests replace the dialog.
	savePath func(format, name string, done func(path string))
}

func newBroadcastView(core BroadcastCore, b *bridge, now func() time.Time, win fyne.Window) *broadcastView {
	v := &broadcastView{core: core, b: b, now: now, win: win, days: broadcastPeriods[0], dirty: map[int64]bool{}, munIdx: map[string]int{}}
	v.savePath = v.saveDialog
	v.catEN = map[string]string{}
	for _, c := range core.Categories() {
		v.catEN[c.Code] = c.NameEN
	}
	v.muns = slices.Clone(core.Municipalities())
	slices.SortStableFunc(v.muns, func(a, b Municipality) int { return strings.Compare(a.Name, b.Name) })
	names := make([]string, len(v.muns))
	for i, m := range v.muns {
		names[i] = m.Name
		v.munIdx[m.Code] = i
	}
	v.munSel = widget.NewSelect(names, func(string) {
		if i := v.munSel.SelectedIndex(); i >= 0 && v.muns[i].Code != v.district {
			v.district = v.muns[i].Code
			v.load()
		}
	})
	v.munSel.PlaceHolder = T("broadcast.pick_district")
	periods := make([]string, len(broadcastPeriods))
	for i, d := range broadcastPeriods {
		periods[i] = TN("broadcast.period_days", d)
	}
	v.periodSel = widget.NewSelect(periods, func(string) {
		if i := v.periodSel.SelectedIndex(); i >= 0 && broadcastPeriods[i] != v.days {
			v.days = broadcastPeriods[i]
			v.load()
		}
	})
	v.periodSel.SetSelectedIndex(0)
	v.periodLabel = widget.NewLabel("")
	v.periodLabel.Truncation = fyne.TextTruncateEllipsis
	v.periodLabel.Importance = widget.MediumImportance
	v.airLabel = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	v.errLabel = widget.NewLabel("")
	v.errLabel.Importance = widget.DangerImportance
	v.errLabel.Wrapping = fyne.TextWrapWord
	v.errLabel.Hide()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.status.Importance = widget.SuccessImportance
	v.status.Hide()

	v.summary = container.NewGridWithColumns(4)
	v.cats = container.NewVBox()
	v.chart = newDayChart()
	v.sources = container.NewVBox()
	v.overdue = container.NewVBox()
	v.followUps = container.NewVBox()
	left := container.NewVBox(
		v.summary,
		heading(T("broadcast.categories")), v.cats,
		heading(T("broadcast.timeline")), container.New(fixedHeight(130), v.chart),
		heading(T("broadcast.sources")), v.sources,
		v.followUps,
		heading(T("broadcast.overdue")), v.overdue,
	)

	v.groups = container.NewVBox()
	v.announce = container.NewVBox()
	v.shortlist = container.NewVBox()
	v.pseudo = widget.NewCheck(T("broadcast.pseudonymise"), nil)
	v.pseudo.SetChecked(true)
	for _, f := range []string{app.FormatPDF, app.FormatDOCX, app.FormatHTML} {
		btn := widget.NewButtonWithIcon(strings.ToUpper(f), theme.DocumentSaveIcon(), func() { v.export(f) })
		v.exportBtns = append(v.exportBtns, btn)
	}
	v.owner = widget.NewEntry()
	v.owner.SetPlaceHolder(T("broadcast.owner_hint"))
	v.due = widget.NewEntry()
	v.due.SetPlaceHolder(T("broadcast.due_hint"))
	v.complete = widget.NewButtonWithIcon(T("broadcast.complete"), theme.ConfirmIcon(), v.completeBroadcast)
	v.planDate = widget.NewEntry()
	v.planDate.SetPlaceHolder(T("broadcast.due_hint"))

	exportRow := container.NewHBox(widget.NewLabelWithStyle(T("broadcast.export"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, b := range v.exportBtns {
		exportRow.Add(b)
	}
	exportRow.Add(v.pseudo)
	after := container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(T("broadcast.after"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapLabel(T("broadcast.after_hint"), widget.MediumImportance),
		container.NewBorder(nil, nil, nil, v.complete, container.NewGridWithColumns(2, v.owner, v.due)))
	shortPane := container.NewBorder(container.NewVBox(exportRow, widget.NewSeparator()), after, nil, nil,
		container.NewVScroll(container.NewPadded(v.shortlist)))

	v.groupsTab = container.NewTabItem("", container.NewVScroll(container.NewPadded(v.groups)))
	v.announceTab = container.NewTabItem("", container.NewVScroll(container.NewPadded(v.announce)))
	v.shortTab = container.NewTabItem("", shortPane)
	v.tabs = container.NewAppTabs(v.groupsTab, v.announceTab, v.shortTab)
	v.updateTabTitles()

	toolbar := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(T("broadcast.district")), container.New(fixedWidth(250), v.munSel),
			widget.NewLabel(T("broadcast.period")), container.New(fixedWidth(130), v.periodSel)),
		v.airLabel, v.periodLabel)
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(left)), v.tabs)
	split.SetOffset(0.44)
	v.head = container.NewVBox(container.NewPadded(toolbar), v.errLabel, v.status)
	v.content = container.NewBorder(v.head, nil, nil, nil, split)
	v.render()
	return v
}

func heading(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return l
}

func wrapLabel(s string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// start picks the next broadcast's municipality and loads its panel.
func (v *broadcastView) start() {
	if v.district != "" {
		v.load()
		return
	}
	async(v.b, func(ctx context.Context) (data.Broadcast, error) {
		b, ok, err := v.core.NextBroadcast(ctx)
		if err == nil && !ok {
			return data.Broadcast{}, nil
		}
		return b, err
	}, func(b data.Broadcast, err error) {
		if err != nil {
			v.showError(err)
		}
		code := b.District
		if _, ok := v.munIdx[code]; !ok && len(v.muns) > 0 {
			code = v.muns[0].Code
		}
		v.selectDistrict(code)
	})
}

// selectDistrict shows code's panel, as if picked in the list.
func (v *broadcastView) selectDistrict(code string) {
	i, ok := v.munIdx[code]
	if !ok {
		return
	}
	if v.munSel.SelectedIndex() == i && v.district == code {
		v.load()
		return
	}
	v.munSel.SetSelectedIndex(i) // calls load through OnChanged
}

// period is the chosen number of days up to and including today.
func (v *broadcastView) period() (from, to time.Time) {
	_, to = v.core.DefaultPeriod()
	return to.AddDate(0, 0, -v.days), to
}

// load fetches the panel for the chosen municipality and period.
func (v *broadcastView) load() {
	if v.district == "" {
		return
	}
	v.loading++
	v.allGroups, v.allOverdue = false, false
	gen, district := v.loading, v.district
	from, to := v.period()
	if v.errLabel.Visible() {
		v.errLabel.Hide()
		v.content.Refresh()
	}
	// The counts and the groups are fetched at once, on two readers; the
	// counts show first, the groups when ready: grouping a big district
	// takes longer than everything else together.
	type grouped struct {
		groups    []brief.Cluster
		questions int
		err       error
	}
	var early *grouped // groups that came before the counts
	showGroups := func(g grouped) {
		v.grouping = false
		if g.err != nil {
			v.showError(g.err)
		}
		v.panel.Groups, v.panel.Questions = g.groups, g.questions
		v.renderSummary()
		v.renderGroups()
		v.updateTabTitles()
	}
	async(v.b, func(ctx context.Context) (BroadcastData, error) {
		return v.core.BroadcastStats(ctx, district, from, to)
	}, func(p BroadcastData, err error) {
		if gen != v.loading {
			return
		}
		if err != nil {
			v.showError(err)
			return
		}
		v.panel, v.panelGen = &p, gen
		v.grouping = true
		v.dirty = map[int64]bool{}
		v.render()
		if early != nil {
			showGroups(*early)
		}
	})
	async(v.b, func(ctx context.Context) (grouped, error) {
		g, n, err := v.core.BroadcastGroups(ctx, district, from, to)
		return grouped{g, n, err}, nil
	}, func(g grouped, _ error) {
		if gen != v.loading {
			return
		}
		if v.panel == nil || v.panelGen != gen {
			early = &g
			return
		}
		showGroups(g)
	})
}

func (v *broadcastView) showError(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	v.errLabel.SetText(Tf("broadcast.error", map[string]any{"Error": err.Error()}))
	v.errLabel.Show()
	v.content.Refresh() // the head grew
}

func (v *broadcastView) say(s string) {
	v.errLabel.Hide()
	v.status.SetText(s)
	v.status.Show()
	v.content.Refresh()
}

func (v *broadcastView) updateTabTitles() {
	g, a, s := 0, 0, 0
	if p := v.panel; p != nil {
		g, a, s = len(p.Groups), len(p.Announcement), len(p.Shortlist)
	}
	v.groupsTab.Text = Tf("broadcast.tab_groups", map[string]any{"N": g})
	v.announceTab.Text = Tf("broadcast.tab_announcement", map[string]any{"N": a})
	v.shortTab.Text = Tf("broadcast.tab_shortlist", map[string]any{"N": s})
	v.tabs.Refresh()
}

// render rebuilds the panel from v.panel.
func (v *broadcastView) render() {
	p := v.panel
	if p == nil {
		v.periodLabel.SetText("")
		v.airLabel.SetText("")
		v.summary.Objects = nil
		v.groups.Objects = []fyne.CanvasObject{wrapLabel(T("broadcast.loading"), widget.MediumImportance)}
		v.updateTabTitles()
		return
	}
	span := func(from, to time.Time) string {
		return from.In(msk).Format("02.01") + "–" + to.In(msk).Add(-time.Second).Format("02.01.2006")
	}
	v.periodLabel.SetText(span(p.From, p.To) + " · " + T("broadcast.vs") + " " + span(p.PrevFrom, p.PrevTo))
	if p.Broadcast != nil {
		at := p.Broadcast.PlannedAt.In(msk)
		v.airLabel.SetText(Tf("broadcast.air_at", map[string]any{"When": dayMonth(at) + ", " + at.Format("15:04")}))
	} else {
		v.airLabel.SetText(T("broadcast.no_air"))
	}
	v.renderSummary()
	v.renderCategories()
	days := make([]time.Time, len(p.Timeline))
	counts := make([]int, len(p.Timeline))
	for i, d := range p.Timeline {
		days[i], counts[i] = d.Day, d.Count
	}
	v.chart.Set(days, counts)
	v.renderSources()
	v.renderFollowUps()
	v.renderOverdue()
	v.renderGroups()
	v.renderAnnouncement()
	v.renderShortlist()
	v.updateTabTitles()
	v.content.Refresh()
}

func (v *broadcastView) renderSummary() {
	p := v.panel
	card := func(title, value string, c color.Color) fyne.CanvasObject {
		n := canvas.NewText(value, c)
		n.TextSize = theme.TextSize() * 1.8
		n.TextStyle = fyne.TextStyle{Bold: true}
		t := widget.NewLabel(title)
		t.Importance = widget.MediumImportance
		t.Wrapping = fyne.TextWrapWord
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		bg.CornerRadius = theme.InputRadiusSize() + 2
		return container.NewStack(bg, container.NewPadded(container.NewVBox(n, t)))
	}
	fg := theme.Color(theme.ColorNameForeground)
	overdueCol := fg
	if p.OverdueTotal > 0 {
		overdueCol = colNegative
	}
	v.summary.Objects = []fyne.CanvasObject{
		card(T("broadcast.card_total"), formatInt(p.Total)+" "+trendArrow(p.Total, p.PrevTotal), fg),
		card(T("broadcast.card_open"), formatInt(p.Open), fg),
		card(T("broadcast.card_overdue"), formatInt(p.OverdueTotal), overdueCol),
		card(T("broadcast.card_questions"), formatInt(p.Questions), fg),
	}
	v.summary.Refresh()
}

// trendArrow is ▲ or ▼ when the count moved by 5 % or more.
func trendArrow(n, prev int) string {
	switch brief.TrendOf(n, prev).Dir {
	case 1:
		return "▲"
	case -1:
		return "▼"
	}
	return ""
}

func (v *broadcastView) renderCategories() {
	p := v.panel
	scale := 1
	for _, c := range p.Categories {
		scale = max(scale, c.Count, c.PrevCount)
	}
	v.cats.Objects = nil
	for _, c := range p.Categories {
		if c.Count == 0 && c.PrevCount == 0 {
			continue
		}
		name := widget.NewLabel(v.catDisplayName(c))
		name.Truncation = fyne.TextTruncateEllipsis
		tr := brief.TrendOf(c.Count, c.PrevCount)
		col := theme.Color(theme.ColorNamePlaceHolder)
		switch tr.Dir {
		case 1:
			col = colUp
		case -1:
			col = colDown
		}
		label := tr.Label
		if tr.Dir == 0 && tr.Label != "—" {
			label = "≈"
		}
		if tr.Label == "новое" {
			label = T("broadcast.trend_new")
		}
		trend := canvas.NewText(label, col)
		trend.TextSize = theme.CaptionTextSize() + 1
		trend.Alignment = fyne.TextAlignTrailing
		count := widget.NewLabelWithStyle(formatInt(c.Count), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		right := container.NewHBox(container.New(fixedWidth(52), count), container.New(fixedWidth(70), container.NewCenter(trend)))
		row := container.NewBorder(nil, nil, container.New(fixedWidth(190), name), right, newBarPair(c.Count, c.PrevCount, scale))
		v.cats.Add(row)
	}
	legend := wrapLabel(T("broadcast.categories_legend"), widget.MediumImportance)
	v.cats.Add(legend)
	v.cats.Refresh()
}

// catDisplayName follows the UI language for the shipped categories.
func (v *broadcastView) catDisplayName(c brief.CategoryStat) string {
	if c.Code == "" {
		return T("broadcast.no_category")
	}
	if en := v.catEN[c.Code]; currentLang == LangEnglish && en != "" {
		return en
	}
	return c.Name
}

func (v *broadcastView) renderSources() {
	p := v.panel
	row := func(title string, parts []stackPart) fyne.CanvasObject {
		var legend []string
		total := 0
		for _, pt := range parts {
			total += pt.n
		}
		for _, pt := range parts {
			pct := 0
			if total > 0 {
				pct = (pt.n*100 + total/2) / total
			}
			legend = append(legend, fmt.Sprintf("%s — %s (%d%%)", pt.label, formatInt(pt.n), pct))
		}
		return container.NewVBox(
			widget.NewLabel(title),
			container.New(fixedHeight(14), newStackBar(parts)),
			wrapLabel(strings.Join(legend, " · "), widget.MediumImportance))
	}
	v.sources.Objects = []fyne.CanvasObject{
		row(T("broadcast.social_vs_pos"), []stackPart{
			{T("broadcast.social"), p.Social, platformColor(data.VK)},
			{T("broadcast.pos"), p.POS, color.NRGBA{R: 0xee, G: 0x82, B: 0x08, A: 0xff}},
		}),
		row(T("broadcast.sentiment"), []stackPart{
			{T("broadcast.negative"), p.Sentiment.Neg, colNegative},
			{T("broadcast.neutral"), p.Sentiment.Neu, colNeutral},
			{T("broadcast.positive"), p.Sentiment.Pos, colPositive},
		}),
	}
	v.sources.Refresh()
}

func (v *broadcastView) renderFollowUps() {
	p := v.panel
	v.followUps.Objects = nil
	if len(p.FollowUps) > 0 {
		v.followUps.Add(heading(TN("broadcast.followups", len(p.FollowUps))))
		now := v.now()
		for _, f := range p.FollowUps {
			due := f.FollowUpDue.In(msk)
			text := Tf("broadcast.followup_line", map[string]any{"Air": dayMonth(f.BroadcastAt.In(msk)), "Owner": f.FollowUpOwner,
				"Due": dayMonth(due), "Open": f.Open})
			imp := widget.MediumImportance
			if due.Before(now) {
				imp = widget.DangerImportance
			}
			v.followUps.Add(container.NewVBox(wrapLabel(firstLine(f.Text, 160), widget.MediumImportance), wrapLabel(text, imp)))
		}
	}
	v.followUps.Refresh()
}

func (v *broadcastView) renderOverdue() {
	p := v.panel
	v.overdue.Objects = nil
	if p.OverdueTotal == 0 {
		v.overdue.Add(wrapLabel(T("broadcast.no_overdue"), widget.MediumImportance))
	} else if p.OverdueTotal > len(p.Overdue) {
		v.overdue.Add(wrapLabel(Tf("broadcast.overdue_shown", map[string]any{"Shown": len(p.Overdue), "Total": formatInt(p.OverdueTotal)}), widget.MediumImportance))
	}
	now := v.now()
	shown := p.Overdue
	if !v.allOverdue && len(shown) > overdueShown {
		shown = shown[:overdueShown]
	}
	for _, m := range shown {
		when := ago(now, m.CreatedAt)
		meta := widget.NewLabel(when + " · " + m.AuthorName)
		meta.Importance = widget.MediumImportance
		meta.Truncation = fyne.TextTruncateEllipsis
		text := widget.NewLabel(firstLine(m.Text, 140))
		text.Truncation = fyne.TextTruncateEllipsis
		head := container.NewBorder(nil, nil, newChip(platformShort(m.Platform), platformColor(m.Platform), false), nil, meta)
		v.overdue.Add(container.NewVBox(head, text))
	}
	if rest := len(p.Overdue) - len(shown); rest > 0 {
		v.overdue.Add(widget.NewButton(TN("broadcast.more_overdue", rest), func() {
			v.allOverdue = true
			v.renderOverdue()
		}))
	}
	v.overdue.Refresh()
}

// shortlisted reports whether a message already heads a shortlist item.
func (v *broadcastView) shortlisted(id int64) bool {
	for _, it := range v.panel.Shortlist {
		if it.MessageID == id {
			return true
		}
	}
	return false
}

func (v *broadcastView) addButton(id int64, add func()) *widget.Button {
	btn := widget.NewButtonWithIcon(T("broadcast.add"), theme.ContentAddIcon(), add)
	switch {
	case v.shortlisted(id):
		btn.SetText(T("broadcast.added"))
		btn.SetIcon(theme.ConfirmIcon())
		btn.Disable()
	case v.panel.Broadcast == nil:
		btn.Disable()
	default:
		btn.Importance = widget.HighImportance
	}
	return btn
}

func (v *broadcastView) renderGroups() {
	p := v.panel
	v.groups.Objects = nil
	v.groupBtns = nil
	if p.Broadcast == nil {
		v.groups.Add(wrapLabel(T("broadcast.no_air_hint"), widget.WarningImportance))
	}
	switch {
	case v.grouping:
		v.groups.Add(wrapLabel(T("broadcast.grouping"), widget.MediumImportance))
	case len(p.Groups) == 0:
		v.groups.Add(wrapLabel(T("broadcast.no_groups"), widget.MediumImportance))
	}
	shown := p.Groups
	if !v.allGroups && len(shown) > groupsShown {
		shown = shown[:groupsShown]
	}
	for i, g := range shown {
		rep := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, g.Representative), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		rep.Wrapping = fyne.TextWrapWord
		facts := TN("broadcast.group_size", g.Size) + " · " + TN("broadcast.unanswered", g.Unanswered)
		chip := newChip(v.categoryName(g.Category), nil, false)
		meta := container.NewHBox(chip, widget.NewLabel(facts))
		box := container.NewVBox(rep, meta)
		for _, q := range g.Quotes {
			if q.ID == g.RepresentativeID && len(g.Quotes) > 1 {
				continue // already the heading
			}
			ql := widget.NewLabelWithStyle("«"+firstLine(q.Text, 220)+"» — "+q.Author, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
			ql.Wrapping = fyne.TextWrapWord
			ql.Importance = widget.MediumImportance
			box.Add(ql)
		}
		g := g
		add := v.addButton(g.RepresentativeID, func() { v.addGroup(g) })
		v.groupBtns = append(v.groupBtns, add)
		box.Add(container.NewHBox(layout.NewSpacer(), add))
		box.Add(widget.NewSeparator())
		v.groups.Add(box)
	}
	if rest := len(p.Groups) - len(shown); rest > 0 {
		v.groups.Add(widget.NewButton(TN("broadcast.more_groups", rest), func() {
			v.allGroups = true
			v.renderGroups()
		}))
	}
	v.groups.Refresh()
}

func (v *broadcastView) categoryName(code string) string {
	for _, c := range v.panel.Categories {
		if c.Code == code {
			return v.catDisplayName(c)
		}
	}
	return v.catDisplayName(brief.CategoryStat{Code: code, Name: code})
}

func (v *broadcastView) renderAnnouncement() {
	p := v.panel
	v.announce.Objects = nil
	v.annBtns = nil
	if p.Broadcast == nil || len(p.Announcement) == 0 {
		v.announce.Add(wrapLabel(T("broadcast.no_announcement"), widget.MediumImportance))
	} else {
		v.announce.Add(wrapLabel(T("broadcast.announcement_hint"), widget.MediumImportance))
	}
	now := v.now()
	for _, it := range p.Announcement {
		text := widget.NewLabel(it.Text)
		text.Wrapping = fyne.TextWrapWord
		meta := widget.NewLabel(it.Author + " · " + ago(now, it.Created))
		meta.Importance = widget.MediumImportance
		it := it
		add := v.addButton(it.ID, func() { v.addMessage(it) })
		v.annBtns = append(v.annBtns, add)
		v.announce.Add(container.NewVBox(text, container.NewBorder(nil, nil, nil, add, meta), widget.NewSeparator()))
	}
	v.announce.Refresh()
}

func (v *broadcastView) renderShortlist() {
	p := v.panel
	v.shortlist.Objects = nil
	v.rows = nil
	for _, b := range v.exportBtns {
		b.Enable()
	}
	if p.Broadcast == nil {
		v.shortlist.Add(wrapLabel(T("broadcast.no_air_hint"), widget.WarningImportance))
		if v.planDate.Text == "" {
			v.planDate.SetText(v.now().In(msk).AddDate(0, 0, 14).Format("02.01.2006"))
		}
		plan := widget.NewButtonWithIcon(T("broadcast.plan"), theme.ContentAddIcon(), v.plan)
		v.shortlist.Add(container.NewBorder(nil, nil, widget.NewLabel(T("broadcast.plan_date")), plan, v.planDate))
		v.complete.Disable()
		v.shortlist.Refresh()
		return
	}
	if len(p.Shortlist) == 0 {
		v.shortlist.Add(wrapLabel(T("broadcast.shortlist_empty"), widget.MediumImportance))
		v.complete.Disable()
	} else {
		v.complete.Enable()
	}
	if v.due.Text == "" { // ten days after the stream, the usual term for a follow-up
		base := v.now()
		if p.Broadcast.PlannedAt.After(base) {
			base = p.Broadcast.PlannedAt
		}
		v.due.SetText(base.In(msk).AddDate(0, 0, 10).Format("02.01.2006"))
	}
	for i := range p.Shortlist {
		v.shortlist.Add(v.shortRow(i))
	}
	v.shortlist.Refresh()
}

// shortRowUI is one rendered shortlist row's controls.
type shortRowUI struct {
	up, down, del, edit *widget.Button
	answered            *widget.Check
}

// shortRow is one shortlist item: its number and wording, ↑ ↓ ✎ ✕, the
// agency and the note, and «Отвечено в эфире». Text fields live in a dialog:
// entries inside the scrolled list would scroll within a scroll.
func (v *broadcastView) shortRow(i int) fyne.CanvasObject {
	p := v.panel
	it := p.Shortlist[i]
	id := it.ID
	title := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, it.Text), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	facts := widget.NewLabel(TN("broadcast.group_size", max(len(it.Members), 1)) + " · " + TN("broadcast.unanswered", it.Open))
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { v.move(id, -1) })
	down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { v.move(id, 1) })
	edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { v.editItem(id) })
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { v.remove(id) })
	if i == 0 {
		up.Disable()
	}
	if i == len(p.Shortlist)-1 {
		down.Disable()
	}
	answered := widget.NewCheck(T("broadcast.answered"), nil)
	answered.SetChecked(it.AnsweredOnAir)
	answered.OnChanged = func(on bool) { v.mark(id, on) }
	v.rows = append(v.rows, shortRowUI{up: up, down: down, del: del, edit: edit, answered: answered})
	box := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(up, down, edit, del), title),
		container.NewBorder(nil, nil, nil, answered, facts))
	agency := it.Agency
	if agency == "" {
		agency = T("broadcast.agency_none")
	}
	box.Add(wrapLabel(T("broadcast.agency")+": "+agency, widget.MediumImportance))
	if it.Note != "" {
		note := widget.NewLabelWithStyle(it.Note, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		note.Wrapping = fyne.TextWrapWord
		box.Add(note)
	}
	box.Add(widget.NewSeparator())
	return box
}

// mark sets «Отвечено в эфире» in memory; it is saved with the next change
// of the shortlist, the export or «Создать поручения».
func (v *broadcastView) mark(id int64, on bool) {
	for i := range v.panel.Shortlist {
		if v.panel.Shortlist[i].ID == id {
			v.panel.Shortlist[i].AnsweredOnAir = on
			v.dirty[id] = true
		}
	}
}

// editItem opens the agency and note of a shortlist item in a dialog and
// saves them on «Сохранить».
func (v *broadcastView) editItem(id int64) {
	var it ShortlistItem
	for _, x := range v.panel.Shortlist {
		if x.ID == id {
			it = x
		}
	}
	if it.ID == 0 {
		return
	}
	agency := widget.NewEntry()
	agency.SetPlaceHolder(T("broadcast.agency_hint"))
	agency.SetText(it.Agency)
	note := widget.NewMultiLineEntry()
	note.SetPlaceHolder(T("broadcast.note_hint"))
	note.Wrapping = fyne.TextWrapWord
	note.SetMinRowsVisible(4)
	note.SetText(it.Note)
	text := widget.NewEntry()
	text.SetText(it.Text)
	text.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(T("broadcast.text_required"))
		}
		return nil
	}
	d := dialog.NewForm(T("broadcast.edit_title"), T("broadcast.save"), T("broadcast.cancel"), []*widget.FormItem{
		widget.NewFormItem(T("broadcast.wording"), text),
		widget.NewFormItem(T("broadcast.agency"), agency),
		widget.NewFormItem(T("broadcast.note"), note),
	}, func(ok bool) {
		if !ok {
			return
		}
		it.Text, it.Agency, it.Note = strings.TrimSpace(text.Text), strings.TrimSpace(agency.Text), strings.TrimSpace(note.Text)
		if v.dirty[id] {
			for _, x := range v.panel.Shortlist {
				if x.ID == id {
					it.AnsweredOnAir = x.AnsweredOnAir
				}
			}
		}
		v.changeShortlist(func(ctx context.Context, _ int64) error { return v.core.UpdateShortlistItem(ctx, it) }, nil)
	}, v.win)
	d.Resize(fyne.NewSize(640, 380))
	v.editing = &itemEditor{form: d, text: text, agency: agency, note: note}
	d.Show()
}

// itemEditor is the open edit dialog, for tests.
type itemEditor struct {
	form               *dialog.FormDialog
	text, agency, note *widget.Entry
}

// pending returns the edited items to save, and forgets that they are dirty.
func (v *broadcastView) pending() []ShortlistItem {
	var out []ShortlistItem
	if v.panel == nil {
		return nil
	}
	for _, it := range v.panel.Shortlist {
		if v.dirty[it.ID] {
			out = append(out, it)
		}
	}
	v.dirty = map[int64]bool{}
	return out
}

func (v *broadcastView) saveItems(ctx context.Context, items []ShortlistItem) error {
	for _, it := range items {
		if err := v.core.UpdateShortlistItem(ctx, it); err != nil {
			return err
		}
	}
	return nil
}

// changeShortlist saves pending edits, runs change and shows the shortlist
// as stored afterwards.
func (v *broadcastView) changeShortlist(change func(ctx context.Context, broadcastID int64) error, done func()) {
	if v.panel == nil || v.panel.Broadcast == nil {
		return
	}
	bid, items := v.panel.Broadcast.ID, v.pending()
	async(v.b, func(ctx context.Context) ([]ShortlistItem, error) {
		if err := v.saveItems(ctx, items); err != nil {
			return nil, err
		}
		if err := change(ctx, bid); err != nil {
			return nil, err
		}
		return v.core.Shortlist(ctx, bid)
	}, func(list []ShortlistItem, err error) {
		if err != nil {
			v.showError(err)
			return
		}
		if v.panel == nil || v.panel.Broadcast == nil || v.panel.Broadcast.ID != bid {
			return // another municipality is shown by now
		}
		v.panel.Shortlist = list
		v.renderGroups()
		v.renderAnnouncement()
		v.renderShortlist()
		v.updateTabTitles()
		if done != nil {
			done()
		}
	})
}

func (v *broadcastView) addGroup(g brief.Cluster) {
	v.changeShortlist(func(ctx context.Context, bid int64) error {
		_, err := v.core.ShortlistGroup(ctx, bid, g)
		return err
	}, func() { v.say(Tf("broadcast.added_status", map[string]any{"N": len(v.panel.Shortlist)})) })
}

func (v *broadcastView) addMessage(it brief.Item) {
	v.changeShortlist(func(ctx context.Context, bid int64) error {
		_, err := v.core.ShortlistMessage(ctx, bid, it)
		return err
	}, func() { v.say(Tf("broadcast.added_status", map[string]any{"N": len(v.panel.Shortlist)})) })
}

func (v *broadcastView) move(id int64, delta int) {
	v.changeShortlist(func(ctx context.Context, _ int64) error { return v.core.MoveShortlistItem(ctx, id, delta) }, nil)
}

func (v *broadcastView) remove(id int64) {
	v.changeShortlist(func(ctx context.Context, _ int64) error { return v.core.RemoveShortlistItem(ctx, id) }, nil)
}

// plan plans a broadcast with the shown municipality on the typed date, at
// noon Moscow time, the usual hour of the governor's live streams.
func (v *broadcastView) plan() {
	day, err := time.ParseInLocation("02.01.2006", strings.TrimSpace(v.planDate.Text), msk)
	if err != nil {
		v.showError(errors.New(T("broadcast.bad_date")))
		return
	}
	district := v.district
	async(v.b, func(ctx context.Context) (data.Broadcast, error) {
		return v.core.PlanBroadcast(ctx, district, day.Add(12*time.Hour))
	}, func(_ data.Broadcast, err error) {
		if err != nil {
			v.showError(err)
			return
		}
		v.load()
	})
}

// briefingName is the suggested file name: «Эфир — Рославльский район — 25.11.2026.pdf».
func (v *broadcastView) briefingName(format string) string {
	name := v.panel.DistrictName
	date := v.now().In(msk)
	if v.panel.Broadcast != nil {
		date = v.panel.Broadcast.PlannedAt.In(msk)
	}
	return fmt.Sprintf("%s — %s — %s.%s", T("broadcast.file_prefix"), name, date.Format("02.01.2006"), format)
}

// export saves pending edits and writes the briefing where the user says.
func (v *broadcastView) export(format string) {
	if v.panel == nil {
		return
	}
	v.savePath(format, v.briefingName(format), func(path string) {
		if path == "" {
			return
		}
		items := v.pending()
		p := *v.panel
		p.Shortlist = slices.Clone(p.Shortlist)
		opts := BriefingOptions{Pseudonymise: v.pseudo.Checked}
		for _, b := range v.exportBtns {
			b.Disable()
		}
		async(v.b, func(ctx context.Context) (string, error) {
			if err := v.saveItems(ctx, items); err != nil {
				return "", err
			}
			return path, v.core.ExportBriefing(ctx, p, opts, format, path)
		}, func(path string, err error) {
			for _, b := range v.exportBtns {
				b.Enable()
			}
			if err != nil {
				v.showError(err)
				return
			}
			v.say(Tf("broadcast.saved", map[string]any{"Path": path}))
		})
	})
}

func (v *broadcastView) saveDialog(format, name string, done func(string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showError(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		done(path)
	}, v.win)
	d.SetFileName(name)
	d.Show()
}

// completeBroadcast marks the checked items answered on air and makes
// follow-ups of the rest for the owner by the deadline.
func (v *broadcastView) completeBroadcast() {
	if v.panel == nil || v.panel.Broadcast == nil {
		return
	}
	owner := strings.TrimSpace(v.owner.Text)
	day, err := time.ParseInLocation("02.01.2006", strings.TrimSpace(v.due.Text), msk)
	if err != nil {
		v.showError(errors.New(T("broadcast.bad_date")))
		return
	}
	due := day.Add(18 * time.Hour) // the end of the working day
	var answered []int64
	rest := 0
	for _, it := range v.panel.Shortlist {
		if it.AnsweredOnAir {
			answered = append(answered, it.ID)
		} else {
			rest++
		}
	}
	if rest > 0 && owner == "" {
		v.showError(errors.New(T("broadcast.need_owner")))
		return
	}
	bid, items := v.panel.Broadcast.ID, v.pending()
	v.complete.Disable()
	async(v.b, func(ctx context.Context) (int, error) {
		if err := v.saveItems(ctx, items); err != nil {
			return 0, err
		}
		return v.core.CompleteBroadcast(ctx, bid, answered, owner, due)
	}, func(n int, err error) {
		v.complete.Enable()
		if err != nil {
			v.showError(err)
			return
		}
		v.say(TN("broadcast.completed", n, map[string]any{"Answered": len(answered), "Tag": app.FollowUpTag}))
		v.load()
	})
}
