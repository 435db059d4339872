package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// bulkBar acts on the picked messages: the checkboxes in the list, x on
// the keyboard. It shows only while something is picked.
type bulkBar struct {
	v         *inboxView
	count     *widget.Label
	status    *widget.Select
	category  *widget.Select
	district  *widget.Select
	assignBtn *widget.Button
	tagBtn    *widget.Button
	allBtn    *widget.Button
	clearBtn  *widget.Button
	content   *fyne.Container
	syncing   bool
}

func newBulkBar(v *inboxView) *bulkBar {
	b := &bulkBar{v: v}
	b.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var states []string
	for _, s := range data.Statuses {
		states = append(states, statusLabel(s))
	}
	b.status = widget.NewSelect(states, func(string) {
		if i := b.status.SelectedIndex(); i >= 0 && !b.syncing {
			v.applyStatus(v.picks(), data.Statuses[i])
			b.reset(b.status)
		}
	})
	b.status.PlaceHolder = T("bulk.status")
	var cats []string
	for _, c := range v.cats {
		cats = append(cats, v.catName(c.Code))
	}
	b.category = widget.NewSelect(cats, func(string) {
		if i := b.category.SelectedIndex(); i >= 0 && !b.syncing {
			v.applyCategory(v.picks(), v.cats[i].Code)
			b.reset(b.category)
		}
	})
	b.category.PlaceHolder = T("bulk.category")
	var muns []string
	for _, m := range v.muns {
		muns = append(muns, m.Name)
	}
	b.district = widget.NewSelect(muns, func(string) {
		if i := b.district.SelectedIndex(); i >= 0 && !b.syncing {
			v.applyDistrict(v.picks(), v.muns[i].Code)
			b.reset(b.district)
		}
	})
	b.district.PlaceHolder = T("bulk.district")
	b.assignBtn = widget.NewButtonWithIcon(T("bulk.assign"), theme.AccountIcon(), func() { v.askAssignee(v.picks()) })
	b.tagBtn = widget.NewButtonWithIcon(T("bulk.tag"), theme.ContentAddIcon(), func() { v.askTag(v.picks()) })
	b.allBtn = widget.NewButton(T("bulk.pick_all"), v.pickAllLoaded)
	b.allBtn.Importance = widget.LowImportance
	b.clearBtn = widget.NewButtonWithIcon("", theme.CancelIcon(), v.clearPicks)
	b.clearBtn.Importance = widget.LowImportance
	head := container.NewBorder(nil, nil, nil, container.NewHBox(b.allBtn, b.clearBtn), b.count)
	// Two short rows rather than one long one: the list column stays
	// narrow enough to leave the detail pane its room.
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.CornerRadius = theme.InputRadiusSize() * 2
	bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	bg.StrokeWidth = 1
	b.content = container.NewPadded(container.NewStack(bg, container.NewPadded(container.NewVBox(head,
		container.NewGridWithColumns(3, b.status, b.category, b.district),
		container.NewGridWithColumns(2, b.assignBtn, b.tagBtn)))))
	b.content.Hide()
	return b
}

func (b *bulkBar) reset(s *widget.Select) {
	b.syncing = true
	s.ClearSelected()
	b.syncing = false
}

// update shows the bar with the number picked, or hides it.
func (b *bulkBar) update(n int) {
	if n == 0 {
		if !b.content.Hidden {
			b.content.Hide()
		}
		return
	}
	b.count.SetText(Tf("bulk.picked", map[string]any{"Messages": TN("inbox.count", n)}))
	if b.content.Hidden {
		b.content.Show()
		relayout(b.v.listCol) // the list keeps its size: only the bar is placed
	}
}

// togglePick adds or removes a message from the multi-selection. The
// message becomes the anchor a later Shift+click ranges from.
func (v *inboxView) togglePick(id int64, on bool) {
	if on {
		v.picked[id] = true
	} else {
		delete(v.picked, id)
	}
	v.setAnchor(id)
	v.bulk.update(len(v.picked))
	v.list.Refresh()
}

// pickModifiers are the keys that make a click pick rather than open:
// Shift for a range; Ctrl, or ⌘ on macOS, for one row.
const pickModifiers = fyne.KeyModifierShift | fyne.KeyModifierControl | fyne.KeyModifierSuper

// rowTapped is a click on list row i. A plain click opens the message, as
// widget.List's own rows do; Ctrl+click (⌘ on macOS) picks or unpicks the
// row and leaves the open message alone; Shift+click picks the range from
// the anchor to the row.
func (v *inboxView) rowTapped(i widget.ListItemID, mods fyne.KeyModifier) {
	if mods&pickModifiers == 0 {
		v.win.Canvas().Focus(v.list) // the keys keep working after a click
		v.list.Select(i)
		return
	}
	r := v.cache.at(i)
	if r == nil {
		return // still loading: nothing to pick yet
	}
	v.win.Canvas().Focus(v.list)
	if mods&fyne.KeyModifierShift != 0 {
		v.pickRange(i)
		return
	}
	v.togglePick(r.msg.ID, !v.picked[r.msg.ID])
}

