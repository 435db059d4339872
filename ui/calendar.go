package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/app/plan"
	"otklik/data"
)

// Calendar geometry.
const (
	calMonthChips  = 3  // chips a month cell shows before «ещё N»
	calWeekChips   = 4  // chips an hour of the week grid shows before «ещё N»
	calHourMin     = 44 // height of an hour row in the week grid
	calChipH       = 20 // a chip's height with its gap
	calSideWidth   = 380
	calHourColumn  = 46
	calFirstHour   = 8 // the week grid opens scrolled to the working day
	calExportBack  = 30 * 24 * time.Hour
	calExportAhead = 120 * 24 * time.Hour
)

// calendarView is the content calendar: a month or week grid of planned
// items per account or for all, and the «Правила и пробелы» panel.
type calendarView struct {
	core CalendarCore
	b    *bridge
	now  func() time.Time
	win  fyne.Window

	content fyne.CanvasObject

	week     bool
	anchor   time.Time // a day of the period shown, Moscow midnight
	account  int64     // 0: all accounts
	accounts []data.Account
	items    []data.CalendarItem
	report   plan.Report
	gen      int

	title      *widget.Label
	modeSel    *widget.RadioGroup
	accSel     *widget.Select
	gridHolder *fyne.Container
	weekScroll *container.Scroll
	side       *calendarSide
	cells      []*calCell
	chips      []*calItemChip
	target     *calCell
	editor     *calendarEditor
}

func newCalendarView(core CalendarCore, b *bridge, now func() time.Time, win fyne.Window) *calendarView {
	v := &calendarView{core: core, b: b, now: now, win: win, anchor: dayOf(now())}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.step(-1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { v.step(1) })
	today := widget.NewButton(T("calendar.today"), v.goToday)
	v.modeSel = widget.NewRadioGroup([]string{T("calendar.month"), T("calendar.week")}, func(s string) {
		week := s == T("calendar.week")
		if week != v.week {
			v.week = week
			v.reload()
		}
	})
	v.modeSel.Horizontal = true
	v.modeSel.Required = true
	v.modeSel.SetSelected(T("calendar.month"))
	v.accSel = widget.NewSelect([]string{T("calendar.all_accounts")}, func(string) { v.accountChosen() })
	v.accSel.SetSelectedIndex(0)
	add := widget.NewButtonWithIcon(T("calendar.add"), theme.ContentAddIcon(), func() { v.create(v.defaultSlot()) })
	add.Importance = widget.HighImportance
	export := widget.NewButtonWithIcon(T("calendar.export"), theme.DownloadIcon(), v.exportDialog)

	nav := container.NewHBox(prev, today, next, v.title)
	tools := container.NewHBox(v.modeSel, container.New(fixedWidth(250), v.accSel), add, export)
	bar := container.NewBorder(nil, nil, nav, tools)
	v.gridHolder = container.NewStack()
	v.side = newCalendarSide(v)
	body := container.NewBorder(nil, v.legend(), nil, nil, v.gridHolder)
	main := container.NewBorder(container.NewPadded(bar), nil, nil,
		container.New(fixedWidth(calSideWidth), v.side.content), container.NewPadded(body))
	v.content = main
	return v
}

// legend explains the chips' colours under the grid.
func (v *calendarView) legend() fyne.CanvasObject {
	box := container.NewHBox()
	for _, k := range app.CalendarKinds {
		box.Add(newChip(T("calendar.kind."+k), calKindColor(k), false))
	}
	box.Add(newChip(T("calendar.missed"), calMissedColor, true))
	// The hint wraps rather than widening the window on a laptop screen.
	hint := widget.NewLabel(T("calendar.legend_hint"))
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, container.NewCenter(box), nil, hint)
}

// rangeShown is the period the grid draws: six whole weeks around the month,
// or one ISO week.
func (v *calendarView) rangeShown() (from, to time.Time) {
	if v.week {
		from = mondayOf(v.anchor)
		return from, from.AddDate(0, 0, 7)
	}
	from = mondayOf(monthOf(v.anchor))
	return from, from.AddDate(0, 0, 42)
}

func (v *calendarView) step(dir int) {
	if v.week {
		v.anchor = v.anchor.AddDate(0, 0, 7*dir)
	} else {
		v.anchor = monthOf(v.anchor).AddDate(0, dir, 0)
	}
	v.reload()
}

func (v *calendarView) goToday() {
	v.anchor = dayOf(v.now())
	v.reload()
}

