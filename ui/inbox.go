package ui

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/data"
)

// Sidebar node IDs: "v:<view id>", the districts branch, "d:<code>" and
// "d:-" for messages whose municipality is unknown.
const (
	nodeDistricts = "districts"
	viewPrefix    = "v:"
	districtNode  = "d:"
)

// inboxView is the inbox: saved views and districts on the left, a filter
// row, the virtualised message list and the detail pane.
type inboxView struct {
	countCap    int // the list header counts up to this
	totalCapped int // the header shows «более N»: N, else 0
	core        Core
	b           *bridge
	now         func() time.Time
	win         fyne.Window

	views  []View
	muns   []Municipality
	cats   []Category
	munIdx map[string]Municipality
	catIdx map[string]Category

	user          string // the operator, for «Взять себе»
	node          string
	counts        map[string]int
	side          *widget.List
	districtsOpen bool
	syncing       bool // set while code, not the user, changes a select
	munSel        *widget.Select
	catSel        *widget.Select
	stateSel      *widget.Select
	platSel       *widget.Select
	search        *widget.Entry
	title         *widget.Label
	total         *widget.Label
	head          *fyne.Container
	listCol       *fyne.Container
	errLabel      *widget.Label
	empty         *widget.Label

	list       *messageList
	cache      pageCache
	selectedID int64
	loadedOnce bool

	detail  *detailView
	content fyne.CanvasObject

	main      *fyne.Container // list and detail under the toolbar, above the toast
	picked    map[int64]bool  // the multi-selection, for bulk actions
	bulk      *bulkBar
	toast     *toastBar
	more      *moreFilters
	help      *helpOverlay
	askDialog dialog.Dialog // the open assign/tag question, for tests
	askEntry  *widget.Entry
	composer  *composer
	// openURL opens a link in the browser; tests replace it.
	openURL func(*url.URL) error

	// anchorID is the message Shift+click ranges from; rangeAdded what the
	// last range picked, taken back when the next one from the same anchor
	// replaces it; extending keeps the anchor while Shift+j/k moves.
	anchorID   int64
	rangeAdded []int64
	extending  bool
	// keyMods reports the modifier keys held now (Shift+↓ arrives as a
	// plain ↓); tests replace it.
	keyMods func() fyne.KeyModifier
}

func newInboxView(core Core, b *bridge, now func() time.Time, win fyne.Window) *inboxView {
	v := &inboxView{core: core, b: b, now: now, win: win, countCap: listCountCap, node: viewPrefix + ViewAll, counts: map[string]int{},
		picked: map[int64]bool{}}
	v.openURL = func(u *url.URL) error { return fyne.CurrentApp().OpenURL(u) }
	v.keyMods = heldModifiers
	v.muns = core.Municipalities()
	v.cats = core.Categories()
	v.munIdx = map[string]Municipality{}
	for _, m := range v.muns {
		v.munIdx[m.Code] = m
	}
	v.catIdx = map[string]Category{}
	for _, c := range v.cats {
		v.catIdx[c.Code] = c
	}
	v.views = core.Views()
	v.cache.reset()

	v.buildSidebar()
	v.buildFilters()
	v.more = newMoreFilters(v)
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.total = widget.NewLabel("")
	v.total.Importance = widget.LowImportance
	v.errLabel = widget.NewLabel("")
	v.errLabel.Importance = widget.DangerImportance
	v.errLabel.Wrapping = fyne.TextWrapWord
	v.errLabel.Hide()
	v.empty = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.empty.Wrapping = fyne.TextWrapWord
	v.empty.Importance = widget.LowImportance
	v.empty.Hide()

	v.list = &messageList{onRune: v.typedRuneHandled, onKey: v.typedKeyHandled}
	v.list.Length = v.listLength
	v.list.CreateItem = v.createRow
	v.list.UpdateItem = v.updateRow
	v.list.OnSelected = v.selected
	v.list.ExtendBaseWidget(v.list)

	v.detail = newDetailView(v)
	v.bulk = newBulkBar(v)
	v.toast = newToastBar(v)
	v.help = newHelpOverlay(v)

	v.head = container.NewHBox(v.title, v.total)
	// The bulk bar floats over the bottom of the list rather than pushing
	// it down: the rows stay where the operator ticked them.
	v.listCol = container.NewBorder(container.NewVBox(v.head, v.errLabel), nil, nil, nil,
		container.NewStack(v.list, container.NewPadded(container.NewVBox(layout.NewSpacer(), v.empty, layout.NewSpacer())),
			container.NewVBox(layout.NewSpacer(), v.bulk.content)))
	split := container.NewHSplit(v.listCol, v.detail.content)
	split.SetOffset(0.5)
	// Two rows: the search gets the whole width on a laptop screen, the
	// filters sit under it with «Фильтры» showing how many more are on.
	toolbar := container.NewVBox(
		container.NewBorder(nil, nil, nil, v.help.btn, v.search),
		container.NewBorder(nil, nil, nil, v.more.btn, container.NewGridWithColumns(4, v.munSel, v.catSel, v.stateSel, v.platSel)))
	main := container.NewBorder(container.NewPadded(toolbar), container.NewPadded(v.toast.content), nil, nil, split)
	v.main = main
	side := container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.New(fixedWidth(220), v.side))
	v.content = container.NewBorder(nil, nil, side, nil, main)
	return v
}