// setAnchor makes id the row Shift+click and Shift+j/k range from, and
// starts a new range.
func (v *inboxView) setAnchor(id int64) {
	if v.anchorID != id {
		v.anchorID = id
		v.rangeAdded = nil
	}
}

// pickRange picks the rows from the anchor (the last row clicked, ticked
// or opened) to row i, both included, over the rows in memory only: no
// query runs for a range. Ranging again from the same anchor first takes
// back what the last range added, so Shift+click can also shorten it;
// rows picked by other means stay picked.
func (v *inboxView) pickRange(i int) {
	from := v.cache.find(v.anchorID)
	if from < 0 {
		from = v.selectedIndex()
	}
	if from < 0 {
		from = i
	}
	if r := v.cache.at(from); r != nil {
		v.setAnchor(r.msg.ID)
	}
	for _, id := range v.rangeAdded {
		delete(v.picked, id)
	}
	v.rangeAdded = v.rangeAdded[:0]
	for k := min(from, i); k <= max(from, i); k++ {
		r := v.cache.at(k)
		if r == nil || v.picked[r.msg.ID] {
			continue
		}
		v.picked[r.msg.ID] = true
		v.rangeAdded = append(v.rangeAdded, r.msg.ID)
	}
	v.bulk.update(len(v.picked))
	v.list.Refresh()
}

// extendPicks moves the selection delta rows and picks the range from the
// anchor to it: Shift+j/k and Shift+↓/↑. The first step picks the row it
// starts from too.
func (v *inboxView) extendPicks(delta int) {
	if v.selectedIndex() < 0 {
		v.move(delta)
	} else {
		v.extending = true // the anchor stays where the range began
		v.move(delta)
		v.extending = false
	}
	if i := v.selectedIndex(); i >= 0 {
		v.pickRange(i)
	}
}

// picks lists the picked messages in a stable order.
func (v *inboxView) picks() []int64 {
	out := make([]int64, 0, len(v.picked))
	for id := range v.picked {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// pickAllLoaded picks every message of the list that is in memory — the
// screenfuls the operator has seen; a million never gets picked by accident.
func (v *inboxView) pickAllLoaded() {
	for _, p := range v.cache.pages {
		for i := range p.rows {
			v.picked[p.rows[i].msg.ID] = true
		}
	}
	v.rangeAdded = nil
	v.bulk.update(len(v.picked))
	v.list.Refresh()
}

func (v *inboxView) clearPicks() {
	clear(v.picked)
	v.rangeAdded = nil
	v.bulk.update(0)
	v.list.Refresh()
}

// targets are what a key or action applies to: the picked messages, or
// the one open in the detail pane.
func (v *inboxView) targets() []int64 {
	if len(v.picked) > 0 {
		return v.picks()
	}
	if v.selectedID != 0 {
		return []int64{v.selectedID}
	}
	return nil
}

// perform runs a recorded change off the UI goroutine; on success the undo
// bar offers to take it back. The core's event reloads the list and counts.
func (v *inboxView) perform(ids []int64, done string, fn func(ctx context.Context, ids []int64) error) {
	if len(ids) == 0 {
		return
	}
	ids = slices.Clone(ids)
	async(v.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx, ids) },
		func(_ struct{}, err error) {
			if err != nil {
				v.toast.fail(err)
				return
			}
			v.toast.done(Tf("undo.done", map[string]any{"Action": done, "Messages": TN("inbox.count", len(ids))}))
		})
}

func (v *inboxView) applyStatus(ids []int64, s data.Status) {
	v.perform(ids, Tf("undo.status", map[string]any{"Status": statusLabel(s)}), func(ctx context.Context, ids []int64) error {
		return v.core.SetStatus(ctx, ids, s)
	})
}

func (v *inboxView) applyAssign(ids []int64, who string) {
	who = strings.TrimSpace(who)
	done := T("undo.unassigned")
	if who != "" {
		done = Tf("undo.assigned", map[string]any{"Who": who})
	}
	v.perform(ids, done, func(ctx context.Context, ids []int64) error { return v.core.Assign(ctx, ids, who) })
}

func (v *inboxView) applyCategory(ids []int64, code string) {
	v.perform(ids, Tf("undo.category", map[string]any{"Category": v.catName(code)}), func(ctx context.Context, ids []int64) error {
		return v.core.SetCategory(ctx, ids, code)
	})
}

func (v *inboxView) applyDistrict(ids []int64, code string) {
	name := v.munName(code)
	if name == "" {
		name = T("inbox.no_district")
	}
	v.perform(ids, Tf("undo.district", map[string]any{"District": name}), func(ctx context.Context, ids []int64) error {
		return v.core.SetDistrict(ctx, ids, code)
	})
}