func (v *calendarView) accountChosen() {
	i := v.accSel.SelectedIndex()
	id := int64(0)
	if i > 0 && i-1 < len(v.accounts) {
		id = v.accounts[i-1].ID
	}
	if id != v.account {
		v.account = id
		v.reload()
	}
}

type calData struct {
	accounts []data.Account
	items    []data.CalendarItem
	report   plan.Report
}

// reload reads the period, the accounts and the rules check off the UI
// goroutine; only the latest request is applied.
func (v *calendarView) reload() {
	v.gen++
	gen := v.gen
	from, to := v.rangeShown()
	acc, now, lang := v.account, v.now(), currentLang
	v.renderTitle()
	async(v.b, func(ctx context.Context) (calData, error) {
		var d calData
		var err error
		if d.accounts, err = v.core.CalendarAccounts(ctx); err != nil {
			return d, err
		}
		if d.items, err = v.core.CalendarItems(ctx, from, to, acc); err != nil {
			return d, err
		}
		d.report, err = v.core.CheckCalendar(ctx, now, lang)
		return d, err
	}, func(d calData, err error) {
		if gen != v.gen {
			return
		}
		if err != nil {
			v.showError(err)
			return
		}
		v.accounts, v.items, v.report = d.accounts, d.items, d.report
		v.renderAccounts()
		v.render()
		v.side.render()
	})
}

func (v *calendarView) renderTitle() {
	if v.week {
		from := mondayOf(v.anchor)
		to := from.AddDate(0, 0, 6)
		v.title.SetText(Tf("calendar.week_title", map[string]any{"From": dayMonth(from), "To": dayMonth(to), "Year": to.Year()}))
		v.modeSel.SetSelected(T("calendar.week"))
		return
	}
	m := monthOf(v.anchor)
	v.title.SetText(T("calendar.month."+strconv.Itoa(int(m.Month()))) + " " + strconv.Itoa(m.Year()))
	v.modeSel.SetSelected(T("calendar.month"))
}

func (v *calendarView) renderAccounts() {
	opts := []string{T("calendar.all_accounts")}
	sel := 0
	for i, a := range v.accounts {
		opts = append(opts, calAccountLabel(a))
		if a.ID == v.account {
			sel = i + 1
		}
	}
	v.accSel.Options = opts
	v.accSel.OnChanged = nil
	v.accSel.SetSelectedIndex(sel)
	v.accSel.OnChanged = func(string) { v.accountChosen() }
	v.accSel.Refresh()
}

// itemLabel is a chip's text: the time and the title; with all accounts
// shown, the network's short name first.
func (v *calendarView) itemLabel(it data.CalendarItem) string {
	title := it.Title
	if title == "" {
		title = firstLine(it.Text, 60)
	}
	s := it.PlannedAt.In(msk).Format("15:04") + " " + title
	if v.account == 0 {
		for _, a := range v.accounts {
			if a.ID == it.AccountID {
				s = platformShort(a.Platform) + " " + s
			}
		}
	}
	return s
}

func (v *calendarView) newChip(it data.CalendarItem) *calItemChip {
	c := newCalItemChip(it, app.CalendarMissed(it, v.now()), v.itemLabel(it))
	c.onTap = func(it data.CalendarItem) { v.open(it) }
	c.onDrag = func(_ *calItemChip, abs fyne.Position) { v.hoverCell(v.cellAt(abs)) }
	c.onDrop = v.drop
	v.chips = append(v.chips, c)
	return c
}

func (v *calendarView) render() {
	v.cells, v.chips, v.target = nil, nil, nil
	var grid fyne.CanvasObject
	if v.week {
		grid = v.weekGrid()
	} else {
		grid = v.monthGrid()
	}
	v.gridHolder.Objects = []fyne.CanvasObject{grid}
	v.gridHolder.Refresh()
}

func (v *calendarView) itemsOn(day time.Time) []data.CalendarItem {
	var out []data.CalendarItem
	for _, it := range v.items {
		if dayOf(it.PlannedAt).Equal(day) {
			out = append(out, it)
		}
	}
	return out
}

