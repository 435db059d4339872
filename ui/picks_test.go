package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"otklik/data"
)

// click presses and releases the mouse on o with mods held, then taps it,
// in the order the desktop driver does.
func click(o interface {
	desktop.Mouseable
	fyne.Tappable
}, mods fyne.KeyModifier) {
	ev := &desktop.MouseEvent{Button: desktop.MouseButtonPrimary, Modifier: mods}
	o.MouseDown(ev)
	o.MouseUp(ev)
	test.Tap(o)
}

// pickedIDs lists the picked messages as row numbers of shown.
func pickedRows(v *inboxView, shown []*messageRow) []int {
	var out []int
	for i, r := range shown {
		if v.picked[r.pickID] {
			out = append(out, i)
		}
	}
	if len(out) != len(v.picked) {
		out = append(out, -1) // something off screen is picked too
	}
	return out
}

func TestCtrlAndShiftClickPickForBulkActions(t *testing.T) {
	m, fc := newTestWindow(t, ThemeLight)
	v := m.inbox
	v.selectNode(viewPrefix + ViewNew)
	m.b.settle()
	shown := shownRows(m)
	if len(shown) < 7 {
		t.Fatalf("%d rows on screen, want 7", len(shown))
	}
	click(shown[0], 0)
	m.b.settle()
	opened := shown[0].pickID
	if v.selectedID != opened || v.detail.shownID != opened || len(v.picked) != 0 {
		t.Fatalf("plain click: selected %d, detail %d, picked %v; want %d open and nothing picked",
			v.selectedID, v.detail.shownID, v.picked, opened)
	}
	if m.Window.Canvas().Focused() != v.list {
		t.Errorf("after a click the focus is on %T, want the list so j/k work", m.Window.Canvas().Focused())
	}
	for _, step := range []struct {
		name  string
		row   int
		mods  fyne.KeyModifier
		want  []int
		count string
	}{
		{"ctrl picks", 2, fyne.KeyModifierControl, []int{2}, "Выбрано: 1 сообщение"},
		{"shift ranges from it", 4, fyne.KeyModifierShift, []int{2, 3, 4}, "Выбрано: 3 сообщения"},
		{"shift again shortens", 3, fyne.KeyModifierShift, []int{2, 3}, "Выбрано: 2 сообщения"},
		{"⌘ picks the open one too", 0, fyne.KeyModifierSuper, []int{0, 2, 3}, "Выбрано: 3 сообщения"},
		{"ctrl unpicks", 2, fyne.KeyModifierControl, []int{0, 3}, "Выбрано: 2 сообщения"},
		{"shift from the unpicked anchor", 6, fyne.KeyModifierShift, []int{0, 2, 3, 4, 5, 6}, "Выбрано: 6 сообщений"},
	} {
		click(shown[step.row], step.mods)
		m.b.settle()
		if got := pickedRows(v, shown); !slices.Equal(got, step.want) {
			t.Fatalf("%s: picked rows %v, want %v", step.name, got, step.want)
		}
		if v.bulk.content.Hidden || v.bulk.count.Text != step.count {
			t.Errorf("%s: bulk bar hidden=%v %q, want %q", step.name, v.bulk.content.Hidden, v.bulk.count.Text, step.count)
		}
		if v.selectedID != opened || v.detail.shownID != opened {
			t.Fatalf("%s: the open message changed to %d (detail %d), want %d", step.name, v.selectedID, v.detail.shownID, opened)
		}
	}
	// Space no longer selects widget.List's own cursor row.
	v.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if v.selectedID != opened {
		t.Errorf("Space moved the selection to %d", v.selectedID)
	}

	// A bulk action acts on exactly the picked messages.
	ids := v.picks()
	act(t, m, func() { v.bulk.status.SetSelected(statusLabel(data.StatusInProgress)) })
	for _, id := range ids {
		if got := fc.find(id).Status; got != data.StatusInProgress {
			t.Errorf("picked message %d: %s, want in progress", id, got)
		}
	}
	if got := fc.find(shown[1].pickID).Status; got != data.StatusNew {
		t.Errorf("unpicked message %d changed to %s", shown[1].pickID, got)
	}
	var calls []string
	for _, c := range fc.Calls() {
		if strings.HasPrefix(c, "SetStatus ") {
			calls = append(calls, c)
		}
	}
	if len(calls) != len(ids) {
		t.Errorf("status set %d times, want once for each of %d picks: %v", len(calls), len(ids), calls)
	}
}

