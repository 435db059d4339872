package ui

import (
	"context"
	"errors"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
	"otklik/data"
)

// accountPlatforms are the networks an account can be on, in menu order.
var accountPlatforms = []data.Platform{data.VK, data.Telegram, data.OK, data.POS}

// accountsSection is Настройки → «Аккаунты»: every account with its sync
// state (online, offline, a token needed, the password store unavailable,
// an error), the last sync, the last error, what waits to be sent and
// what was quarantined; adding and editing an account with its token;
// «Синхронизировать сейчас» and «Повторить неотправленные».
type accountsSection struct {
	m *MainWindow

	states   []AccountState
	rows     []*accountRow
	list     *fyne.Container
	empty    *widget.Label
	note     *widget.Label
	addBtn   *widget.Button
	syncBtn  *widget.Button
	retryBtn *widget.Button
	editor   *accountEditor // the open add/edit dialog; nil when closed

	content fyne.CanvasObject
}

// accountRow shows one account.
type accountRow struct {
	dot    *canvas.Circle
	title  *widget.Label
	detail *widget.Label
	phase  *widget.Label
	synced *widget.Label
	counts *widget.Label
	hint   *widget.Label
	edit   *widget.Button
	retry  *widget.Button
	box    fyne.CanvasObject
}

func newAccountsSection(m *MainWindow) *accountsSection {
	s := &accountsSection{m: m}
	s.list = container.NewVBox()
	s.empty = widget.NewLabel(T("accounts.none"))
	s.empty.Wrapping = fyne.TextWrapWord
	s.empty.Importance = widget.LowImportance
	s.empty.Hide()
	s.note = widget.NewLabel("")
	s.note.Wrapping = fyne.TextWrapWord
	s.note.Hide()
	s.addBtn = widget.NewButtonWithIcon(T("accounts.add"), theme.ContentAddIcon(), func() { s.openEditor(nil) })
	s.syncBtn = widget.NewButtonWithIcon(T("accounts.sync_now"), theme.ViewRefreshIcon(), s.syncNow)
	s.syncBtn.Importance = widget.HighImportance
	s.retryBtn = widget.NewButtonWithIcon(T("accounts.retry"), theme.MailSendIcon(), func() { s.retryUnsent(0) })
	intro := widget.NewLabel(T("accounts.intro"))
	intro.Wrapping = fyne.TextWrapWord
	buttons := container.NewHBox(s.syncBtn, s.retryBtn, layout.NewSpacer(), s.addBtn)
	s.content = container.NewVBox(subheading(T("accounts.title")), intro, buttons, s.note, widget.NewSeparator(), s.empty, s.list)
	return s
}

// reload reads the accounts and their state off the UI goroutine.
func (s *accountsSection) reload() {
	async(s.m.b, func(ctx context.Context) ([]AccountState, error) { return s.m.core.Accounts(ctx) },
		func(states []AccountState, err error) {
			if err != nil {
				s.say(err.Error(), widget.DangerImportance)
				return
			}
			s.render(states)
		})
}

// render shows states, reusing the rows while the accounts stay the same
// so that a stream of sync events does not rebuild the widgets.
func (s *accountsSection) render(states []AccountState) {
	s.states = states
	rebuilt := len(s.rows) != len(states)
	if rebuilt {
		s.rows = make([]*accountRow, len(states))
		objs := make([]fyne.CanvasObject, 0, 2*len(states))
		for i := range states {
			s.rows[i] = s.newRow(i)
			if i > 0 {
				objs = append(objs, widget.NewSeparator())
			}
			objs = append(objs, s.rows[i].box)
		}
		s.list.Objects = objs
	}
	for i, st := range states {
		s.rows[i].fill(st, s.m)
	}
	wasEmpty := !s.empty.Hidden
	s.empty.Hidden = len(states) > 0
	// Showing or hiding the empty note changes the section's height too.
	rebuilt = rebuilt || wasEmpty != !s.empty.Hidden
	failed := 0
	for _, st := range states {
		failed += st.Failed
	}
	if failed == 0 {
		s.retryBtn.Disable()
	} else {
		s.retryBtn.Enable()
	}
	s.list.Refresh()
	s.empty.Refresh()
	relayout(s.content)
	if rebuilt && s.m.settings != nil {
		// The section's height changed: the sections below move at once,
		// not at the next scroll.
		s.m.settings.content.Refresh()
		if body, ok := s.m.settings.content.(*container.Scroll); ok {
			relayout(body.Content)
		}
	}
}