func (v *inboxView) applyTag(ids []int64, tag string) {
	tag = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
	if tag == "" {
		return
	}
	v.perform(ids, Tf("undo.tag", map[string]any{"Tag": tag}), func(ctx context.Context, ids []int64) error {
		return v.core.AddTag(ctx, ids, tag)
	})
}

func (v *inboxView) applyUntag(ids []int64, tag string) {
	v.perform(ids, Tf("undo.untag", map[string]any{"Tag": tag}), func(ctx context.Context, ids []int64) error {
		return v.core.RemoveTag(ctx, ids, tag)
	})
}

// askAssignee offers the operator, colleagues seen in the list, or a name
// typed in.
func (v *inboxView) askAssignee(ids []int64) {
	if len(ids) == 0 {
		return
	}
	who := widget.NewSelectEntry(v.assignees(""))
	who.SetPlaceHolder(T("detail.assignee_placeholder"))
	if v.user != "" {
		who.SetText(v.user)
	}
	v.askDialog = dialog.NewForm(Tf("bulk.assign_title", map[string]any{"Messages": TN("inbox.count", len(ids))}),
		T("bulk.assign_ok"), T("dialog.cancel"),
		[]*widget.FormItem{widget.NewFormItem(T("detail.assignee"), who)},
		func(ok bool) {
			if ok {
				v.applyAssign(ids, who.Text)
			}
		}, v.win)
	v.askEntry = &who.Entry
	v.askDialog.Resize(fyne.NewSize(460, 180))
	v.askDialog.Show()
	v.win.Canvas().Focus(who)
}

// askTag asks for a tag to put on the messages.
func (v *inboxView) askTag(ids []int64) {
	if len(ids) == 0 {
		return
	}
	tag := widget.NewEntry()
	tag.SetPlaceHolder(T("bulk.tag_placeholder"))
	v.askDialog = dialog.NewForm(Tf("bulk.tag_title", map[string]any{"Messages": TN("inbox.count", len(ids))}),
		T("bulk.tag_ok"), T("dialog.cancel"),
		[]*widget.FormItem{widget.NewFormItem(T("bulk.tag_label"), tag)},
		func(ok bool) {
			if ok {
				v.applyTag(ids, tag.Text)
			}
		}, v.win)
	v.askEntry = tag
	v.askDialog.Resize(fyne.NewSize(460, 180))
	v.askDialog.Show()
	v.win.Canvas().Focus(tag)
}

// toastBar reports the last action at the bottom of the inbox with
// «Отменить»; Ctrl+Z does the same.
type toastBar struct {
	v       *inboxView
	text    *widget.Label
	undoBtn *widget.Button
	close   *widget.Button
	content *fyne.Container
}

func newToastBar(v *inboxView) *toastBar {
	t := &toastBar{v: v}
	t.text = widget.NewLabel("")
	t.text.Truncation = fyne.TextTruncateEllipsis
	t.undoBtn = widget.NewButtonWithIcon(T("undo.button"), theme.ContentUndoIcon(), v.undo)
	t.undoBtn.Importance = widget.HighImportance
	t.close = widget.NewButtonWithIcon("", theme.CancelIcon(), t.hide)
	t.close.Importance = widget.LowImportance
	t.content = container.NewStack(card(container.NewBorder(nil, nil, nil, container.NewHBox(t.undoBtn, t.close), t.text)))
	t.content.Hide()
	return t
}

func (t *toastBar) done(text string) {
	t.text.Importance = widget.MediumImportance
	t.text.SetText(text)
	t.undoBtn.Show()
	t.show()
}

func (t *toastBar) fail(err error) {
	t.text.Importance = widget.DangerImportance
	t.text.SetText(Tf("detail.action_failed", map[string]any{"Error": err.Error()}))
	t.undoBtn.Hide()
	t.show()
}

// show lays the whole inbox out again: the bar takes room from the list.
func (t *toastBar) show() {
	t.content.Show()
	if t.v.main != nil {
		t.v.main.Refresh()
	}
}

func (t *toastBar) hide() {
	t.content.Hide()
	if t.v.main != nil {
		t.v.main.Refresh()
	}
}

// undo asks the core to reverse the last action.
func (v *inboxView) undo() {
	async(v.b, func(ctx context.Context) (UndoInfo, error) { return v.core.Undo(ctx) },
		func(info UndoInfo, err error) {
			if err != nil {
				v.toast.fail(err)
				return
			}
			v.toast.text.Importance = widget.MediumImportance
			v.toast.text.SetText(Tf("undo.undone", map[string]any{"Messages": TN("inbox.count", info.Count)}))
			v.toast.undoBtn.Hide()
			v.toast.show()
		})
}
