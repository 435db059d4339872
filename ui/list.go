package ui

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// Paging: rows are fetched pageSize at a time with a keyset cursor; at most
// maxPages stay cached, so memory stays flat however far the user scrolls.
const (
	pageSize = 100
	maxPages = 10
	prefetch = 20 // rows before the end at which the next page is requested
)

// row is a message prepared for display off the UI goroutine.
type row struct {
	msg     data.Message
	snippet string
	hl      [][2]int
}

type page struct {
	rows []row
	used int // last access tick, for eviction
}

// pageCache holds the inbox's rows page by page. starts[i] is the cursor a
// page begins after; it is kept when a page is evicted so that page can be
// fetched again on its own. Only the UI goroutine touches it.
type pageCache struct {
	gen     int // bumped on each new query: results of older loads are dropped
	starts  []data.Cursor
	pages   map[int]*page
	loading map[int]bool
	length  int  // rows known so far
	more    bool // the last known page said more follow
	stems   []string
	tick    int
	// cancel stops the queries of the current generation: when a filter
	// changes again before they finish (typing, several clicks), the
	// store stops working on lists nobody will see.
	cancel context.CancelFunc
	ctx    context.Context
}

func (c *pageCache) reset() {
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	c.gen++
	c.starts = []data.Cursor{{}}
	c.pages = map[int]*page{}
	c.loading = map[int]bool{}
	c.length, c.more, c.stems = 0, false, nil
}

// at returns row i, or nil when its page is not in memory.
func (c *pageCache) at(i int) *row {
	p := c.pages[i/pageSize]
	if p == nil || i%pageSize >= len(p.rows) {
		return nil
	}
	c.tick++
	p.used = c.tick
	return &p.rows[i%pageSize]
}

// put stores page n and evicts the least recently used pages beyond maxPages.
func (c *pageCache) put(n int, rows []row, next data.Cursor, more bool) {
	c.tick++
	c.pages[n] = &page{rows: rows, used: c.tick}
	if n+1 == len(c.starts) { // the newest page: it extends the list
		c.length = n*pageSize + len(rows)
		c.more = more && len(rows) > 0
		if c.more {
			c.starts = append(c.starts, next)
		}
	}
	for len(c.pages) > maxPages {
		victim, oldest := -1, 0
		for k, p := range c.pages {
			if k != n && (victim < 0 || p.used < oldest) {
				victim, oldest = k, p.used
			}
		}
		delete(c.pages, victim)
	}
}

// find returns the index of message id among cached rows, or -1.
func (c *pageCache) find(id int64) int {
	for n, p := range c.pages {
		for i := range p.rows {
			if p.rows[i].msg.ID == id {
				return n*pageSize + i
			}
		}
	}
	return -1
}

// messageList is widget.List with the inbox's keys: j/k move the selection,
// Enter opens the message, / jumps to the search.
type messageList struct {
	widget.List
	onRune func(rune) bool
	onKey  func(*fyne.KeyEvent) bool
}

func (l *messageList) TypedRune(r rune) {
	if l.onRune == nil || !l.onRune(r) {
		l.List.TypedRune(r)
	}
}

func (l *messageList) TypedKey(e *fyne.KeyEvent) {
	if l.onKey != nil && l.onKey(e) {
		return
	}
	if e.Name == fyne.KeySpace {
		return // widget.List would select its own keyboard cursor's row (see FocusGained)
	}
	l.List.TypedKey(e)
}

// FocusGained and FocusLost leave out widget.List's keyboard cursor, a
// tinted row of its own that only its arrow keys and its own taps move. In
// the inbox the selection is the cursor: j/k and the arrows move it, and
// rows take their taps themselves (messageRow.Tapped), so that tint would
// sit on a row the operator left long ago.
func (l *messageList) FocusGained() {}
func (l *messageList) FocusLost()   {}