// start loads the first page and the counts.
func (v *inboxView) start() {
	v.markNode()
	v.updateTitle()
	v.reloadList(true)
	v.reloadCounts()
	v.more.load()
	v.registerShortcuts()
}

func (v *inboxView) munName(code string) string {
	if m, ok := v.munIdx[code]; ok {
		return m.Short
	}
	return ""
}

func (v *inboxView) catName(code string) string {
	c, ok := v.catIdx[code]
	if !ok {
		return ""
	}
	if currentLang == LangEnglish && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// viewTitle translates a saved view's title by its ID, falling back to the
// core's Russian title for views the UI does not know.
func viewTitle(vw View) string {
	if s := T("view." + vw.ID); s != "view."+vw.ID {
		return s
	}
	return vw.Title
}

// buildSidebar makes the views and districts list. It is a flat list, not
// a tree, so rows always fit its width: «По районам» expands in place.
func (v *inboxView) buildSidebar() {
	v.side = widget.NewList(func() int { return len(v.sideIDs()) },
		func() fyne.CanvasObject {
			count := widget.NewLabel("")
			count.Importance = widget.LowImportance
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			icon := widget.NewIcon(nil)
			return container.NewBorder(nil, nil, icon, count, name)
		}, func(i widget.ListItemID, o fyne.CanvasObject) {
			ids := v.sideIDs()
			if i >= 0 && i < len(ids) {
				v.updateNode(ids[i], o)
			}
		})
	v.side.OnSelected = func(i widget.ListItemID) {
		ids := v.sideIDs()
		if i < 0 || i >= len(ids) {
			return
		}
		id := ids[i]
		if id == nodeDistricts {
			v.districtsOpen = !v.districtsOpen
			v.side.Refresh()
			v.markNode() // a branch is not a view: keep the current one selected
			return
		}
		if v.syncing {
			return
		}
		v.selectNode(id)
	}
}

// sideIDs lists the sidebar's rows: views, the districts branch and, when
// open, every municipality.
func (v *inboxView) sideIDs() []string {
	ids := v.childIDs("")
	if v.districtsOpen {
		ids = append(ids, v.childIDs(nodeDistricts)...)
	}
	return ids
}

// selectNode shows a view or a district, as a click in the sidebar does.
func (v *inboxView) selectNode(id string) {
	if code, ok := strings.CutPrefix(id, districtNode); ok {
		v.districtsOpen = true
		v.setSelect(v.munSel, v.munOption(code))
	} else {
		v.setSelect(v.munSel, "")
	}
	v.node = id
	v.markNode()
	v.updateTitle()
	v.reloadList(true)
}

// markNode highlights the current node in the sidebar without acting on it.
func (v *inboxView) markNode() {
	v.syncing = true
	defer func() { v.syncing = false }()
	v.side.Refresh()
	for i, id := range v.sideIDs() {
		if id == v.node {
			v.side.Select(i)
			return
		}
	}
	v.side.UnselectAll()
}

func (v *inboxView) childIDs(id string) []string {
	switch id {
	case "":
		out := make([]string, 0, len(v.views)+1)
		for _, vw := range v.views {
			out = append(out, viewPrefix+vw.ID)
		}
		return append(out, nodeDistricts)
	case nodeDistricts:
		out := make([]string, 0, len(v.muns)+1)
		for _, m := range v.muns {
			out = append(out, districtNode+m.Code)
		}
		return append(out, districtNode+"-")
	}
	return nil
}

func (v *inboxView) nodeTitle(id string) string {
	if id == nodeDistricts {
		return T("inbox.by_district")
	}
	if code, ok := strings.CutPrefix(id, districtNode); ok {
		if code == "-" {
			return T("inbox.no_district")
		}
		return v.munIdx[code].Name
	}
	for _, vw := range v.views {
		if viewPrefix+vw.ID == id {
			return viewTitle(vw)
		}
	}
	return id
}

func (v *inboxView) updateNode(id string, o fyne.CanvasObject) {
	box := o.(*fyne.Container)
	name, icon, count := box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Icon), box.Objects[2].(*widget.Label)
	name.SetText(v.nodeTitle(id))
	switch {
	case id == nodeDistricts && v.districtsOpen:
		icon.SetResource(theme.MenuDropDownIcon())
	case id == nodeDistricts:
		icon.SetResource(theme.MenuExpandIcon())
	case strings.HasPrefix(id, districtNode):
		icon.SetResource(nil) // indented under the branch
	default:
		icon.SetResource(viewIcon(strings.TrimPrefix(id, viewPrefix)))
	}
	n, ok := v.counts[id]
	switch {
	case !ok || id == nodeDistricts:
		count.SetText("")
	default:
		count.SetText(formatInt(n))
	}
	count.Importance = widget.LowImportance
	count.TextStyle.Bold = false
	name.TextStyle.Bold = false
	if id == viewPrefix+ViewOverdue && n > 0 {
		count.Importance = widget.DangerImportance
		name.TextStyle.Bold = true
	}
	if id == viewPrefix+ViewNew && n > 0 {
		count.Importance = widget.HighImportance
	}
	if id == v.node {
		// On the selection's tinted background muted, primary or red text
		// disappears: the current item's count is plain and bold.
		count.Importance = widget.MediumImportance
		count.TextStyle.Bold = true
	}
	name.Refresh()
	count.Refresh()
	relayout(box)
}