func (v *calendarView) weekdayHeader(days []time.Time, withDate bool) fyne.CanvasObject {
	today := dayOf(v.now())
	objs := make([]fyne.CanvasObject, len(days))
	for i, d := range days {
		name := T("calendar.wd." + strconv.Itoa(int(d.Weekday())))
		if withDate {
			name += ", " + strconv.Itoa(d.Day())
		}
		if d.Equal(today) {
			objs[i] = container.NewCenter(newChip(name, nil, true))
			continue
		}
		t := canvas.NewText(name, theme.Color(theme.ColorNamePlaceHolder))
		t.TextStyle.Bold = true
		t.Alignment = fyne.TextAlignCenter
		objs[i] = t
	}
	return container.New(&calGrid{cols: len(days), rows: 1, rowH: 24}, objs...)
}

func (v *calendarView) monthGrid() fyne.CanvasObject {
	from, _ := v.rangeShown()
	month := monthOf(v.anchor).Month()
	today := dayOf(v.now())
	var days []time.Time
	for i := 0; i < 7; i++ {
		days = append(days, from.AddDate(0, 0, i))
	}
	cells := make([]fyne.CanvasObject, 0, 42)
	for i := 0; i < 42; i++ {
		day := from.AddDate(0, 0, i)
		col := container.New(calColumn{})
		num := canvas.NewText(strconv.Itoa(day.Day()), theme.Color(theme.ColorNameForeground))
		num.TextSize = theme.CaptionTextSize() + 1
		var head fyne.CanvasObject = num
		if day.Equal(today) {
			head = container.NewHBox(newChip(strconv.Itoa(day.Day())+" · "+T("calendar.today_short"), nil, true))
		} else if day.Month() != month {
			num.Color = theme.Color(theme.ColorNamePlaceHolder)
		}
		col.Add(head)
		items := v.itemsOn(day)
		for k, it := range items {
			if k == calMonthChips && len(items) > calMonthChips+1 {
				d := day
				col.Add(newCalLink(TN("calendar.more", len(items)-calMonthChips), func() {
					v.anchor, v.week = d, true
					v.reload()
				}))
				break
			}
			col.Add(v.newChip(it))
		}
		cell := newCalCell(day, -1, col)
		cell.today, cell.outside = day.Equal(today), day.Month() != month
		cell.onDoubleTap = func(c *calCell) { v.create(c.at(v.slotClock(c.day))) }
		v.cells = append(v.cells, cell)
		cells = append(cells, cell)
	}
	body := container.New(&calGrid{cols: 7, rows: 6}, cells...)
	return container.NewBorder(v.weekdayHeader(days, false), nil, nil, nil, body)
}

func (v *calendarView) weekGrid() fyne.CanvasObject {
	from, _ := v.rangeShown()
	today := dayOf(v.now())
	var days []time.Time
	for i := 0; i < 7; i++ {
		days = append(days, from.AddDate(0, 0, i))
	}
	byHour := map[[2]int][]data.CalendarItem{}
	most := 1
	for _, it := range v.items {
		t := it.PlannedAt.In(msk)
		d := int(dayOf(t).Sub(from) / (24 * time.Hour))
		if d < 0 || d > 6 {
			continue
		}
		k := [2]int{d, t.Hour()}
		byHour[k] = append(byHour[k], it)
		most = max(most, min(len(byHour[k]), calWeekChips))
	}
	rowH := float32(max(calHourMin, 6+most*calChipH))
	var objs []fyne.CanvasObject
	for h := 0; h < 24; h++ {
		lbl := canvas.NewText(fmt.Sprintf("%02d:00", h), theme.Color(theme.ColorNamePlaceHolder))
		lbl.TextSize = theme.CaptionTextSize()
		objs = append(objs, container.NewPadded(lbl))
		for d, day := range days {
			col := container.New(calColumn{})
			items := byHour[[2]int{d, h}]
			for k, it := range items {
				if k == calWeekChips-1 && len(items) > calWeekChips {
					rest := items[k:]
					col.Add(newCalLink(TN("calendar.more", len(rest)), func() { v.open(rest[0]) }))
					break
				}
				col.Add(v.newChip(it))
			}
			cell := newCalCell(day, h, col)
			cell.today = day.Equal(today)
			cell.onDoubleTap = func(c *calCell) { v.create(c.at(0)) }
			v.cells = append(v.cells, cell)
			objs = append(objs, cell)
		}
	}
	body := container.New(&calWeekLayout{hourW: calHourColumn, rowH: rowH}, objs...)
	v.weekScroll = container.NewVScroll(body)
	v.weekScroll.Offset = fyne.NewPos(0, rowH*calFirstHour)
	header := container.NewBorder(nil, nil, container.New(fixedWidth(calHourColumn)), nil, v.weekdayHeader(days, true))
	return container.NewBorder(header, nil, nil, nil, v.weekScroll)
}