// loadPage fetches page n of the current query.
func (v *inboxView) loadPage(n int) {
	c := &v.cache
	if c.loading[n] || n >= len(c.starts) {
		return
	}
	c.loading[n] = true
	gen, q, after, qctx := c.gen, v.query(), c.starts[n], v.genContext()
	type loaded struct {
		rows []row
		p    Page
	}
	async(v.b, func(context.Context) (loaded, error) {
		p, err := v.core.Inbox(qctx, q, after, pageSize)
		if err != nil {
			return loaded{}, err
		}
		return loaded{rows: v.prepare(p.Items, p.Stems), p: p}, nil
	}, func(res loaded, err error) {
		if gen != c.gen {
			return
		}
		delete(c.loading, n)
		if err != nil {
			v.showError(err)
			return
		}
		c.stems = res.p.Stems
		c.put(n, res.rows, res.p.Next, res.p.More)
		v.list.Refresh()
		v.afterLoad()
	})
}

// genContext is the context of the current query generation's work,
// cancelled by the next reset.
func (v *inboxView) genContext() context.Context {
	c := &v.cache
	if c.cancel == nil {
		var ctx context.Context
		ctx, c.cancel = context.WithCancel(v.b.ctx)
		c.ctx = ctx
	}
	return c.ctx
}

// prepare cuts each message to its first line and finds the search matches
// in it, so the list's UpdateItem only copies strings.
func (v *inboxView) prepare(items []data.Message, stems []string) []row {
	out := make([]row, len(items))
	for i, m := range items {
		s := firstLine(m.Text, 220)
		out[i] = row{msg: m, snippet: s}
		if len(stems) > 0 {
			out[i].hl = v.core.Highlight(s, stems)
		}
	}
	return out
}

// listLength is the rows known plus one «loading» row while more follow.
func (v *inboxView) listLength() int {
	n := v.cache.length
	if v.cache.more {
		n++
	}
	return n
}

func (v *inboxView) createRow() fyne.CanvasObject { return newMessageRow() }

func (v *inboxView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*messageRow)
	r.index, r.onTap = i, v.rowTapped
	if i < 0 || i >= v.listLength() {
		r.placeholder("")
		return
	}
	if i >= v.cache.length-prefetch && v.cache.more {
		v.loadPage(len(v.cache.starts) - 1)
	}
	rw := v.cache.at(i)
	if rw == nil {
		r.placeholder(T("inbox.loading"))
		if i < v.cache.length {
			v.loadPage(i / pageSize)
		}
		return
	}
	r.show(rw, v.now(), v.munName, v.catName, rw.msg.ID == v.selectedID)
	r.setPicked(rw.msg.ID, v.picked[rw.msg.ID], v.togglePick)
}

// messageRow is one inbox line:
//
//	☐ [ВК] Автор                         Ярцево · 5 мин назад
//	     Первая строка текста с подсвеченными совпадениями…
//	     [Дороги] [Новое] через 2 ч                 Исполнитель
//
// The municipality sits before the time and is never truncated: the
// author's name gives way instead. The checkbox picks the row for bulk
// actions; so do Ctrl+click and Shift+click on the row (rowTapped).
//
// The row takes its own taps rather than leaving them to widget.List's
// item: a tap does not say which modifier keys were held, the press before
// it does (desktop.Mouseable), and the driver hands both to the same,
// innermost object.
type messageRow struct {
	widget.BaseWidget
	index    widget.ListItemID
	onTap    func(i widget.ListItemID, mods fyne.KeyModifier)
	mods     fyne.KeyModifier // held at the last press
	pick     *pickBox
	pickID   int64
	onPick   func(id int64, on bool)
	platform *chip
	author   *widget.Label
	place    *widget.Label // «Ярцево · 5 мин назад»
	text     *widget.RichText
	category *chip
	status   *chip
	due      *widget.Label
	assignee *widget.Label
	marker   *canvas.Rectangle // a red edge on overdue rows
	body     fyne.CanvasObject
}