// reloadCounts recounts every view and district off the UI goroutine.
func (v *inboxView) reloadCounts() {
	views := v.views
	var user string // written by the job, read by its apply
	async(v.b, func(ctx context.Context) (map[string]int, error) {
		out := map[string]int{}
		for _, vw := range views {
			n, err := v.core.Count(ctx, vw.Query)
			if err != nil {
				return nil, err
			}
			out[viewPrefix+vw.ID] = n
		}
		by, err := v.core.CountBy(ctx, Query{}, "district")
		if err != nil {
			return nil, err
		}
		for code, n := range by {
			if code == "" {
				code = "-"
			}
			out[districtNode+code] = n
		}
		for _, m := range v.muns {
			if _, ok := out[districtNode+m.Code]; !ok {
				out[districtNode+m.Code] = 0
			}
		}
		if _, ok := out[districtNode+"-"]; !ok {
			out[districtNode+"-"] = 0
		}
		sum, err := v.core.Summary(ctx)
		if err != nil {
			return nil, err
		}
		user = sum.User
		return out, nil
	}, func(counts map[string]int, err error) {
		if err != nil {
			v.showError(err)
			return
		}
		v.counts, v.user = counts, user
		v.side.Refresh()
		v.updateTitle()
		if v.totalCapped > 0 {
			v.showTotal(v.totalCapped, false)
		}
	})
}