func TestShiftClickOnTheBoxAndAfterReload(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	v := m.inbox
	shown := shownRows(m)
	click(shown[1], 0)
	m.b.settle()
	// Shift+click on a tick box ranges like a click on the row.
	click(shown[3].pick, fyne.KeyModifierShift)
	if got := pickedRows(v, shown); !slices.Equal(got, []int{1, 2, 3}) {
		t.Fatalf("shift on the box: picked rows %v, want [1 2 3]", got)
	}
	// A plain tick sets the anchor for the next Shift+click.
	click(shown[6].pick, 0)
	click(shown[5], fyne.KeyModifierShift)
	if got := pickedRows(v, shown); !slices.Equal(got, []int{1, 2, 3, 5, 6}) {
		t.Fatalf("after a tick and shift: picked rows %v, want [1 2 3 5 6]", got)
	}
	// A loading row has nothing to pick.
	v.rowTapped(v.listLength()+5, fyne.KeyModifierControl)
	if len(v.picked) != 5 {
		t.Errorf("ctrl on a row that is not there: %d picked", len(v.picked))
	}
	// Another query drops the picks and the anchor: Shift+click then
	// ranges from the selection, or picks just the row.
	v.selectNode(viewPrefix + ViewNew)
	m.b.settle()
	shown = shownRows(m)
	click(shown[2], fyne.KeyModifierShift)
	if got := pickedRows(v, shown); !slices.Equal(got, []int{2}) {
		t.Errorf("shift with no anchor: picked rows %v, want [2]", got)
	}
}

func TestShiftKeysExtendPicks(t *testing.T) {
	m, _ := newTestWindow(t, ThemeLight)
	v := m.inbox
	c := m.Window.Canvas()
	test.TypeOnCanvas(c, "jj")
	m.b.settle()
	if v.selectedIndex() != 1 || len(v.picked) != 0 {
		t.Fatalf("jj: row %d, %d picked", v.selectedIndex(), len(v.picked))
	}
	shown := shownRows(m)
	for _, step := range []struct {
		keys string
		sel  int
		want []int
	}{
		{"J", 2, []int{1, 2}},
		{"J", 3, []int{1, 2, 3}},
		{"K", 2, []int{1, 2}},
		{"ОО", 4, []int{1, 2, 3, 4}}, // Shift+j in the Russian layout
	} {
		test.TypeOnCanvas(c, step.keys)
		m.b.settle()
		if got := pickedRows(v, shown); v.selectedIndex() != step.sel || !slices.Equal(got, step.want) {
			t.Fatalf("%s: row %d, picked %v; want row %d, picked %v", step.keys, v.selectedIndex(), got, step.sel, step.want)
		}
	}
	// Shift+↓ arrives as ↓ with Shift held.
	c.Focus(v.list)
	shift := fyne.KeyModifier(0)
	v.keyMods = func() fyne.KeyModifier { return shift }
	shift = fyne.KeyModifierShift
	v.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	m.b.settle()
	if got := pickedRows(v, shown); !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("shift+↓: picked %v", got)
	}
	// A plain ↓ moves without picking and starts a new anchor there.
	shift = 0
	v.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	m.b.settle()
	shift = fyne.KeyModifierShift
	v.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	m.b.settle()
	if got := pickedRows(v, shown); v.selectedIndex() != 7 || !slices.Equal(got, []int{1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("↓ then shift+↓: row %d, picked %v", v.selectedIndex(), got)
	}
	if v.bulk.count.Text != "Выбрано: 7 сообщений" {
		t.Errorf("bulk bar: %q", v.bulk.count.Text)
	}
	// The detail follows the cursor, as with j/k.
	if v.detail.shownID != v.selectedID {
		t.Errorf("detail shows %d, selected %d", v.detail.shownID, v.selectedID)
	}
}