// cellAt finds the grid cell under an absolute canvas position.
func (v *calendarView) cellAt(abs fyne.Position) *calCell {
	d := fyne.CurrentApp().Driver()
	for _, c := range v.cells {
		if !c.Visible() {
			continue
		}
		p := d.AbsolutePositionForObject(c)
		s := c.Size()
		if abs.X >= p.X && abs.X < p.X+s.Width && abs.Y >= p.Y && abs.Y < p.Y+s.Height {
			if v.weekScroll != nil && v.week {
				// Rows scrolled out of the viewport are not drop targets.
				vp := d.AbsolutePositionForObject(v.weekScroll)
				if abs.Y < vp.Y || abs.Y >= vp.Y+v.weekScroll.Size().Height {
					return nil
				}
			}
			return c
		}
	}
	return nil
}

func (v *calendarView) hoverCell(c *calCell) {
	if v.target == c {
		return
	}
	if v.target != nil {
		v.target.setTarget(false)
	}
	v.target = c
	if c != nil {
		c.setTarget(true)
	}
}

// drop moves a dragged item to the cell under the pointer: to that day at
// the same time (month) or to that hour at the same minutes (week).
func (v *calendarView) drop(c *calItemChip, abs fyne.Position) {
	cell := v.cellAt(abs)
	v.hoverCell(nil)
	if cell == nil {
		return
	}
	t := c.item.PlannedAt.In(msk)
	clock := t.Sub(dayOf(t))
	at := cell.at(clock)
	if at.Equal(c.item.PlannedAt) {
		return
	}
	v.move(c.item.ID, at)
}

func (v *calendarView) move(id int64, at time.Time) {
	async(v.b, func(ctx context.Context) (data.CalendarItem, error) {
		return v.core.MoveCalendarItem(ctx, id, at)
	}, func(it data.CalendarItem, err error) {
		if err != nil {
			v.showError(err)
		}
		v.reload()
	})
}

// slotClock is the time of day for a new item on day: the first of the
// rules' slots still ahead today, 09:00 otherwise.
func (v *calendarView) slotClock(day time.Time) time.Duration {
	now := v.now()
	for _, h := range []time.Duration{9 * time.Hour, 12*time.Hour + 30*time.Minute, 18 * time.Hour, 20 * time.Hour} {
		if day.Add(h).After(now) {
			return h
		}
	}
	return 9 * time.Hour
}

// defaultSlot is where «+ Запись» plans: the anchor day (today when it is
// shown) at the next free slot time.
func (v *calendarView) defaultSlot() time.Time {
	day := v.anchor
	if today := dayOf(v.now()); !v.week && monthOf(today).Equal(monthOf(day)) || v.week && mondayOf(today).Equal(mondayOf(day)) {
		day = today
	}
	return day.Add(v.slotClock(day))
}

// create opens the editor on a new draft at at.
func (v *calendarView) create(at time.Time) {
	it := data.CalendarItem{Kind: "post", PlannedAt: at, Status: app.CalendarDraft, AccountID: v.account}
	if it.AccountID == 0 && len(v.accounts) > 0 {
		it.AccountID = v.accounts[0].ID
	}
	v.openEditor(it)
}

func (v *calendarView) open(it data.CalendarItem) { v.openEditor(it) }

func (v *calendarView) openEditor(it data.CalendarItem) {
	if v.editor != nil {
		v.editor.close()
	}
	v.editor = newCalendarEditor(v, it)
	v.editor.show()
}

// planSuggestion carries out a suggestion of the rules panel and opens the
// new draft so it can be written at once.
func (v *calendarView) planSuggestion(s plan.Suggestion) {
	async(v.b, func(ctx context.Context) (data.CalendarItem, error) {
		return v.core.PlanSuggestion(ctx, s)
	}, func(it data.CalendarItem, err error) {
		if err != nil {
			v.showError(err)
			return
		}
		v.anchor = dayOf(it.PlannedAt)
		v.reload()
		v.openEditor(it)
	})
}

func (v *calendarView) exportDialog() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			v.showError(err)
			return
		}
		if w == nil {
			return
		}
		v.export(w, func(err error) {
			if err != nil {
				v.showError(err)
				return
			}
			dialog.ShowInformation(T("calendar.export_done_title"), Tf("calendar.export_done", map[string]any{"Path": w.URI().Path()}), v.win)
		})
	}, v.win)
	d.SetFileName("otklik-" + v.now().In(msk).Format("2006-01-02") + ".ics")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ics"}))
	d.Show()
}