// unfiltered reports whether the list shows exactly the sidebar node's
// messages: no district, topic, status, network, search or «Фильтры».
func (v *inboxView) unfiltered() bool {
	return v.munCode() == "" && v.catSel.SelectedIndex() <= 0 && v.stateSel.SelectedIndex() <= 0 &&
		v.platSel.SelectedIndex() <= 0 && strings.TrimSpace(v.search.Text) == "" && v.more.active() == 0
}

// showTotal writes the list's count into the header. A count that stopped
// at the cap gives way to the sidebar's exact count of the same messages
// when the list is the sidebar node unfiltered, so the two never disagree.
func (v *inboxView) showTotal(n int, exact bool) {
	v.totalCapped = 0
	if !exact {
		if all, ok := v.counts[v.node]; ok && v.unfiltered() && all >= n {
			n, exact = all, true
		}
	}
	if exact {
		v.total.SetText("· " + TN("inbox.count", n))
	} else {
		v.totalCapped = n
		v.total.SetText("· " + TN("inbox.count_more", n))
	}
	relayout(v.head)
}

func (v *inboxView) buildFilters() {
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder(T("inbox.search_placeholder"))
	v.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	v.search.OnChanged = func(string) { v.reloadList(true) }
	v.search.OnSubmitted = func(string) { v.reloadList(true) }

	muns := []string{T("filter.all_districts")}
	for _, m := range v.muns {
		muns = append(muns, m.Name)
	}
	muns = append(muns, T("inbox.no_district"))
	v.munSel = widget.NewSelect(muns, func(string) {
		if v.syncing {
			return
		}
		// The districts in the sidebar and this select are one filter.
		code := v.munCode()
		if code == "" {
			if strings.HasPrefix(v.node, districtNode) {
				v.node = viewPrefix + ViewAll
			}
		} else {
			v.node = districtNode + code
		}
		v.markNode()
		v.updateTitle()
		v.reloadList(true)
	})
	v.munSel.PlaceHolder = T("filter.all_districts")

	cats := []string{T("filter.all_categories")}
	for _, c := range v.cats {
		cats = append(cats, v.catName(c.Code))
	}
	v.catSel = widget.NewSelect(cats, v.filterChanged)
	v.catSel.PlaceHolder = T("filter.all_categories")

	states := []string{T("filter.any_status")}
	for _, s := range data.Statuses {
		states = append(states, statusLabel(s))
	}
	v.stateSel = widget.NewSelect(states, v.filterChanged)
	v.stateSel.PlaceHolder = T("filter.any_status")

	plats := []string{T("filter.all_platforms")}
	for _, p := range data.Platforms {
		plats = append(plats, platformLabel(p))
	}
	v.platSel = widget.NewSelect(plats, v.filterChanged)
	v.platSel.PlaceHolder = T("filter.all_platforms")
}

func (v *inboxView) filterChanged(string) {
	if !v.syncing {
		v.reloadList(true)
	}
}

// setSelect changes a select without it counting as the user's choice;
// "" or the first («all») option clears it.
func (v *inboxView) setSelect(s *widget.Select, opt string) {
	v.syncing = true
	defer func() { v.syncing = false }()
	if opt == "" || (len(s.Options) > 0 && opt == s.Options[0]) {
		s.ClearSelected()
		return
	}
	s.SetSelected(opt)
}