func (s *accountsSection) newRow(i int) *accountRow {
	r := &accountRow{}
	r.dot = canvas.NewCircle(color.Transparent)
	r.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.detail = widget.NewLabel("")
	r.detail.Importance = widget.LowImportance
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.phase = widget.NewLabel("")
	r.synced = widget.NewLabel("")
	r.counts = widget.NewLabel("")
	r.hint = widget.NewLabel("")
	r.hint.Wrapping = fyne.TextWrapWord
	r.hint.Importance = widget.DangerImportance
	r.edit = widget.NewButtonWithIcon(T("accounts.edit"), theme.DocumentCreateIcon(), func() {
		if i < len(s.states) {
			st := s.states[i]
			s.openEditor(&st)
		}
	})
	r.retry = widget.NewButtonWithIcon(T("accounts.retry_one"), theme.MailSendIcon(), func() {
		if i < len(s.states) {
			s.retryUnsent(s.states[i].Account.ID)
		}
	})
	dot := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(10), r.dot))
	state := container.NewHBox(dot, r.phase, widget.NewSeparator(), r.synced, widget.NewSeparator(), r.counts)
	// The title keeps its full width; the id and address give way.
	head := container.NewBorder(nil, nil, r.title, container.NewHBox(r.retry, r.edit), r.detail)
	r.box = container.NewVBox(head, state, r.hint)
	return r
}

// accountPhase names an account's state and its colour.
func accountPhase(st AccountState) (key string, tone fyne.ThemeColorName) {
	switch {
	case st.Account.Demo:
		return "accounts.phase.demo", theme.ColorNameDisabled
	case st.Phase == "":
		return "accounts.phase.stopped", theme.ColorNameDisabled
	case st.NeedsToken:
		return "accounts.phase.needs_token", theme.ColorNameError
	case st.KeyringDown:
		return "accounts.phase.keyring", theme.ColorNameWarning
	case st.Phase == "failed":
		return "accounts.phase.failed", theme.ColorNameError
	case st.Phase == "idle":
		return "accounts.phase.idle", theme.ColorNameDisabled
	case st.Online && st.Phase == "backfill":
		return "accounts.phase.backfill", theme.ColorNameSuccess
	case st.Online:
		return "accounts.phase.online", theme.ColorNameSuccess
	case st.Phase == "starting" && st.LastError == "":
		return "accounts.phase.starting", theme.ColorNameDisabled
	}
	return "accounts.phase.offline", theme.ColorNameError
}

// platformTitle is the network's name as the views show it.
func platformTitle(p data.Platform) string { return T("platform." + string(p)) }

func (r *accountRow) fill(st AccountState, m *MainWindow) {
	r.title.SetText(platformTitle(st.Account.Platform) + " · " + st.Account.Name)
	detail := []string{Tf("accounts.external_id", map[string]any{"ID": st.Account.ExternalID})}
	if st.Simulator {
		detail = append(detail, T("accounts.simulator"))
	}
	if st.BaseURL != "" {
		detail = append(detail, st.BaseURL)
	}
	r.detail.SetText(strings.Join(detail, " · "))

	key, tone := accountPhase(st)
	r.dot.FillColor = theme.Color(tone)
	r.dot.Refresh()
	r.phase.SetText(T(key))
	r.phase.Importance = widget.MediumImportance
	switch tone {
	case theme.ColorNameError:
		r.phase.Importance = widget.DangerImportance
	case theme.ColorNameWarning:
		r.phase.Importance = widget.WarningImportance
	case theme.ColorNameSuccess:
		r.phase.Importance = widget.SuccessImportance
	}
	r.phase.Refresh()
	if st.LastSync.IsZero() {
		r.synced.SetText(T("accounts.never_synced"))
	} else {
		r.synced.SetText(Tf("accounts.synced", map[string]any{"When": ago(m.opts.Now(), st.LastSync)}))
	}
	counts := []string{TN("accounts.queued", st.Queued+st.Sending)}
	if st.Failed > 0 {
		counts = append(counts, TN("accounts.failed", st.Failed))
	}
	if st.Quarantined > 0 {
		counts = append(counts, Tf("accounts.quarantined", map[string]any{"Count": formatInt(st.Quarantined)}))
	}
	r.counts.SetText(strings.Join(counts, " · "))
	r.counts.Importance = widget.MediumImportance
	if st.Failed > 0 {
		r.counts.Importance = widget.DangerImportance
	}
	r.counts.Refresh()

	var hints []string
	switch {
	case st.NeedsToken:
		hints = append(hints, T("accounts.needs_token_hint"))
	case st.KeyringDown:
		hints = append(hints, T("accounts.keyring_hint"))
	}
	if st.LastError != "" {
		hints = append(hints, Tf("accounts.last_error", map[string]any{"Error": st.LastError}))
	}
	if st.OutboxError != "" && st.Failed > 0 {
		hints = append(hints, Tf("accounts.outbox_error", map[string]any{"Error": st.OutboxError}))
	}
	r.hint.SetText(strings.Join(hints, "\n"))
	r.hint.Importance = widget.DangerImportance
	if st.KeyringDown || (!st.NeedsToken && st.Phase != "failed" && st.Failed == 0) {
		r.hint.Importance = widget.WarningImportance // offline for now: it retries by itself
	}
	r.hint.Hidden = len(hints) == 0
	r.hint.Refresh()
	r.retry.Hidden = st.Failed == 0
	r.retry.Refresh()
}

