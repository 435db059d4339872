package ui

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// openOriginal opens the message on its network in the browser.
func (d *detailView) openOriginal() {
	if d.linkURL == nil {
		return
	}
	if err := d.v.openURL(d.linkURL); err != nil {
		d.errLabel.SetText(Tf("detail.action_failed", map[string]any{"Error": err.Error()}))
		d.errLabel.Show()
	}
}

// tagChip is a tag with a small × that removes it.
func (d *detailView) tagChip(tag string) fyne.CanvasObject {
	rm := widget.NewButtonWithIcon("", theme.CancelIcon(), func() {
		if d.shownID != 0 {
			d.v.applyUntag([]int64{d.shownID}, tag)
		}
	})
	rm.Importance = widget.LowImportance
	return container.NewHBox(container.NewCenter(newChip("#"+tag, nil, false)), rm)
}

// attachmentIcon picks an icon by attachment type.
func attachmentIcon(kind string) fyne.Resource {
	switch kind {
	case "photo":
		return theme.FileImageIcon()
	case "video":
		return theme.FileVideoIcon()
	case "audio":
		return theme.FileAudioIcon()
	case "link":
		return theme.ComputerIcon()
	}
	return theme.FileIcon()
}

// showAttachments lists the message's files and links; only metadata is
// kept, so each opens on the network.
func (d *detailView) showAttachments(as []data.Attachment) {
	d.attachments.RemoveAll()
	if len(as) == 0 {
		d.attachments.Hide()
		return
	}
	d.attachments.Add(section(T("detail.attachments")))
	for _, a := range as {
		title := a.Title
		if title == "" {
			title = T("attachment." + a.Type)
			if title == "attachment."+a.Type {
				title = a.Type
			}
		}
		b := widget.NewButtonWithIcon(title, attachmentIcon(a.Type), nil)
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		if u, err := parseWebURL(a.URL); err == nil {
			b.OnTapped = func() { _ = d.v.openURL(u) }
		} else {
			b.Disable()
		}
		d.attachments.Add(b)
	}
	d.attachments.Show()
}

// showOutbox shows the office's replies to this message on their way:
// queued, being sent, sent, or failed with the network's error and
// «Повторить».
func (d *detailView) showOutbox(now time.Time) {
	d.outbox.RemoveAll()
	if len(d.replies) == 0 {
		d.outbox.Hide()
		return
	}
	d.outbox.Add(section(T("detail.our_replies")))
	for _, it := range d.replies {
		d.outbox.Add(d.outboxItem(it, now))
	}
	d.outbox.Show()
}

func outboxColor(s data.OutboxState) (c fyne.ThemeColorName) {
	switch s {
	case data.OutboxSent:
		return theme.ColorNameSuccess
	case data.OutboxFailed:
		return theme.ColorNameError
	case data.OutboxSending:
		return theme.ColorNamePrimary
	}
	return theme.ColorNameWarning
}

func (d *detailView) outboxItem(it data.OutboxItem, now time.Time) fyne.CanvasObject {
	state := newChip(T("outbox."+string(it.State)), theme.Color(outboxColor(it.State)), false)
	when := muted(ago(now, it.CreatedAt))
	when.Wrapping = fyne.TextWrapOff
	text := widget.NewLabel(app.ReplyText(it))
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(container.NewHBox(container.NewCenter(state), when), text)
	if it.State == data.OutboxFailed {
		msg := widget.NewLabel(Tf("outbox.error", map[string]any{"Error": it.LastError}))
		msg.Importance = widget.DangerImportance
		msg.Wrapping = fyne.TextWrapWord
		id := it.ID
		retry := widget.NewButtonWithIcon(T("outbox.retry"), theme.ViewRefreshIcon(), func() { d.retry(id) })
		box.Add(container.NewBorder(nil, nil, nil, retry, msg))
	}
	return card(box)
}

// retry puts a failed reply back in the queue.
func (d *detailView) retry(id int64) {
	async(d.v.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, d.v.core.RetryOutbox(ctx, id) },
		func(_ struct{}, err error) {
			if err != nil {
				d.errLabel.SetText(Tf("detail.action_failed", map[string]any{"Error": err.Error()}))
				d.errLabel.Show()
			}
		})
}

// parseWebURL accepts only http(s) links: a message's URL comes from the
// network and must not open a local file or another scheme.
func parseWebURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("not a web link: %q", s)
	}
	return u, nil
}
