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
	case 'j', 'о':
		v.move(1)
	case 'k', 'л':
		v.move(-1)
	case 'J', 'О': // Shift+j
		v.extendPicks(1)
	case 'K', 'Л':
		v.extendPicks(-1)
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
	case fyne.KeyDown, fyne.KeyUp:
		delta := 1
		if e.Name == fyne.KeyUp {
			delta = -1
		}
		if v.keyMods()&fyne.KeyModifierShift != 0 {
			v.extendPicks(delta)
		} else {
			v.move(delta)
		}
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

// heldModifiers asks the desktop driver which modifier keys are down; other
// drivers (mobile, the test driver) report none.
func heldModifiers() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
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

// helpOverlay lists the keys and clicks; «?» shows and hides it.
type helpOverlay struct {
	v     *inboxView
	btn   *widget.Button
	popup *widget.PopUp
	rows  *fyne.Container // the two columns of keys
}

// helpGroups are the help's two columns: each key, as written on the
// keyboard, with what it does. The clicks name the mouse in the UI's
// language.
func helpGroups() [2][][2]string {
	return [2][][2]string{{
		{"j / k, ↓ / ↑", T("help.move")},
		{"Enter", T("help.open")},
		{"/", T("help.search")},
		{"r", T("help.reply")},
		{"e", T("help.close")},
		{"a", T("help.assign")},
		{"1 – 5", T("help.status")},
		{"Ctrl+Enter", T("help.send")},
		{"Ctrl+Z", T("help.undo")},
		{"?", T("help.toggle")},
	}, {
		{"x", T("help.pick")},
		{"J / K, Shift+↓ / ↑", T("help.extend")},
		{T("help.key_ctrl_click"), T("help.ctrl_click")},
		{T("help.key_shift_click"), T("help.shift_click")},
		{"Esc", T("help.escape")},
	}}
}

func newHelpOverlay(v *inboxView) *helpOverlay {
	h := &helpOverlay{v: v}
	h.btn = widget.NewButtonWithIcon("", theme.HelpIcon(), h.toggle)
	return h
}

// build makes the two columns on first use: their bold monospace keys are a
// text style of their own, and every style the toolkit measures costs a few
// megabytes of parsed fonts for the life of the window.
func (h *helpOverlay) build() {
	if h.rows != nil {
		return
	}
	heads := [2]string{T("help.group_messages"), T("help.group_picks")}
	var cols [2]fyne.CanvasObject
	for i, group := range helpGroups() {
		form := container.New(layout.NewFormLayout())
		for _, k := range group {
			key := widget.NewLabelWithStyle(k[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true, Monospace: true})
			form.Add(key)
			form.Add(widget.NewLabel(k[1]))
		}
		cols[i] = container.NewVBox(section(heads[i]), form)
	}
	// The first column as wide as its longest line, the second the rest.
	h.rows = container.NewBorder(nil, nil, cols[0], nil, cols[1])
}

// labels are the help's texts, keys and what they do, column by column.
func (h *helpOverlay) labels() []string {
	h.build()
	var out []string
	for _, col := range []fyne.CanvasObject{h.rows.Objects[1], h.rows.Objects[0]} { // Border puts the centre first
		form := col.(*fyne.Container).Objects[1].(*fyne.Container)
		for _, o := range form.Objects {
			out = append(out, o.(*widget.Label).Text)
		}
	}
	return out
}

func (h *helpOverlay) shown() bool { return h.popup != nil && h.popup.Visible() }

func (h *helpOverlay) toggle() {
	if h.shown() {
		h.popup.Hide()
		return
	}
	h.build()
	title := widget.NewLabelWithStyle(T("help.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	note := muted(T("help.layouts"))
	closeBtn := widget.NewButton(T("help.close_button"), func() { h.popup.Hide() })
	body := container.NewVBox(title, h.rows, note, container.NewHBox(closeBtn))
	h.popup = widget.NewModalPopUp(container.New(fixedWidth(1100), container.NewPadded(body)), h.v.win.Canvas())
	h.popup.Show()
}