// say shows a line under the buttons.
func (s *accountsSection) say(text string, imp widget.Importance) {
	s.note.SetText(text)
	s.note.Importance = imp
	s.note.Show()
	s.note.Refresh()
	relayout(s.content)
}

func (s *accountsSection) syncNow() {
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.SyncNow(ctx) },
		func(_ struct{}, err error) {
			if err != nil {
				s.say(err.Error(), widget.DangerImportance)
				return
			}
			s.say(T("accounts.sync_started"), widget.MediumImportance)
			s.reload()
		})
}

// retryUnsent queues the failed items of one account (0: every account).
func (s *accountsSection) retryUnsent(accountID int64) {
	async(s.m.b, func(ctx context.Context) (int, error) { return s.m.core.RetryUnsent(ctx, accountID) },
		func(n int, err error) {
			switch {
			case err != nil:
				s.say(err.Error(), widget.DangerImportance)
			case n == 0:
				s.say(T("accounts.nothing_to_retry"), widget.MediumImportance)
			default:
				s.say(TN("accounts.retried", n), widget.SuccessImportance)
			}
			s.reload()
		})
}

// accountEditor is the add/edit dialog.
type accountEditor struct {
	s        *accountsSection
	id       int64
	platform *widget.Select
	extID    *widget.Entry
	name     *widget.Entry
	baseURL  *widget.Entry
	chat     *widget.Entry
	token    *widget.Entry
	errLabel *widget.Label
	save     *widget.Button
	cancel   *widget.Button
	dlg      *dialog.CustomDialog
}