func newMessageRow() *messageRow {
	r := &messageRow{
		platform: newChip("", nil, true),
		author:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		place:    widget.NewLabel(""),
		text:     widget.NewRichText(),
		category: newChip("", nil, false),
		status:   newChip("", nil, false),
		due:      widget.NewLabel(""),
		assignee: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}),
		marker:   canvas.NewRectangle(color.Transparent),
	}
	r.pick = newPickBox(func(on bool) {
		if r.onPick != nil && r.pickID != 0 {
			r.onPick(r.pickID, on)
		}
	})
	r.pick.onModified = func(mods fyne.KeyModifier) {
		if r.onTap != nil && r.pickID != 0 {
			r.onTap(r.index, mods)
		}
	}
	r.author.Truncation = fyne.TextTruncateEllipsis
	r.place.Importance = widget.LowImportance
	r.assignee.Truncation = fyne.TextTruncateEllipsis
	r.assignee.Importance = widget.LowImportance
	r.text.Truncation = fyne.TextTruncateEllipsis
	r.marker.SetMinSize(fyne.NewSize(3, 0))

	top := container.NewBorder(nil, nil, container.NewCenter(r.platform), r.place, r.author)
	chips := container.NewHBox(container.NewCenter(r.category), container.NewCenter(r.status), r.due)
	bottom := container.NewBorder(nil, nil, chips, nil, r.assignee)
	lines := container.New(&tightVBox{}, top, r.text, bottom)
	pick := container.NewVBox(r.pick)
	r.body = container.NewBorder(nil, nil, container.NewHBox(r.marker, pick), nil, lines)
	r.ExtendBaseWidget(r)
	return r
}

// setPicked shows whether the row's message is picked without that
// counting as a click.
func (r *messageRow) setPicked(id int64, on bool, onPick func(int64, bool)) {
	r.onPick, r.pickID = nil, 0
	r.pick.SetChecked(on)
	r.pick.Show()
	r.onPick, r.pickID = onPick, id
}

func (r *messageRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.body) }

// MouseDown notes the modifier keys of the press that the tap completes.
func (r *messageRow) MouseDown(e *desktop.MouseEvent) { r.mods = e.Modifier }

// MouseUp is part of desktop.Mouseable; the tap that follows acts.
func (r *messageRow) MouseUp(*desktop.MouseEvent) {}

// Tapped hands the row's index and the keys held to the inbox.
func (r *messageRow) Tapped(*fyne.PointEvent) {
	mods := r.mods
	r.mods = 0
	if r.onTap != nil {
		r.onTap(r.index, mods)
	}
}

func (r *messageRow) placeholder(text string) {
	r.onPick, r.pickID = nil, 0
	r.pick.SetChecked(false)
	r.pick.Hide()
	r.platform.Set("", nil, true)
	r.author.SetText(text)
	r.place.SetText("")
	r.assignee.SetText("")
	r.text.Segments = nil
	r.text.Refresh()
	r.category.Set("", nil, false)
	r.status.Set("", nil, false)
	r.due.SetText("")
	r.marker.FillColor = color.Transparent
	r.marker.Refresh()
	relayout(r.body)
}