// export writes the plan from a month back to four months ahead, every
// account, and closes w; done gets the result on the UI goroutine.
func (v *calendarView) export(w io.WriteCloser, done func(error)) {
	now := v.now()
	async(v.b, func(ctx context.Context) (struct{}, error) {
		err := v.core.ExportICS(ctx, w, dayOf(now).Add(-calExportBack), dayOf(now).Add(calExportAhead))
		return struct{}{}, errors.Join(err, w.Close())
	}, func(_ struct{}, err error) { done(err) })
}

// showError explains a failed action in the user's words.
func (v *calendarView) showError(err error) {
	msg := err.Error()
	switch {
	case errors.Is(err, app.ErrCalendarQueued):
		msg = T("calendar.err.queued")
	case errors.Is(err, app.ErrCalendarPublished):
		msg = T("calendar.err.published")
	case errors.Is(err, app.ErrCalendarNoApprover):
		msg = T("calendar.err.no_approver")
	case errors.Is(err, app.ErrCalendarTransition):
		msg = T("calendar.err.transition")
	case errors.Is(err, app.ErrCalendarInvalid):
		msg = Tf("calendar.err.invalid", map[string]any{"Detail": err.Error()})
	}
	dialog.ShowInformation(T("calendar.err.title"), msg, v.win)
}

// calGrid lays out cells in equal columns and rows: rowH fixed, or the
// rows share the height so the month always fits the window.
type calGrid struct {
	cols, rows int
	rowH       float32
}

func (g *calGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := size.Width / float32(g.cols)
	h := g.rowH
	if h == 0 {
		h = size.Height / float32(g.rows)
	}
	for i, o := range objs {
		r, c := i/g.cols, i%g.cols
		o.Move(fyne.NewPos(float32(c)*w, float32(r)*h))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (g *calGrid) MinSize([]fyne.CanvasObject) fyne.Size {
	h := g.rowH
	if h == 0 {
		h = 3*calChipH + 22
	}
	return fyne.NewSize(float32(g.cols)*80, float32(g.rows)*h)
}

// calWeekLayout is the hour column and seven day columns, one row an hour.
type calWeekLayout struct {
	hourW, rowH float32
}

func (l *calWeekLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := (size.Width - l.hourW) / 7
	for i, o := range objs {
		r, c := i/8, i%8
		if c == 0 {
			o.Move(fyne.NewPos(0, float32(r)*l.rowH))
			o.Resize(fyne.NewSize(l.hourW, l.rowH))
			continue
		}
		o.Move(fyne.NewPos(l.hourW+float32(c-1)*w, float32(r)*l.rowH))
		o.Resize(fyne.NewSize(w, l.rowH))
	}
}

func (l *calWeekLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.hourW+7*80, float32((len(objs)+7)/8)*l.rowH)
}

// calColumn stacks a cell's head and chips at their own heights, 2 px apart,
// hiding what does not fit.
type calColumn struct{}

func (calColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(2)
	for _, o := range objs {
		h := o.MinSize().Height
		if y+h > size.Height {
			o.Hide()
			continue
		}
		o.Show()
		o.Move(fyne.NewPos(2, y))
		w := size.Width - 4
		if _, ok := o.(*calItemChip); !ok {
			w = min(w, o.MinSize().Width)
		}
		o.Resize(fyne.NewSize(w, h))
		y += h + 2
	}
}

func (calColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height + 2
	}
	return fyne.NewSize(min(s.Width, 60), min(s.Height, calChipH+4))
}

// calLink is a small tappable caption: «ещё 3».
type calLink struct {
	widget.BaseWidget
	text  string
	onTap func()
}

func newCalLink(text string, onTap func()) *calLink {
	l := &calLink{text: text, onTap: onTap}
	l.ExtendBaseWidget(l)
	return l
}

func (l *calLink) Tapped(*fyne.PointEvent) {
	if l.onTap != nil {
		l.onTap()
	}
}

func (l *calLink) CreateRenderer() fyne.WidgetRenderer {
	t := canvas.NewText(l.text, theme.Color(theme.ColorNamePrimary))
	t.TextSize = theme.CaptionTextSize()
	t.TextStyle.Bold = true
	return widget.NewSimpleRenderer(t)
}
