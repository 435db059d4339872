package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// calItemChip is one planned item in the grid: a strip of its kind's colour,
// its time and title. A tap opens the editor; dragging drops it on the day
// (month) or hour (week) under the pointer. Missed items are solid red,
// published ones carry a check mark, skipped ones fade.
type calItemChip struct {
	widget.BaseWidget
	item   data.CalendarItem
	missed bool
	label  string

	onTap  func(data.CalendarItem)
	onDrag func(c *calItemChip, abs fyne.Position) // the pointer moved, absolute canvas position
	onDrop func(c *calItemChip, abs fyne.Position)

	dragging bool
	last     fyne.Position
	hovered  bool
}

func newCalItemChip(it data.CalendarItem, missed bool, label string) *calItemChip {
	c := &calItemChip{item: it, missed: missed, label: label}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped opens the item.
func (c *calItemChip) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap(c.item)
	}
}

// Dragged follows the pointer; the grid highlights the cell under it.
func (c *calItemChip) Dragged(e *fyne.DragEvent) {
	if !c.draggable() {
		return
	}
	abs := e.AbsolutePosition
	if abs.IsZero() {
		abs = fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(e.Position)
	}
	if !c.dragging {
		c.dragging = true
		c.Refresh()
	}
	c.last = abs
	if c.onDrag != nil {
		c.onDrag(c, abs)
	}
}

// DragEnd drops the item where the pointer was last seen.
func (c *calItemChip) DragEnd() {
	if !c.dragging {
		return
	}
	c.dragging = false
	c.Refresh()
	if c.onDrop != nil {
		c.onDrop(c, c.last)
	}
}

// draggable: a published item is history and stays where it went out.
func (c *calItemChip) draggable() bool { return c.item.Status != app.CalendarPublished }

// Cursor shows a hand over a chip, so it reads as something to grab.
func (c *calItemChip) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MouseIn, MouseMoved and MouseOut outline the chip under the mouse.
func (c *calItemChip) MouseIn(*desktop.MouseEvent)    { c.hovered = true; c.Refresh() }
func (c *calItemChip) MouseMoved(*desktop.MouseEvent) {}
func (c *calItemChip) MouseOut()                      { c.hovered = false; c.Refresh() }

func (c *calItemChip) CreateRenderer() fyne.WidgetRenderer {
	r := &calChipRenderer{c: c, bg: canvas.NewRectangle(color.Transparent), stripe: canvas.NewRectangle(color.Transparent),
		text: canvas.NewText("", color.Black)}
	r.Refresh()
	return r
}

type calChipRenderer struct {
	c      *calItemChip
	bg     *canvas.Rectangle
	stripe *canvas.Rectangle
	text   *canvas.Text
	full   string
}

const calChipStripe = 3

func (r *calChipRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("Ag", r.text.TextSize, r.text.TextStyle).Height
	return fyne.NewSize(40, h+4)
}

func (r *calChipRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.stripe.Resize(fyne.NewSize(calChipStripe, size.Height))
	pad := float32(calChipStripe + 4)
	r.text.Text = fitText(r.full, size.Width-pad-2, r.text.TextSize, r.text.TextStyle)
	ts := r.text.MinSize()
	r.text.Move(fyne.NewPos(pad, (size.Height-ts.Height)/2))
	r.text.Resize(ts)
}

