package ui

import (
	"image/color"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// chip is a small rounded label: platform, status, category, the demo badge.
// A solid chip has white text on the colour; a soft one tints the background
// and writes in the colour, for quieter labels.
type chip struct {
	widget.BaseWidget
	text  string
	tint  color.Color // nil means the theme's primary
	solid bool
}

func newChip(text string, tint color.Color, solid bool) *chip {
	c := &chip{text: text, tint: tint, solid: solid}
	c.ExtendBaseWidget(c)
	return c
}

// Set changes the chip in place; list rows reuse their chips.
func (c *chip) Set(text string, tint color.Color, solid bool) {
	if c.text == text && c.tint == tint && c.solid == solid {
		return
	}
	c.text, c.tint, c.solid = text, tint, solid
	c.Refresh()
}

func (c *chip) CreateRenderer() fyne.WidgetRenderer {
	r := &chipRenderer{c: c, bg: canvas.NewRectangle(color.Transparent), label: canvas.NewText("", color.Black)}
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.Refresh()
	return r
}

type chipRenderer struct {
	c     *chip
	bg    *canvas.Rectangle
	label *canvas.Text
}

func (r *chipRenderer) padding() fyne.Size {
	p := theme.InnerPadding() / 2
	return fyne.NewSize(p+2, p/2)
}

func (r *chipRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	ms := r.label.MinSize()
	r.label.Resize(ms)
	r.label.Move(fyne.NewPos((size.Width-ms.Width)/2, (size.Height-ms.Height)/2))
}

func (r *chipRenderer) MinSize() fyne.Size {
	if r.c.text == "" {
		return fyne.Size{}
	}
	p := r.padding()
	ms := r.label.MinSize()
	return fyne.NewSize(ms.Width+2*p.Width, ms.Height+2*p.Height)
}

func (r *chipRenderer) Refresh() {
	tint := r.c.tint
	if tint == nil {
		tint = theme.Color(theme.ColorNamePrimary)
	}
	cr, cg, cb, _ := tint.RGBA()
	base := color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: 0xff}
	if r.c.solid {
		r.bg.FillColor = base
		r.label.Color = color.White
	} else {
		r.bg.FillColor = color.NRGBA{R: base.R, G: base.G, B: base.B, A: 0x2a}
		r.label.Color = base
		if isDark() {
			r.label.Color = lighten(base)
		}
	}
	r.bg.CornerRadius = theme.InputRadiusSize() + 2
	r.label.Text = r.c.text
	r.label.TextSize = theme.CaptionTextSize()
	r.bg.Hidden = r.c.text == ""
	r.label.Refresh()
	r.bg.Refresh()
}

func (r *chipRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.label} }
func (r *chipRenderer) Destroy()                     {}

// isDark reports whether the UI is drawn on a dark background, judged by the
// background's luminance so a forced variant counts too.
func isDark() bool {
	bg := theme.Color(theme.ColorNameBackground)
	r, g, b, _ := bg.RGBA()
	return (299*r+587*g+114*b)/1000 < 0x8000
}

// lighten mixes c halfway to white, so soft-chip text stays readable on dark.
func lighten(c color.NRGBA) color.NRGBA {
	return color.NRGBA{R: c.R + (0xff-c.R)/2, G: c.G + (0xff-c.G)/2, B: c.B + (0xff-c.B)/2, A: c.A}
}

// highlighted builds rich-text segments of text with the byte ranges hl
// shown bold in the primary colour. Ranges may overlap or be unsorted;
// ranges outside the text are ignored.
func highlighted(text string, hl [][2]int, style widget.RichTextStyle) []widget.RichTextSegment {
	rs := make([][2]int, 0, len(hl))
	for _, r := range hl {
		if r[0] >= 0 && r[1] <= len(text) && r[0] < r[1] {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
	mark := style
	mark.TextStyle.Bold = true
	mark.ColorName = theme.ColorNamePrimary
	var segs []widget.RichTextSegment
	pos := 0
	for _, r := range rs {
		if r[0] < pos {
			r[0] = pos
		}
		if r[0] >= r[1] {
			continue
		}
		if r[0] > pos {
			segs = append(segs, &widget.TextSegment{Text: text[pos:r[0]], Style: style})
		}
		segs = append(segs, &widget.TextSegment{Text: text[r[0]:r[1]], Style: mark})
		pos = r[1]
	}
	if pos < len(text) || len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Text: text[pos:], Style: style})
	}
	return segs
}

// fillStack places every object over the whole container, as
// container.Stack does; the layouts below differ only in their minimum size.
func fillStack(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// fixedWidth lays out its objects stacked at a fixed width and any height,
// for the sidebar, which should not change width as counts change.
type fixedWidth float32

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) { fillStack(objs, size) }

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

// fixedHeight lays its objects out at the container's size with a set
// minimum height, for the charts.
type fixedHeight float32

func (h fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) { fillStack(objs, size) }

func (h fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, float32(h))
}

// minWidth lays its objects out at least w wide, so a dialog's form has
// room for a URL and a token.
type minWidth float32

func (w minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) { fillStack(objs, size) }

func (w minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(float32(w), 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// maxWidth keeps a form readable on a wide window: at most this wide,
// aligned to the leading edge.
type maxWidth float32

func (w maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(min(size.Width, float32(w)), size.Height))
	}
}

func (w maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// relayout lays out o's containers again, top down. List and tree rows
// change their labels' text after the row was laid out; their containers
// must then move the labels to fit the new sizes.
func relayout(o fyne.CanvasObject) {
	c, ok := o.(*fyne.Container)
	if !ok {
		return
	}
	if c.Layout != nil {
		c.Layout.Layout(c.Objects, c.Size())
	}
	for _, child := range c.Objects {
		relayout(child)
	}
}
