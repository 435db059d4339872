package ui

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusBar shows whether sync is online, when it last ran, what waits to be
// sent, how many messages are overdue and whether the store is the demo.
type statusBar struct {
	core Core
	b    *bridge
	now  func() time.Time

	sum     Summary
	loaded  bool
	dot     *canvas.Circle
	online  *widget.Label
	synced  *widget.Label
	queued  *widget.Label
	overdue *widget.Label
	dueSoon *widget.Label
	demo    *chip
	content fyne.CanvasObject
}

func newStatusBar(core Core, b *bridge, now func() time.Time) *statusBar {
	s := &statusBar{core: core, b: b, now: now}
	s.dot = canvas.NewCircle(color.Transparent)
	s.online = widget.NewLabel("")
	s.synced = widget.NewLabel("")
	s.queued = widget.NewLabel("")
	s.overdue = widget.NewLabel("")
	s.dueSoon = widget.NewLabel("")
	s.demo = newChip(T("status.demo"), color.NRGBA{R: 0xd9, G: 0x77, B: 0x06, A: 0xff}, true)
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(10), s.dot))
	sep := func() fyne.CanvasObject { return widget.NewSeparator() }
	bar := container.NewHBox(dot, s.online, sep(), s.synced, sep(), s.queued, sep(), s.overdue, sep(), s.dueSoon,
		layout.NewSpacer(), container.NewCenter(s.demo))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	s.content = container.NewBorder(widget.NewSeparator(), nil, nil, nil,
		container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(0, 0, theme.Padding()*2, theme.Padding()*2), bar)))
	s.render()
	return s
}

// reload fetches the summary off the UI goroutine.
func (s *statusBar) reload() {
	async(s.b, func(ctx context.Context) (Summary, error) { return s.core.Summary(ctx) },
		func(sum Summary, err error) {
			if err != nil {
				fyne.LogError("status bar summary", err)
				return
			}
			s.sum, s.loaded = sum, true
			s.render()
		})
}

// render shows the last summary; times are relative to now.
func (s *statusBar) render() {
	sum := s.sum
	switch {
	case !s.loaded:
		s.dot.FillColor = theme.Color(theme.ColorNameDisabled)
		s.online.SetText(T("status.loading"))
	case !sum.Sync.Configured:
		s.dot.FillColor = theme.Color(theme.ColorNameDisabled)
		s.online.SetText(T("status.no_accounts"))
	case sum.Sync.Online:
		s.dot.FillColor = theme.Color(theme.ColorNameSuccess)
		s.online.SetText(T("status.online"))
	default:
		s.dot.FillColor = theme.Color(theme.ColorNameError)
		s.online.SetText(T("status.offline"))
	}
	s.dot.Refresh()
	if sum.Sync.LastSync.IsZero() {
		s.synced.SetText(T("status.never_synced"))
	} else {
		s.synced.SetText(Tf("status.synced", map[string]any{"When": ago(s.now(), sum.Sync.LastSync)}))
	}
	q := TN("status.queued", sum.Queued)
	if sum.Failed > 0 {
		q += " · " + TN("status.failed", sum.Failed)
	}
	s.queued.SetText(q)
	s.queued.Importance = widget.MediumImportance
	if sum.Failed > 0 {
		s.queued.Importance = widget.DangerImportance
	}
	s.queued.Refresh()
	s.overdue.SetText(Tf("status.overdue", map[string]any{"Count": formatInt(sum.Overdue)}))
	s.overdue.TextStyle.Bold = sum.Overdue > 0
	s.overdue.Importance = widget.MediumImportance
	if sum.Overdue > 0 {
		s.overdue.Importance = widget.DangerImportance
	}
	s.overdue.Refresh()
	s.dueSoon.SetText(Tf("status.due_soon", map[string]any{"Count": formatInt(sum.DueSoon)}))
	s.dueSoon.Importance = widget.LowImportance
	if sum.DueSoon > 0 {
		s.dueSoon.Importance = widget.WarningImportance
	}
	s.dueSoon.Refresh()
	s.demo.Hidden = !sum.Demo
	s.demo.Refresh()
	relayout(s.content)
}