// openEditor opens the dialog for a new account (st nil) or st's.
func (s *accountsSection) openEditor(st *AccountState) {
	e := &accountEditor{s: s}
	names := make([]string, len(accountPlatforms))
	for i, p := range accountPlatforms {
		names[i] = platformTitle(p)
	}
	e.platform = widget.NewSelect(names, func(string) { e.platformChanged() })
	e.extID = widget.NewEntry()
	e.name = widget.NewEntry()
	e.name.SetPlaceHolder(T("accounts.name_placeholder"))
	e.baseURL = widget.NewEntry()
	e.baseURL.SetPlaceHolder(T("accounts.base_url_placeholder"))
	e.chat = widget.NewEntry()
	e.token = widget.NewPasswordEntry()
	e.token.SetPlaceHolder(T("accounts.token_placeholder_new"))
	e.errLabel = widget.NewLabel("")
	e.errLabel.Importance = widget.DangerImportance
	e.errLabel.Wrapping = fyne.TextWrapWord
	e.errLabel.Hide()
	title := T("accounts.dialog_add")
	if st != nil {
		title = T("accounts.dialog_edit")
		e.id = st.Account.ID
		e.platform.SetSelectedIndex(indexOfPlatform(st.Account.Platform))
		e.extID.SetText(st.Account.ExternalID)
		e.name.SetText(st.Account.Name)
		e.baseURL.SetText(st.BaseURL)
		e.chat.SetText(st.LinkedChat)
		// The network and id identify the account (and its token).
		e.platform.Disable()
		e.extID.Disable()
		e.token.SetPlaceHolder(T("accounts.token_placeholder_keep"))
	} else {
		e.platform.SetSelectedIndex(0)
	}
	e.platformChanged()
	form := widget.NewForm(
		widget.NewFormItem(T("accounts.platform"), e.platform),
		&widget.FormItem{Text: T("accounts.id"), Widget: e.extID, HintText: T("accounts.id_hint")},
		widget.NewFormItem(T("accounts.name"), e.name),
		&widget.FormItem{Text: T("accounts.token"), Widget: e.token, HintText: T("accounts.token_hint")},
		&widget.FormItem{Text: T("accounts.linked_chat"), Widget: e.chat, HintText: T("accounts.linked_chat_hint")},
		&widget.FormItem{Text: T("accounts.base_url"), Widget: e.baseURL, HintText: T("accounts.base_url_hint")},
	)
	e.save = widget.NewButtonWithIcon(T("accounts.save"), theme.DocumentSaveIcon(), e.submit)
	e.save.Importance = widget.HighImportance
	e.cancel = widget.NewButton(T("accounts.cancel"), e.close)
	body := container.NewVBox(form, e.errLabel)
	e.dlg = dialog.NewCustomWithoutButtons(title, container.New(minWidth(640), body), s.m.Window)
	e.dlg.SetButtons([]fyne.CanvasObject{e.cancel, e.save})
	e.dlg.SetOnClosed(func() {
		if s.editor == e {
			s.editor = nil
		}
	})
	s.editor = e
	e.dlg.Show()
}

func indexOfPlatform(p data.Platform) int {
	for i, q := range accountPlatforms {
		if q == p {
			return i
		}
	}
	return -1
}

// platformChanged enables the discussion group for Telegram only.
func (e *accountEditor) platformChanged() {
	if i := e.platform.SelectedIndex(); i >= 0 && accountPlatforms[i] == data.Telegram {
		e.chat.Enable()
	} else {
		e.chat.Disable()
	}
}

func (e *accountEditor) input() AccountInput {
	in := AccountInput{ID: e.id, ExternalID: e.extID.Text, Name: e.name.Text, BaseURL: e.baseURL.Text,
		LinkedChat: e.chat.Text, Token: e.token.Text}
	if i := e.platform.SelectedIndex(); i >= 0 {
		in.Platform = accountPlatforms[i]
	}
	// A typographic minus pasted from a document is still a negative id.
	in.ExternalID = strings.ReplaceAll(strings.TrimSpace(in.ExternalID), "−", "-")
	in.LinkedChat = strings.ReplaceAll(strings.TrimSpace(in.LinkedChat), "−", "-")
	return in
}

// submit saves; the dialog stays open with the reason when the core
// refuses the input, so nothing typed is lost.
func (e *accountEditor) submit() {
	in := e.input()
	e.save.Disable()
	s := e.s
	type saved struct {
		acc   data.Account
		where string
	}
	async(s.m.b, func(ctx context.Context) (saved, error) {
		acc, where, err := s.m.core.SaveAccount(ctx, in)
		return saved{acc, where}, err
	}, func(r saved, err error) {
		e.save.Enable()
		if err != nil {
			e.errLabel.SetText(accountError(err))
			e.errLabel.Show()
			e.dlg.Refresh()
			return
		}
		e.close()
		name := map[string]any{"Name": r.acc.Name}
		switch r.where {
		case app.TokenKeyring:
			s.say(Tf("accounts.saved_keyring", name), widget.SuccessImportance)
		case app.TokenSession:
			s.say(Tf("accounts.saved_session", name), widget.WarningImportance)
		default:
			s.say(Tf("accounts.saved", name), widget.MediumImportance)
		}
		s.reload()
	})
}

func (e *accountEditor) close() {
	e.dlg.Hide()
	if e.s.editor == e {
		e.s.editor = nil
	}
}

// accountError explains what SaveAccount refused.
func accountError(err error) string {
	switch {
	case errors.Is(err, app.ErrAccountPlatform):
		return T("accounts.err_platform")
	case errors.Is(err, app.ErrAccountID):
		return T("accounts.err_id")
	case errors.Is(err, app.ErrAccountURL):
		return T("accounts.err_url")
	}
	return err.Error()
}
