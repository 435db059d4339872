package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Golden renders of the triage views at a laptop's size, light and dark.
func TestGoldenTriage(t *testing.T) {
	for _, th := range []string{ThemeLight, ThemeDark} {
		t.Run(th, func(t *testing.T) {
			m, _ := newTestWindow(t, th)
			m.Window.Resize(fyne.NewSize(1280, 720))
			v := m.inbox
			v.selectNode(viewPrefix + ViewNew)
			m.b.settle()
			v.list.Select(0)
			m.b.settle()
			v.togglePick(v.cache.at(0).msg.ID, true)
			v.togglePick(v.cache.at(1).msg.ID, true)
			v.list.Refresh()
			test.AssertImageMatches(t, "triage_bulk_"+th+".png", m.Window.Canvas().Capture())
			v.clearPicks()

			v.openComposer()
			m.b.settle()
			v.composer.tplSel.SetSelectedIndex(0)
			test.AssertImageMatches(t, "triage_composer_"+th+".png", m.Window.Canvas().Capture())
			v.composer.dlg.Hide()

			v.help.toggle()
			test.AssertImageMatches(t, "triage_help_"+th+".png", m.Window.Canvas().Capture())
			v.help.toggle()

			v.more.show()
			test.AssertImageMatches(t, "triage_filters_"+th+".png", m.Window.Canvas().Capture())
			v.more.popup.Hide()

			m.show(sectionReport)
			m.reportView().period.SetSelectedIndex(2)
			m.b.settle()
			test.AssertImageMatches(t, "triage_report_"+th+".png", m.Window.Canvas().Capture())
		})
	}
}
