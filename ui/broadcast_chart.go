package ui

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Charts of the «Эфир» panel, drawn with canvas rectangles so they scale
// with the window and follow the theme.

// dayChart is the timeline: one bar per day, a few date ticks below and the
// day's maximum on the left.
type dayChart struct {
	widget.BaseWidget
	days   []time.Time
	counts []int
}

func newDayChart() *dayChart {
	c := &dayChart{}
	c.ExtendBaseWidget(c)
	return c
}

// Set replaces the chart's data.
func (c *dayChart) Set(days []time.Time, counts []int) {
	c.days, c.counts = days, counts
	c.Refresh()
}

func (c *dayChart) CreateRenderer() fyne.WidgetRenderer {
	r := &dayChartRenderer{c: c, axis: canvas.NewLine(color.Gray{Y: 0x99}), max: canvas.NewText("", color.Gray{Y: 0x80})}
	r.rebuild()
	return r
}

type dayChartRenderer struct {
	c     *dayChart
	bars  []*canvas.Rectangle
	ticks []*canvas.Text
	tickI []int
	axis  *canvas.Line
	max   *canvas.Text
	peak  int
}

const chartLabelW = 28

func (r *dayChartRenderer) rebuild() {
	n := len(r.c.counts)
	r.bars = r.bars[:0]
	r.peak = 1
	for _, v := range r.c.counts {
		r.peak = max(r.peak, v)
	}
	for range n {
		r.bars = append(r.bars, canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)))
	}
	r.ticks, r.tickI = r.ticks[:0], r.tickI[:0]
	if n > 0 {
		step := max(1, (n+5)/6) // about six dates under the bars
		for i := 0; i < n; i += step {
			t := canvas.NewText(r.c.days[i].Format("02.01"), theme.Color(theme.ColorNamePlaceHolder))
			t.TextSize = theme.CaptionTextSize()
			r.ticks = append(r.ticks, t)
			r.tickI = append(r.tickI, i)
		}
	}
	r.max.Text = strconv.Itoa(r.peak)
	r.max.TextSize = theme.CaptionTextSize()
	r.max.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.axis.StrokeColor = theme.Color(theme.ColorNameSeparator)
}

func (r *dayChartRenderer) Layout(size fyne.Size) {
	n := len(r.bars)
	tickH := theme.CaptionTextSize() + 4
	plotH := size.Height - tickH
	plotW := size.Width - chartLabelW
	r.max.Move(fyne.NewPos(0, 0))
	r.axis.Position1 = fyne.NewPos(chartLabelW, plotH)
	r.axis.Position2 = fyne.NewPos(size.Width, plotH)
	if n == 0 {
		return
	}
	slot := plotW / float32(n)
	gap := max(1, slot*0.2)
	for i, b := range r.bars {
		h := plotH * float32(r.c.counts[i]) / float32(r.peak)
		b.Move(fyne.NewPos(chartLabelW+float32(i)*slot+gap/2, plotH-h))
		b.Resize(fyne.NewSize(slot-gap, h))
	}
	for k, t := range r.ticks {
		x := chartLabelW + float32(r.tickI[k])*slot
		t.Move(fyne.NewPos(min(x, size.Width-t.MinSize().Width), plotH+2))
	}
}

func (r *dayChartRenderer) MinSize() fyne.Size { return fyne.NewSize(240, 110) }

func (r *dayChartRenderer) Refresh() {
	r.rebuild()
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func (r *dayChartRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.axis, r.max}
	for _, b := range r.bars {
		objs = append(objs, b)
	}
	for _, t := range r.ticks {
		objs = append(objs, t)
	}
	return objs
}

func (r *dayChartRenderer) Destroy() {}

// barPair is a category's bar: this period's count as a thick bar and the
// previous period's as a thin grey one under it, both on a common scale.
type barPair struct {
	widget.BaseWidget
	cur, prev, scale int
}

func newBarPair(cur, prev, scale int) *barPair {
	b := &barPair{cur: cur, prev: prev, scale: max(scale, 1)}
	b.ExtendBaseWidget(b)
	return b
}

func (b *barPair) CreateRenderer() fyne.WidgetRenderer {
	r := &barPairRenderer{b: b, cur: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		prev: canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))}
	r.cur.CornerRadius, r.prev.CornerRadius = 2, 1
	return r
}

type barPairRenderer struct {
	b         *barPair
	cur, prev *canvas.Rectangle
}

func (r *barPairRenderer) Layout(size fyne.Size) {
	h := size.Height
	curH := h * 0.55
	r.cur.Move(fyne.NewPos(0, h*0.1))
	r.cur.Resize(fyne.NewSize(size.Width*float32(r.b.cur)/float32(r.b.scale), curH))
	r.prev.Move(fyne.NewPos(0, h*0.1+curH+2))
	r.prev.Resize(fyne.NewSize(size.Width*float32(r.b.prev)/float32(r.b.scale), max(3, h*0.2)))
}

func (r *barPairRenderer) MinSize() fyne.Size { return fyne.NewSize(60, 20) }
func (r *barPairRenderer) Refresh() {
	r.cur.FillColor = theme.Color(theme.ColorNamePrimary)
	r.prev.FillColor = theme.Color(theme.ColorNameDisabled)
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}
func (r *barPairRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.cur, r.prev} }
func (r *barPairRenderer) Destroy()                     {}

// stackPart is one segment of a stacked bar.
type stackPart struct {
	label string
	n     int
	color color.Color
}

// stackBar shows parts of a whole side by side, widths by share.
type stackBar struct {
	widget.BaseWidget
	parts []stackPart
}

func newStackBar(parts []stackPart) *stackBar {
	s := &stackBar{parts: parts}
	s.ExtendBaseWidget(s)
	return s
}

func (s *stackBar) CreateRenderer() fyne.WidgetRenderer {
	r := &stackRenderer{s: s}
	for _, p := range s.parts {
		rect := canvas.NewRectangle(p.color)
		r.rects = append(r.rects, rect)
	}
	return r
}

type stackRenderer struct {
	s     *stackBar
	rects []*canvas.Rectangle
}

func (r *stackRenderer) Layout(size fyne.Size) {
	total := 0
	for _, p := range r.s.parts {
		total += p.n
	}
	x := float32(0)
	for i, rect := range r.rects {
		w := float32(0)
		if total > 0 {
			w = size.Width * float32(r.s.parts[i].n) / float32(total)
		}
		rect.Move(fyne.NewPos(x, 0))
		rect.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (r *stackRenderer) MinSize() fyne.Size { return fyne.NewSize(60, 14) }
func (r *stackRenderer) Refresh() {
	r.Layout(r.s.Size())
	canvas.Refresh(r.s)
}
func (r *stackRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(r.rects))
	for i, rect := range r.rects {
		objs[i] = rect
	}
	return objs
}
func (r *stackRenderer) Destroy() {}