func (r *messageRow) show(rw *row, now time.Time, munName, catName func(string) string, selected bool) {
	m := &rw.msg
	r.platform.Set(platformShort(m.Platform), platformColor(m.Platform), true)
	r.author.SetText(m.AuthorName)
	place := munName(m.District)
	if place == "" {
		place = T("inbox.district_unknown_short")
	}
	// Muted text vanishes on the selection's tint: the selected row's
	// secondary lines are written plain.
	quiet := widget.LowImportance
	if selected {
		quiet = widget.MediumImportance
	}
	r.place.Importance, r.assignee.Importance = quiet, quiet
	r.place.SetText(place + " · " + ago(now, m.CreatedAt))
	r.assignee.SetText(m.Assignee)
	r.place.Refresh()
	r.assignee.Refresh()
	r.text.Segments = highlighted(rw.snippet, rw.hl, widget.RichTextStyleInline)
	r.text.Refresh()
	r.category.Set(catName(m.Category), nil, false)
	r.status.Set(statusLabel(m.Status), statusColor(m.Status), false)
	text, late := "", false
	if m.Status.Open() {
		text, late = rowDue(now, m)
	}
	r.due.SetText(text)
	r.due.Importance = quiet
	r.marker.FillColor = color.Transparent
	if late {
		r.due.Importance = widget.DangerImportance
		r.marker.FillColor = theme.Color(theme.ColorNameError)
	}
	r.due.Refresh()
	r.marker.Refresh()
	relayout(r.body)
}

// rowDue is the nearest pending deadline of an open message.
func rowDue(now time.Time, m *data.Message) (string, bool) {
	due := m.AnswerDue
	if !m.FirstResponseDue.IsZero() && m.FirstResponseAt.IsZero() && (due.IsZero() || m.FirstResponseDue.Before(due)) {
		due = m.FirstResponseDue
	}
	if due.IsZero() || due.Sub(now) > 24*time.Hour {
		return "", false
	}
	return deadlineLeft(now, due)
}

// tightVBox stacks rows without padding between them: each line already
// carries a label's inner padding, and a list row should stay compact.
type tightVBox struct{}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - theme.Padding()*1.5
	}
}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
		if i > 0 {
			s.Height -= theme.Padding() * 1.5
		}
	}
	return s
}

var (
	_ fyne.Layout       = tightVBox{}
	_ fyne.Tappable     = (*messageRow)(nil)
	_ desktop.Mouseable = (*messageRow)(nil)
	_ desktop.Mouseable = (*pickBox)(nil)
)

// pickBox is the row's tick box. Unlike widget.Check it never takes the
// keyboard focus, so ticking rows leaves j/k, x and e with the inbox.
type pickBox struct {
	widget.BaseWidget
	Checked   bool
	OnChanged func(bool)
	icon      *widget.Icon
	// onModified takes a tap with Shift, Ctrl or ⌘ held instead of
	// OnChanged: Shift+click on a box picks a range, as on the row.
	onModified func(fyne.KeyModifier)
	mods       fyne.KeyModifier
}

func newPickBox(changed func(bool)) *pickBox {
	p := &pickBox{OnChanged: changed, icon: widget.NewIcon(theme.CheckButtonIcon())}
	p.ExtendBaseWidget(p)
	return p
}

// SetChecked shows the state without calling OnChanged.
func (p *pickBox) SetChecked(on bool) {
	if p.Checked == on {
		return
	}
	p.Checked = on
	if on {
		p.icon.SetResource(theme.NewPrimaryThemedResource(theme.CheckButtonCheckedIcon()))
	} else {
		p.icon.SetResource(theme.CheckButtonIcon())
	}
}

// MouseDown notes the modifier keys of the press that the tap completes.
func (p *pickBox) MouseDown(e *desktop.MouseEvent) { p.mods = e.Modifier }

// MouseUp is part of desktop.Mouseable.
func (p *pickBox) MouseUp(*desktop.MouseEvent) {}

// Tapped toggles the box and reports it.
func (p *pickBox) Tapped(*fyne.PointEvent) {
	mods := p.mods
	p.mods = 0
	if mods&pickModifiers != 0 && p.onModified != nil {
		p.onModified(mods)
		return
	}
	p.SetChecked(!p.Checked)
	if p.OnChanged != nil {
		p.OnChanged(p.Checked)
	}
}

func (p *pickBox) MinSize() fyne.Size {
	s := theme.IconInlineSize() + 2*theme.InnerPadding()
	return fyne.NewSize(s, s)
}

func (p *pickBox) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewCenter(p.icon))
}
