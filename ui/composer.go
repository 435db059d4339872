package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// sendShortcut is Ctrl+Enter (⌘Enter on macOS).
var sendShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}

// composer writes a reply to the message in the detail pane: a saved
// template with its variables filled in, the network's length limit, a
// preview of what the resident will read. ПОС answers are published on the
// portal by the agency, and the composer says so instead of pretending to
// send them.
type composer struct {
	v         *inboxView
	msg       data.Message
	limit     app.ReplyLimit
	templates []data.Template
	tplSel    *widget.Select
	entry     *composerEntry
	counter   *widget.Label
	preview   *widget.Label
	errLabel  *widget.Label
	sendBtn   *widget.Button
	dlg       dialog.Dialog
	sending   bool
}

// composerEntry is a multi-line entry where Ctrl+Enter sends.
type composerEntry struct {
	widget.Entry
	onSend func()
}

func newComposerEntry(onSend func()) *composerEntry {
	e := &composerEntry{onSend: onSend}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

func (e *composerEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && (cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) &&
		cs.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0 {
		e.onSend()
		return
	}
	e.Entry.TypedShortcut(s)
}

// openComposer opens the reply dialog for the message in the detail pane.
func (v *inboxView) openComposer() {
	if v.detail.shownID == 0 {
		return
	}
	msg := v.detail.d.Message
	async(v.b, func(ctx context.Context) ([]data.Template, error) { return v.core.Templates(ctx) },
		func(ts []data.Template, err error) {
			if msg.ID != v.detail.shownID {
				return
			}
			if err != nil {
				v.toast.fail(err)
				return
			}
			v.composer = newComposer(v, msg, ts)
			v.composer.dlg.Show()
			v.win.Canvas().Focus(v.composer.entry)
		})
}

func newComposer(v *inboxView, msg data.Message, ts []data.Template) *composer {
	c := &composer{v: v, msg: msg, limit: app.ReplyLimitFor(msg.Platform)}
	// The message's own topic first, then the rest: the likely one is on top.
	for _, t := range ts {
		if t.Category == msg.Category {
			c.templates = append(c.templates, t)
		}
	}
	for _, t := range ts {
		if t.Category != msg.Category {
			c.templates = append(c.templates, t)
		}
	}
	names := make([]string, len(c.templates))
	for i, t := range c.templates {
		names[i] = t.Name
	}
	c.tplSel = widget.NewSelect(names, func(string) { c.useTemplate(c.tplSel.SelectedIndex()) })
	c.tplSel.PlaceHolder = T("composer.template_placeholder")
	if len(names) == 0 {
		c.tplSel.PlaceHolder = T("composer.no_templates")
		c.tplSel.Disable()
	}
	c.entry = newComposerEntry(c.send)
	c.entry.SetPlaceHolder(T("composer.placeholder"))
	c.entry.SetMinRowsVisible(5)
	c.entry.OnChanged = func(string) { c.update() }
	c.counter = widget.NewLabel("")
	c.counter.Alignment = fyne.TextAlignTrailing
	c.preview = widget.NewLabel("")
	c.preview.Wrapping = fyne.TextWrapWord
	c.errLabel = widget.NewLabel("")
	c.errLabel.Importance = widget.DangerImportance
	c.errLabel.Wrapping = fyne.TextWrapWord
	c.errLabel.Hide()

	sendText := T("composer.send")
	var note fyne.CanvasObject = container.NewVBox()
	if c.limit.Portal {
		sendText = T("composer.send_portal")
		n := widget.NewLabel(T("composer.portal_note"))
		n.Wrapping = fyne.TextWrapWord
		n.Importance = widget.WarningImportance
		note = n
	}
	c.sendBtn = widget.NewButtonWithIcon(sendText, theme.MailSendIcon(), c.send)
	c.sendBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(T("dialog.cancel"), func() { c.dlg.Hide() })

	to := Tf("composer.to", map[string]any{"Author": msg.AuthorName, "Platform": platformLabel(msg.Platform)})
	head := muted(to)
	original := muted(firstLine(msg.Text, 160))
	// A long reply scrolls inside the preview instead of pushing the
	// buttons off a laptop screen.
	pv := container.NewVScroll(c.preview)
	pv.SetMinSize(fyne.NewSize(0, 96))
	previewBox := container.NewVBox(section(T("composer.preview")), card(pv))
	hint := muted(T("composer.hint"))
	hint.Wrapping = fyne.TextWrapOff
	bottom := container.NewVBox(c.errLabel, note,
		container.NewBorder(nil, nil, hint, container.NewHBox(cancel, c.sendBtn)))
	top := container.NewVBox(head, original,
		widget.NewForm(widget.NewFormItem(T("composer.template"), c.tplSel)))
	body := container.NewBorder(top, container.NewVBox(container.NewBorder(nil, nil, nil, c.counter), previewBox, bottom),
		nil, nil, c.entry)
	c.dlg = dialog.NewCustomWithoutButtons(T("composer.title"), container.New(fixedWidth(620), body), v.win)
	c.dlg.Resize(fyne.NewSize(680, 640))
	c.update()
	return c
}

// useTemplate puts template i, filled in for this message, into the entry
// for the operator to edit.
func (c *composer) useTemplate(i int) {
	if i < 0 || i >= len(c.templates) {
		return
	}
	c.entry.SetText(c.v.core.FillTemplate(c.templates[i].Text, c.msg))
}

// text is what would be sent: variables typed by hand are filled too.
func (c *composer) text() string {
	return strings.TrimSpace(c.v.core.FillTemplate(c.entry.Text, c.msg))
}

func (c *composer) update() {
	t := c.text()
	n := c.limit.Length(t)
	c.counter.SetText(formatInt(n) + " / " + formatInt(c.limit.Max))
	over := n > c.limit.Max
	if over {
		c.counter.Importance = widget.DangerImportance
	} else {
		c.counter.Importance = widget.LowImportance
	}
	c.counter.Refresh()
	if t == "" {
		c.preview.SetText(T("composer.preview_empty"))
	} else {
		c.preview.SetText(t)
	}
	if t == "" || over || c.sending {
		c.sendBtn.Disable()
	} else {
		c.sendBtn.Enable()
	}
}

// send queues the reply (or, for ПОС, copies it and marks the message
// answered). The dialog stays open with the error if the core refuses.
func (c *composer) send() {
	t := c.text()
	if t == "" || c.limit.Length(t) > c.limit.Max || c.sending {
		return
	}
	c.sending = true
	c.update()
	if c.limit.Portal {
		fyne.CurrentApp().Clipboard().SetContent(t)
	}
	id := c.msg.ID
	v := c.v
	async(v.b, func(ctx context.Context) (data.OutboxItem, error) { return v.core.Reply(ctx, id, t) },
		func(_ data.OutboxItem, err error) {
			c.sending = false
			if err != nil {
				c.errLabel.SetText(Tf("composer.failed", map[string]any{"Error": err.Error()}))
				c.errLabel.Show()
				c.update()
				return
			}
			c.dlg.Hide()
			if v.composer == c {
				v.composer = nil
			}
			done := T("undo.replied")
			if c.limit.Portal {
				done = T("undo.replied_portal")
			}
			v.toast.done(done)
		})
}