func (v *inboxView) munOption(code string) string {
	if code == "-" {
		return T("inbox.no_district")
	}
	return v.munIdx[code].Name
}

// munCode is the municipality the select filters by: "" none, "-" unknown.
func (v *inboxView) munCode() string {
	i := v.munSel.SelectedIndex()
	switch {
	case i <= 0:
		return ""
	case i == len(v.munSel.Options)-1:
		return "-"
	}
	return v.muns[i-1].Code
}

func (v *inboxView) baseView() View {
	id := strings.TrimPrefix(v.node, viewPrefix)
	for _, vw := range v.views {
		if vw.ID == id {
			return vw
		}
	}
	return View{ID: ViewAll}
}

// query is the sidebar's view narrowed by the filter row and the search.
// Each filter intersects with what the view already selects, so «Новые»
// with the status «Закрыто» rightly shows nothing.
func (v *inboxView) query() Query {
	q := v.baseView().Query
	q.Filter.Districts = slices.Clone(q.Filter.Districts)
	if code := v.munCode(); code != "" {
		q.Districts = intersect(q.Districts, []string{code})
	}
	if i := v.catSel.SelectedIndex(); i > 0 {
		q.Categories = intersect(q.Categories, []string{v.cats[i-1].Code})
	}
	if i := v.stateSel.SelectedIndex(); i > 0 {
		q.Statuses = intersect(q.Statuses, []data.Status{data.Statuses[i-1]})
	}
	if i := v.platSel.SelectedIndex(); i > 0 {
		q.Platforms = intersect(q.Platforms, []data.Platform{data.Platforms[i-1]})
	}
	q.Search = strings.TrimSpace(v.search.Text)
	v.more.apply(&q, v.now())
	return q
}