func (r *calChipRenderer) Refresh() {
	c := r.c
	kc := calKindColor(c.item.Kind)
	r.text.TextSize = theme.CaptionTextSize()
	r.text.TextStyle = fyne.TextStyle{}
	r.text.Color = theme.Color(theme.ColorNameForeground)
	r.stripe.FillColor = kc
	alpha := uint8(0x30)
	if isDark() {
		alpha = 0x48
	}
	r.bg.FillColor = color.NRGBA{R: kc.R, G: kc.G, B: kc.B, A: alpha}
	prefix := ""
	switch {
	case c.missed:
		r.bg.FillColor, r.stripe.FillColor = calMissedColor, calMissedColor
		r.text.Color = color.White
		r.text.TextStyle.Bold = true
		prefix = "! "
	case c.item.Status == app.CalendarPublished:
		prefix = "✓ "
	case c.item.Status == app.CalendarApproved || c.item.Status == app.CalendarScheduled:
		r.text.TextStyle.Bold = true
	case c.item.Status == app.CalendarIdea:
		r.text.TextStyle.Italic = true
		r.bg.FillColor = color.NRGBA{R: kc.R, G: kc.G, B: kc.B, A: alpha / 3}
	case c.item.Status == app.CalendarSkipped:
		r.text.Color = theme.Color(theme.ColorNameDisabled)
		r.bg.FillColor = color.NRGBA{R: kc.R, G: kc.G, B: kc.B, A: alpha / 4}
	}
	if c.dragging {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
	}
	r.bg.StrokeWidth = 0
	if c.hovered || c.dragging {
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeWidth = 1
	}
	r.bg.CornerRadius = 3
	r.full = prefix + c.label
	r.Layout(c.Size())
	r.bg.Refresh()
	r.stripe.Refresh()
	r.text.Refresh()
}

func (r *calChipRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.stripe, r.text}
}
func (r *calChipRenderer) Destroy() {}

// fitText cuts s at a rune so that it, with an ellipsis, fits width.
func fitText(s string, width, size float32, style fyne.TextStyle) string {
	if width <= 0 || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(rs[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(rs[:lo]) + "…"
}

// calCell is a drop target and the background of one day (month) or one
// hour of a day (week). A double tap creates an item there.
type calCell struct {
	widget.BaseWidget
	day     time.Time
	hour    int // -1 in the month grid
	today   bool
	outside bool // a day of the neighbouring month
	target  bool // an item is being dragged over it
	content fyne.CanvasObject

	onDoubleTap func(*calCell)
}

func newCalCell(day time.Time, hour int, content fyne.CanvasObject) *calCell {
	c := &calCell{day: day, hour: hour, content: content}
	c.ExtendBaseWidget(c)
	return c
}

// at is the cell's moment for a new or dropped item: the hour in the week
// grid; in the month grid the day at the given time of day.
func (c *calCell) at(clock time.Duration) time.Time {
	if c.hour >= 0 {
		return c.day.Add(time.Duration(c.hour)*time.Hour + clock%time.Hour)
	}
	return c.day.Add(clock)
}

// DoubleTapped creates an item in the cell.
func (c *calCell) DoubleTapped(*fyne.PointEvent) {
	if c.onDoubleTap != nil {
		c.onDoubleTap(c)
	}
}

func (c *calCell) setTarget(on bool) {
	if c.target != on {
		c.target = on
		c.Refresh()
	}
}

func (c *calCell) CreateRenderer() fyne.WidgetRenderer {
	r := &calCellRenderer{c: c, bg: canvas.NewRectangle(color.Transparent)}
	r.Refresh()
	return r
}

type calCellRenderer struct {
	c  *calCell
	bg *canvas.Rectangle
}

func (r *calCellRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	if r.c.content != nil {
		r.c.content.Move(fyne.NewPos(1, 1))
		r.c.content.Resize(fyne.NewSize(size.Width-2, size.Height-2))
	}
}

func (r *calCellRenderer) MinSize() fyne.Size {
	if r.c.content == nil {
		return fyne.Size{}
	}
	return r.c.content.MinSize().Add(fyne.NewSize(2, 2))
}

func (r *calCellRenderer) Refresh() {
	c := r.c
	r.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.bg.StrokeWidth = 1
	switch {
	case c.target:
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeWidth = 2
	case c.today:
		p := theme.Color(theme.ColorNamePrimary)
		pr, pg, pb, _ := p.RGBA()
		r.bg.FillColor = color.NRGBA{R: uint8(pr >> 8), G: uint8(pg >> 8), B: uint8(pb >> 8), A: 0x1c}
	case c.outside:
		r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	default:
		r.bg.FillColor = theme.Color(theme.ColorNameBackground)
	}
	r.bg.Refresh()
	if c.content != nil {
		c.content.Refresh()
	}
}

func (r *calCellRenderer) Objects() []fyne.CanvasObject {
	if r.c.content == nil {
		return []fyne.CanvasObject{r.bg}
	}
	return []fyne.CanvasObject{r.bg, r.c.content}
}
func (r *calCellRenderer) Destroy() {}
