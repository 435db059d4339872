package ui

import (
	"context"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// statusActions are the workflow buttons, in the order an operator uses them.
var statusActions = []data.Status{data.StatusInProgress, data.StatusAnswered, data.StatusForwarded, data.StatusClosed, data.StatusSpam, data.StatusNew}

// detailView is the right pane: the message in full with its context and
// the actions on it.
type detailView struct {
	v       *inboxView
	shownID int64
	d       Detail
	stems   []string
	syncing bool

	placeholder *widget.Label
	author      *widget.Label
	meta        *widget.Label
	platform    *chip
	status      *chip
	link        *widget.Button
	linkURL     *url.URL
	replyBtn    *widget.Button
	tagBtn      *widget.Button
	attachments *fyne.Container
	outbox      *fyne.Container
	replies     []data.OutboxItem
	due         *widget.Label
	text        *widget.RichText
	buttons     map[data.Status]*widget.Button
	assignee    *widget.SelectEntry
	takeBtn     *widget.Button
	munSel      *widget.Select
	catSel      *widget.Select
	tags        *fyne.Container
	post        *fyne.Container
	thread      *fyne.Container
	notes       *fyne.Container
	noteEntry   *widget.Entry
	noteBtn     *widget.Button
	others      *fyne.Container
	errLabel    *widget.Label
	body        *fyne.Container
	scroll      *container.Scroll
	content     fyne.CanvasObject
}

func newDetailView(v *inboxView) *detailView {
	d := &detailView{v: v, buttons: map[data.Status]*widget.Button{}}
	d.placeholder = widget.NewLabelWithStyle(T("detail.none"), fyne.TextAlignCenter, fyne.TextStyle{})
	d.placeholder.Importance = widget.LowImportance
	d.author = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.author.SizeName = theme.SizeNameSubHeadingText
	d.author.Truncation = fyne.TextTruncateEllipsis
	d.meta = widget.NewLabel("")
	d.meta.Importance = widget.LowImportance
	d.meta.Truncation = fyne.TextTruncateEllipsis
	d.platform = newChip("", nil, true)
	d.status = newChip("", nil, false)
	d.link = widget.NewButtonWithIcon(T("detail.open_original"), theme.ComputerIcon(), d.openOriginal)
	d.link.Importance = widget.LowImportance
	d.replyBtn = widget.NewButtonWithIcon(T("detail.reply"), theme.MailReplyIcon(), v.openComposer)
	d.replyBtn.Importance = widget.HighImportance
	d.tagBtn = widget.NewButtonWithIcon(T("detail.add_tag"), theme.ContentAddIcon(), func() {
		if d.shownID != 0 {
			v.askTag([]int64{d.shownID})
		}
	})
	d.tagBtn.Importance = widget.LowImportance
	d.attachments = container.NewVBox()
	d.outbox = container.NewVBox()
	d.due = widget.NewLabel("")
	d.due.Wrapping = fyne.TextWrapWord
	d.text = widget.NewRichText()
	d.text.Wrapping = fyne.TextWrapWord

	var btns []fyne.CanvasObject
	for _, s := range statusActions {
		b := widget.NewButton(T("action."+string(s)), func() { d.setStatus(s) })
		d.buttons[s] = b
		btns = append(btns, b)
	}

	d.assignee = widget.NewSelectEntry(nil)
	d.assignee.SetPlaceHolder(T("detail.assignee_placeholder"))
	d.assignee.OnSubmitted = func(who string) { d.assign(who) }
	d.takeBtn = widget.NewButtonWithIcon(T("detail.take"), theme.AccountIcon(), func() { d.assign(d.v.userName()) })

	muns := []string{T("inbox.no_district")}
	for _, m := range v.muns {
		muns = append(muns, m.Name)
	}
	d.munSel = widget.NewSelect(muns, func(string) { d.correctDistrict() })
	cats := make([]string, 0, len(v.cats))
	for _, c := range v.cats {
		cats = append(cats, v.catName(c.Code))
	}
	d.catSel = widget.NewSelect(cats, func(string) { d.correctCategory() })

	d.tags = container.NewHBox()
	d.post = container.NewVBox()
	d.thread = container.NewVBox()
	d.notes = container.NewVBox()
	d.noteEntry = widget.NewMultiLineEntry()
	d.noteEntry.SetPlaceHolder(T("detail.note_placeholder"))
	d.noteEntry.SetMinRowsVisible(2)
	d.noteEntry.Wrapping = fyne.TextWrapWord
	d.noteBtn = widget.NewButtonWithIcon(T("detail.add_note"), theme.ContentAddIcon(), d.addNote)
	d.others = container.NewVBox()
	d.errLabel = widget.NewLabel("")
	d.errLabel.Importance = widget.DangerImportance
	d.errLabel.Wrapping = fyne.TextWrapWord
	d.errLabel.Hide()

	header := container.NewBorder(nil, nil, container.NewCenter(d.platform), container.NewCenter(d.status), d.author)
	form := widget.NewForm(
		widget.NewFormItem(T("detail.district"), d.munSel),
		widget.NewFormItem(T("detail.category"), d.catSel),
		widget.NewFormItem(T("detail.assignee"), container.NewBorder(nil, nil, nil, d.takeBtn, d.assignee)),
	)
	d.body = container.NewVBox(
		header,
		container.NewBorder(nil, nil, nil, d.link, d.meta),
		d.due,
		d.errLabel,
		card(d.text),
		d.attachments,
		container.NewBorder(nil, nil, nil, d.tagBtn, d.tags),
		d.outbox,
		container.NewBorder(nil, nil, nil, nil, d.replyBtn),
		container.NewGridWithColumns(2, btns...),
		form,
		section(T("detail.post")), d.post,
		section(T("detail.thread")), d.thread,
		section(T("detail.notes")), d.notes,
		container.NewBorder(nil, nil, nil, container.NewVBox(layout.NewSpacer(), d.noteBtn), d.noteEntry),
		section(T("detail.author_other")), d.others,
	)
	d.scroll = container.NewVScroll(container.NewPadded(d.body))
	d.scroll.Hide()
	// The hint wraps instead of holding the pane (and so the list beside
	// it) at the width of its longest line.
	d.placeholder.Wrapping = fyne.TextWrapWord
	d.content = container.NewStack(container.NewPadded(container.NewVBox(layout.NewSpacer(), d.placeholder, layout.NewSpacer())), d.scroll)
	return d
}

// section is a small caps-like heading between parts of the pane.
func section(title string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(strings.ToUpper(title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	return container.NewVBox(widget.NewSeparator(), l)
}

// card puts o on a softly tinted rounded background.
func card(o fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize() * 2
	return container.NewStack(bg, container.NewPadded(o))
}

func (d *detailView) clear() {
	d.shownID = 0
	d.scroll.Hide()
	d.placeholder.Show()
}

// detailData is a message with its context and the replies queued for it.
type detailData struct {
	det     Detail
	replies []data.OutboxItem
}

// load fetches message id with its context off the UI goroutine.
func (d *detailView) load(id int64) {
	stems := d.v.cache.stems
	async(d.v.b, func(ctx context.Context) (detailData, error) {
		det, err := d.v.core.Detail(ctx, id)
		if err != nil {
			return detailData{}, err
		}
		replies, err := d.v.core.MessageOutbox(ctx, id)
		return detailData{det: det, replies: replies}, err
	}, func(dd detailData, err error) {
		if id != d.v.selectedID {
			return // the user moved on
		}
		if err != nil {
			d.v.showError(err)
			return
		}
		d.replies = dd.replies
		d.show(dd.det, stems)
	})
}

func (d *detailView) show(det Detail, stems []string) {
	d.syncing = true
	defer func() { d.syncing = false }()
	keepScroll := det.Message.ID == d.shownID
	d.d, d.stems, d.shownID = det, stems, det.Message.ID
	m := det.Message
	now := d.v.now()
	d.errLabel.Hide()

	d.author.SetText(m.AuthorName)
	d.platform.Set(platformLabel(m.Platform), platformColor(m.Platform), true)
	d.status.Set(statusLabel(m.Status), statusColor(m.Status), false)
	meta := []string{fullTime(m.CreatedAt)}
	if det.Account.Name != "" {
		meta = append(meta, det.Account.Name)
	}
	if m.AuthorCity != "" {
		meta = append(meta, Tf("detail.city", map[string]any{"City": m.AuthorCity}))
	}
	d.meta.SetText(strings.Join(meta, " · "))
	if u, err := parseWebURL(m.URL); err == nil {
		d.linkURL = u
		d.link.Show()
	} else {
		d.linkURL = nil
		d.link.Hide()
	}
	d.due.SetText(d.deadlines(now, m))
	d.due.Importance = widget.MediumImportance
	if _, late := rowDue(now, &m); late && m.Status.Open() {
		d.due.Importance = widget.DangerImportance
	}
	d.due.Refresh()
	// Inline segments flow as one wrapped paragraph; paragraph-style
	// segments would put each highlighted word on a line of its own.
	d.text.Segments = highlighted(m.Text, d.v.core.Highlight(m.Text, stems), widget.RichTextStyleInline)
	d.text.Refresh()

	d.tags.RemoveAll()
	for _, t := range m.Tags {
		d.tags.Add(d.tagChip(t))
	}
	if m.Sentiment == data.Negative {
		d.tags.Add(newChip(T("sentiment.negative"), theme.Color(theme.ColorNameError), false))
	} else if m.Sentiment == data.Positive {
		d.tags.Add(newChip(T("sentiment.positive"), theme.Color(theme.ColorNameSuccess), false))
	}

	for s, b := range d.buttons {
		b.Importance = widget.MediumImportance
		if s == m.Status {
			b.Importance = widget.HighImportance
			b.Disable()
		} else {
			b.Enable()
		}
		b.Refresh()
	}
	d.assignee.SetOptions(d.v.assignees(m.Assignee))
	d.assignee.SetText(m.Assignee)
	if m.District == "" {
		d.munSel.SetSelectedIndex(0)
	} else {
		d.munSel.SetSelected(d.v.munIdx[m.District].Name)
	}
	d.catSel.ClearSelected()
	if m.Category != "" {
		d.catSel.SetSelected(d.v.catName(m.Category))
	}

	d.showAttachments(m.Attachments)
	d.showOutbox(now)
	if m.Platform == data.POS {
		d.replyBtn.SetText(T("detail.reply_portal"))
	} else {
		d.replyBtn.SetText(T("detail.reply"))
	}

	d.post.RemoveAll()
	if det.Post != nil {
		p := widget.NewLabel(firstLine(det.Post.Text, 280))
		p.Wrapping = fyne.TextWrapWord
		when := widget.NewLabel(fullTime(det.Post.CreatedAt))
		when.Importance = widget.LowImportance
		d.post.Add(card(container.NewVBox(when, p)))
	} else {
		d.post.Add(muted(T("detail.no_post")))
	}

	d.thread.RemoveAll()
	for _, p := range det.Parents {
		d.thread.Add(d.threadItem(p, now, false))
	}
	d.thread.Add(d.threadItem(m, now, true))
	for _, r := range det.Replies {
		d.thread.Add(container.New(layout.NewCustomPaddedLayout(0, 0, theme.Padding()*6, 0), d.threadItem(r, now, false)))
	}

	d.notes.RemoveAll()
	if len(det.Notes) == 0 {
		d.notes.Add(muted(T("detail.no_notes")))
	}
	for _, n := range det.Notes {
		head := muted(n.Author + " · " + ago(now, n.CreatedAt))
		t := widget.NewLabel(n.Text)
		t.Wrapping = fyne.TextWrapWord
		d.notes.Add(card(container.NewVBox(head, t)))
	}

	d.others.RemoveAll()
	if len(det.AuthorOther) == 0 {
		d.others.Add(muted(T("detail.no_other")))
	}
	for _, o := range det.AuthorOther {
		d.others.Add(d.otherItem(o, now))
	}

	d.placeholder.Hide()
	d.scroll.Show()
	if !keepScroll {
		d.scroll.ScrollToTop()
	}
	d.body.Refresh()
	relayout(d.body)
}

func muted(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// deadlines says what is due: «Первый ответ — осталось 2 часа · Ответ по существу — просрочено на 3 дня».
func (d *detailView) deadlines(now time.Time, m data.Message) string {
	var parts []string
	if !m.FirstResponseDue.IsZero() {
		if !m.FirstResponseAt.IsZero() {
			parts = append(parts, Tf("detail.first_response_done", map[string]any{"When": ago(now, m.FirstResponseAt)}))
		} else if m.Status.Open() {
			t, _ := deadlineLeft(now, m.FirstResponseDue)
			parts = append(parts, Tf("detail.first_response_due", map[string]any{"Due": t}))
		}
	}
	if !m.AnswerDue.IsZero() && m.Status.Open() {
		t, _ := deadlineLeft(now, m.AnswerDue)
		parts = append(parts, Tf("detail.answer_due", map[string]any{"Due": t}))
	}
	return strings.Join(parts, " · ")
}

func (d *detailView) threadItem(m data.Message, now time.Time, current bool) fyne.CanvasObject {
	who := m.AuthorName
	if m.FromOffice {
		who = "↩ " + who
	}
	head := widget.NewLabelWithStyle(who+" · "+ago(now, m.CreatedAt), fyne.TextAlignLeading, fyne.TextStyle{Bold: current})
	head.Importance = widget.LowImportance
	if current {
		head.Importance = widget.HighImportance
	}
	head.Truncation = fyne.TextTruncateEllipsis
	text := widget.NewLabel(firstLine(m.Text, 200))
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(head, text)
	if current {
		return card(box)
	}
	return box
}

func (d *detailView) otherItem(m data.Message, now time.Time) fyne.CanvasObject {
	id := m.ID
	link := widget.NewHyperlink(firstLine(m.Text, 90), nil)
	link.Truncation = fyne.TextTruncateEllipsis
	link.OnTapped = func() { d.v.openMessage(id) }
	info := muted(ago(now, m.CreatedAt) + " · " + statusLabel(m.Status))
	info.Wrapping = fyne.TextWrapOff
	return container.NewBorder(nil, nil, nil, info, link)
}

// focus moves the keyboard into the pane: Tab then walks the actions.
func (d *detailView) focus() {
	if d.shownID == 0 {
		return
	}
	for _, s := range statusActions {
		if b := d.buttons[s]; !b.Disabled() {
			d.v.win.Canvas().Focus(b)
			return
		}
	}
}

// act runs a change on the shown message off the UI goroutine. The core's
// event then reloads the list and this pane.
func (d *detailView) act(fn func(ctx context.Context, ids []int64) error) {
	if d.shownID == 0 || d.syncing {
		return
	}
	ids := []int64{d.shownID}
	async(d.v.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx, ids) },
		func(_ struct{}, err error) {
			if err != nil {
				d.errLabel.SetText(Tf("detail.action_failed", map[string]any{"Error": err.Error()}))
				d.errLabel.Show()
			}
		})
}

func (d *detailView) setStatus(s data.Status) {
	if d.shownID != 0 && !d.syncing {
		d.v.applyStatus([]int64{d.shownID}, s)
	}
}

func (d *detailView) assign(who string) {
	if d.shownID != 0 && !d.syncing {
		d.v.applyAssign([]int64{d.shownID}, who)
	}
}

func (d *detailView) correctDistrict() {
	i := d.munSel.SelectedIndex()
	if i < 0 || d.syncing {
		return
	}
	code := ""
	if i > 0 {
		code = d.v.muns[i-1].Code
	}
	if code == d.d.Message.District {
		return
	}
	d.v.applyDistrict([]int64{d.shownID}, code)
}

func (d *detailView) correctCategory() {
	i := d.catSel.SelectedIndex()
	if i < 0 || d.syncing {
		return
	}
	code := d.v.cats[i].Code
	if code == d.d.Message.Category {
		return
	}
	d.v.applyCategory([]int64{d.shownID}, code)
}

func (d *detailView) addNote() {
	text := strings.TrimSpace(d.noteEntry.Text)
	if text == "" {
		return
	}
	d.noteEntry.SetText("")
	d.act(func(ctx context.Context, ids []int64) error { return d.v.core.AddNote(ctx, ids[0], text) })
}