// intersect narrows have by want; an empty have means «any». An empty
// intersection keeps one impossible value so the filter selects nothing
// rather than everything.
func intersect[T comparable](have, want []T) []T {
	if len(have) == 0 {
		return want
	}
	var out []T
	for _, w := range want {
		if slices.Contains(have, w) {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		var none T
		return []T{none}
	}
	return out
}

func (v *inboxView) updateTitle() {
	v.title.SetText(v.nodeTitle(v.node))
	relayout(v.head)
}

// reloadList starts the current query from the top. fresh drops the
// selection (a new query); otherwise the selected message stays selected if
// it is still in the list (a change elsewhere).
// listCountCap is where the list's header stops counting.
const listCountCap = 10_000

func (v *inboxView) reloadList(fresh bool) {
	if fresh {
		v.list.UnselectAll()
		v.selectedID = 0
		v.anchorID, v.rangeAdded = 0, nil
		v.detail.clear()
		if len(v.picked) > 0 {
			// A new query shows other messages: acting on picks the
			// operator can no longer see would surprise.
			clear(v.picked)
			v.bulk.update(0)
		}
	}
	v.cache.reset()
	v.errLabel.Hide()
	q := v.query()
	gen := v.cache.gen
	v.loadPage(0)
	v.list.Refresh()
	if fresh {
		v.list.ScrollToTop()
	}
	// The header counts up to listCountCap: past that, «более 10 000» says
	// as much as an exact figure, and a reader is not kept busy counting a
	// million rows at every change of a filter.
	type counted struct {
		n     int
		exact bool
	}
	capAt, qctx := v.countCap, v.genContext()
	async(v.b, func(context.Context) (counted, error) {
		n, exact, err := v.core.CountUpTo(qctx, q, capAt)
		return counted{n, exact}, err
	}, func(c counted, err error) {
		if gen != v.cache.gen || err != nil {
			return
		}
		v.showTotal(c.n, c.exact)
	})
}

// refresh reloads after the core reported a change. reset means the whole
// store was replaced (the demo left): views and names are read again.
func (v *inboxView) refresh(reset bool) {
	if reset {
		v.views = v.core.Views()
		v.detail.clear()
		v.search.SetText("")
		v.reloadList(true)
	} else {
		v.views = v.core.Views() // «Мои» follows the user's name
		v.reloadList(false)
		if v.selectedID != 0 {
			v.detail.load(v.selectedID)
		}
	}
	v.reloadCounts()
}

// afterLoad runs when a page arrives: restore the selection, show the empty
// state.
func (v *inboxView) afterLoad() {
	v.loadedOnce = true
	if v.cache.length == 0 {
		if v.query().Search != "" || v.node != viewPrefix+ViewAll || v.munCode() != "" || v.more.active() > 0 ||
			v.catSel.SelectedIndex() > 0 || v.stateSel.SelectedIndex() > 0 || v.platSel.SelectedIndex() > 0 {
			v.empty.SetText(T("inbox.empty_filtered"))
		} else {
			v.empty.SetText(T("inbox.empty_store"))
		}
		v.empty.Show()
		relayout(v.listCol)
	} else {
		v.empty.Hide()
	}
	if v.selectedID != 0 {
		if i := v.cache.find(v.selectedID); i >= 0 {
			v.list.Select(i) // same id: selected() sees it and keeps the detail
		}
	}
}

func (v *inboxView) selected(i widget.ListItemID) {
	r := v.cache.at(i)
	if r == nil {
		return
	}
	if r.msg.ID == v.selectedID && v.detail.shownID == r.msg.ID {
		return
	}
	v.selectedID = r.msg.ID
	if !v.extending {
		v.setAnchor(r.msg.ID)
	}
	v.list.Refresh() // the selected row writes its secondary lines plain
	v.detail.load(r.msg.ID)
}

// selectedIndex is the list row of the selected message, or -1.
func (v *inboxView) selectedIndex() int {
	if v.selectedID == 0 {
		return -1
	}
	return v.cache.find(v.selectedID)
}

// move selects the message delta rows away (j/k).
func (v *inboxView) move(delta int) {
	i := v.selectedIndex() + delta
	if v.selectedIndex() < 0 {
		i = 0
	}
	if i < 0 || i >= v.cache.length {
		return
	}
	if v.cache.at(i) == nil {
		return // its page is still loading
	}
	v.list.Select(i)
	v.list.ScrollTo(i)
}

func (v *inboxView) showError(err error) {
	if err == nil || err == context.Canceled {
		return
	}
	v.errLabel.SetText(Tf("inbox.error", map[string]any{"Error": err.Error()}))
	v.errLabel.Show()
}

func (v *inboxView) userName() string { return v.user }

// assignees offers the operator and everyone seen assigned in the cached
// rows, so assigning to a colleague is one click.
func (v *inboxView) assignees(current string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(v.user)
	add(current)
	var rest []string
	for _, p := range v.cache.pages {
		for i := range p.rows {
			if a := p.rows[i].msg.Assignee; a != "" && !seen[a] {
				seen[a] = true
				rest = append(rest, a)
			}
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// openMessage shows a message in the detail pane, selecting it in the list
// when it is there (a link from «Другие сообщения автора»).
func (v *inboxView) openMessage(id int64) {
	if i := v.cache.find(id); i >= 0 {
		v.list.Select(i)
		v.list.ScrollTo(i)
		return
	}
	v.list.UnselectAll()
	v.selectedID = id
	v.detail.load(id)
}

// viewIcon gives each saved view a recognisable icon.
func viewIcon(id string) fyne.Resource {
	switch id {
	case ViewAll:
		return theme.MailComposeIcon()
	case ViewNew:
		return theme.MailReplyIcon()
	case ViewMine:
		return theme.AccountIcon()
	case ViewOverdue:
		return theme.ErrorIcon()
	case ViewDueSoon:
		return theme.HistoryIcon()
	case ViewProgress:
		return theme.MediaPlayIcon()
	case ViewDone:
		return theme.ConfirmIcon()
	}
	return theme.FolderIcon()
}
