package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// numberStatus is what the digit keys set.
var numberStatus = map[rune]data.Status{
	'1': data.StatusNew, '2': data.StatusInProgress, '3': data.StatusAnswered,
	'4': data.StatusForwarded, '5': data.StatusClosed,
}

// typedRuneHandled handles the inbox's letter keys; it returns false for
// keys it does not own. Both Latin and Russian layouts work: each letter's
// ЙЦУКЕН twin on the same key does the same (j/о, k/л, r/к, e/у, a/ф, x/ч),
// and «.» sits where «/» is.
func (v *inboxView) typedRuneHandled(r rune) bool {
	if s, ok := numberStatus[r]; ok {
		v.applyStatus(v.targets(), s)
		return true
	}
	switch r {
	case 'j', 'о', 'J', 'О':
		v.move(1)
	case 'k', 'л', 'K', 'Л':
		v.move(-1)
	case '/', '.':
		v.win.Canvas().Focus(v.search)
	case 'r', 'к', 'R', 'К':
		v.openComposer()
	case 'e', 'у', 'E', 'У':
		v.applyStatus(v.targets(), data.StatusClosed)
	case 'a', 'ф', 'A', 'Ф':
		v.askAssignee(v.targets())
	case 'x', 'ч', 'X', 'Ч':
		if v.selectedID != 0 {
			v.togglePick(v.selectedID, !v.picked[v.selectedID])
			v.list.Refresh()
		}
	case '?', ',':
		v.help.toggle()
	default:
		return false
	}
	return true
}

func (v *inboxView) typedKeyHandled(e *fyne.KeyEvent) bool {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if v.selectedID == 0 {
			v.move(1)
			return true
		}
		v.detail.focus()
	case fyne.KeyDown:
		v.move(1)
	case fyne.KeyUp:
		v.move(-1)
	case fyne.KeyEscape:
		switch {
		case v.help.shown():
			v.help.toggle()
		case len(v.picked) > 0:
			v.clearPicks()
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// typedRune and typedKey receive keys when nothing has the focus.
func (v *inboxView) typedRune(r rune)          { v.typedRuneHandled(r) }
func (v *inboxView) typedKey(e *fyne.KeyEvent) { v.typedKeyHandled(e) }

// undoShortcut is Ctrl+Z (⌘Z on macOS).
var undoShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}

// registerShortcuts adds the window-wide shortcuts; re-adding after a
// language change replaces them.
func (v *inboxView) registerShortcuts() {
	v.win.Canvas().AddShortcut(undoShortcut, func(fyne.Shortcut) { v.undo() })
}

// helpOverlay lists the keys; «?» shows and hides it.
type helpOverlay struct {
	v     *inboxView
	btn   *widget.Button
	popup *widget.PopUp
	rows  *fyne.Container
}

// helpKeys pairs each key with its translation key.
var helpKeys = [][2]string{
	{"j / k, ↓ / ↑", "help.move"},
	{"Enter", "help.open"},
	{"/", "help.search"},
	{"r", "help.reply"},
	{"e", "help.close"},
	{"a", "help.assign"},
	{"1 – 5", "help.status"},
	{"x", "help.pick"},
	{"Ctrl+Z", "help.undo"},
	{"Ctrl+Enter", "help.send"},
	{"Esc", "help.escape"},
	{"?", "help.toggle"},
}

func newHelpOverlay(v *inboxView) *helpOverlay {
	h := &helpOverlay{v: v}
	h.btn = widget.NewButtonWithIcon("", theme.HelpIcon(), h.toggle)
	h.rows = container.New(layout.NewFormLayout())
	for _, k := range helpKeys {
		key := widget.NewLabelWithStyle(k[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true, Monospace: true})
		h.rows.Add(key)
		h.rows.Add(widget.NewLabel(T(k[1])))
	}
	return h
}

func (h *helpOverlay) shown() bool { return h.popup != nil && h.popup.Visible() }

func (h *helpOverlay) toggle() {
	if h.shown() {
		h.popup.Hide()
		return
	}
	title := widget.NewLabelWithStyle(T("help.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	note := muted(T("help.layouts"))
	closeBtn := widget.NewButton(T("help.close_button"), func() { h.popup.Hide() })
	body := container.NewVBox(title, h.rows, note, container.NewHBox(closeBtn))
	h.popup = widget.NewModalPopUp(container.New(fixedWidth(640), container.NewPadded(body)), h.v.win.Canvas())
	h.popup.Show()
}
