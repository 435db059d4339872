package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Preference keys kept in Fyne's per-app preferences.
const (
	prefLanguage = "ui.language"
	prefTheme    = "ui.theme"
)

// Options configure the main window.
type Options struct {
	Version string           // shown in the settings
	Lang    string           // "ru" or "en" from the command line; "" keeps the saved choice
	Now     func() time.Time // the clock for relative times; nil means time.Now

	serial bool // tests: results wait for bridge.settle (see bridge.serial)
}

// MainWindow is Otklik's window: navigation on the left, the section in the
// middle, the status bar at the bottom.
type MainWindow struct {
	Window fyne.Window

	app   fyne.App
	core  Core
	opts  Options
	b     *bridge
	unsub func()

	tabs  *container.AppTabs
	inbox *inboxView
	// The other sections are built when first shown (see sectionID): each
	// view's widgets, and the text styles only it uses, cost memory for
	// the life of the window. nil until then.
	settings  *settingsView
	report    *reportView    // response times (report.go)
	calendar  *calendarView  // the content calendar (calendar.go)
	broadcast *broadcastView // «Эфир» (broadcast.go); never built when the core has no BroadcastCore
	sections  map[*container.TabItem]sectionID
	status    *statusBar
	tray      *trayMenu // the system tray's menu (tray.go)
}

// sectionID names one of the window's tabs.
type sectionID int

const (
	sectionInbox sectionID = iota
	sectionCalendar
	sectionReport
	sectionBroadcast
	sectionSettings
)

// NewMainWindow builds the window over core and starts listening to it.
// Close stops the listening; closing the window does it too.
func NewMainWindow(a fyne.App, core Core, opts Options) *MainWindow {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &MainWindow{app: a, core: core, opts: opts, b: newBridge()}
	m.b.serial = opts.serial
	m.Window = a.NewWindow(T("app.title"))
	// Fits a 1366×768 laptop screen with the taskbar and title bar.
	m.Window.Resize(fyne.NewSize(1280, 680))
	m.build()

	events, unsub := core.Subscribe()
	m.unsub = unsub
	ticks := make(chan struct{})
	go m.tickEvery(30*time.Second, ticks)
	m.b.pump(events, ticks, m.handle, m.tick)
	if mc, ok := core.(memoryCore); ok {
		// The start — fonts, icons, first pages and counts — peaks at
		// about twice what the open window then holds, and a search or a
		// long scroll leaves the heap at its collection target for good.
		m.b.afterBursts(releaseQuiet, releaseGap, func(ctx context.Context) {
			if _, err := mc.ReleaseMemory(ctx); err != nil && ctx.Err() == nil {
				fyne.LogError("release memory", err)
			}
		})
	}
	m.Window.SetOnClosed(m.Close)
	return m
}

// memoryCore is a core that can hand back what a burst of work left behind
// (app.App.ReleaseMemory).
type memoryCore interface {
	ReleaseMemory(ctx context.Context) (bool, error)
}

// The window offers to release memory when its background work has been
// quiet for releaseQuiet after a burst, at most once per releaseGap; the
// core releases only when enough is free, as each release is one forced
// collection, 5–10 ms of CPU.
var (
	releaseQuiet = 2 * time.Second
	releaseGap   = 5 * time.Second
)

// tickEvery feeds the pump so «5 мин назад» becomes «6 мин назад».
func (m *MainWindow) tickEvery(d time.Duration, out chan<- struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-m.b.ctx.Done():
			return
		case <-t.C:
			select {
			case out <- struct{}{}:
			case <-m.b.ctx.Done():
				return
			}
		}
	}
}

// build (re)creates the window's content; a language change rebuilds it with
// new strings. Only the inbox is built at once, the other sections when
// first shown.
func (m *MainWindow) build() {
	m.Window.SetTitle(T("app.title"))
	m.inbox = newInboxView(m.core, m.b, m.opts.Now, m.Window)
	m.settings, m.report, m.calendar, m.broadcast = nil, nil, nil, nil
	m.status = newStatusBar(m.core, m.b, m.opts.Now)
	m.tray = newTrayMenu(m)

	m.sections = map[*container.TabItem]sectionID{}
	item := func(sec sectionID, title string, icon fyne.Resource, content fyne.CanvasObject) *container.TabItem {
		ti := container.NewTabItemWithIcon(title, icon, content)
		m.sections[ti] = sec
		return ti
	}
	m.tabs = container.NewAppTabs(
		item(sectionInbox, T("nav.inbox"), theme.MailComposeIcon(), m.inbox.content),
		item(sectionCalendar, T("nav.calendar"), theme.CalendarIcon(), container.NewStack()),
		item(sectionReport, T("nav.report"), theme.GridIcon(), container.NewStack()),
	)
	if _, ok := m.core.(BroadcastCore); ok { // «Эфир», just before Настройки
		m.tabs.Append(item(sectionBroadcast, T("nav.broadcast"), theme.MediaVideoIcon(), container.NewStack()))
	}
	m.tabs.Append(item(sectionSettings, T("nav.settings"), theme.SettingsIcon(), container.NewStack()))
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.tabs.OnSelected = func(ti *container.TabItem) { m.opened(m.sections[ti]) }
	m.Window.SetContent(container.NewBorder(nil, m.status.content, nil, nil, m.tabs))
	m.Window.Canvas().SetOnTypedRune(m.inbox.typedRune)
	m.Window.Canvas().SetOnTypedKey(m.inbox.typedKey)
	m.inbox.start()
	m.status.reload()
	m.tray.reload()
}

// opened brings a section up to date when its tab is selected, building
// it first if it never was.
func (m *MainWindow) opened(sec sectionID) {
	switch sec {
	case sectionCalendar:
		m.calendarView().reload()
	case sectionReport:
		m.reportView().reload()
	case sectionBroadcast:
		if v := m.broadcastView(); v != nil {
			v.start()
		}
	case sectionSettings:
		m.settingsView().reload()
	}
}

// place puts a freshly built section's content into its tab.
func (m *MainWindow) place(sec sectionID, content fyne.CanvasObject) {
	if ti := m.tabOf(sec); ti != nil {
		ti.Content = content
		m.tabs.Refresh()
	}
}

// tabOf is the tab of a section, or nil.
func (m *MainWindow) tabOf(sec sectionID) *container.TabItem {
	for _, ti := range m.tabs.Items {
		if m.sections[ti] == sec {
			return ti
		}
	}
	return nil
}

// shown reports whether sec's tab is the selected one.
func (m *MainWindow) shown(sec sectionID) bool {
	ti := m.tabs.Selected()
	return ti != nil && m.sections[ti] == sec
}

func (m *MainWindow) calendarView() *calendarView {
	if m.calendar == nil {
		m.calendar = newCalendarView(m.core, m.b, m.opts.Now, m.Window)
		m.place(sectionCalendar, m.calendar.content)
	}
	return m.calendar
}

func (m *MainWindow) reportView() *reportView {
	if m.report == nil {
		m.report = newReportView(m.core, m.b, m.opts.Now, m.Window)
		m.place(sectionReport, m.report.content)
	}
	return m.report
}

// broadcastView is nil when the core has no «Эфир» panel.
func (m *MainWindow) broadcastView() *broadcastView {
	bc, ok := m.core.(BroadcastCore)
	if m.broadcast == nil && ok {
		m.broadcast = newBroadcastView(bc, m.b, m.opts.Now, m.Window)
		m.place(sectionBroadcast, m.broadcast.content)
	}
	return m.broadcast
}

func (m *MainWindow) settingsView() *settingsView {
	if m.settings == nil {
		m.settings = newSettingsView(m)
		m.place(sectionSettings, m.settings.content)
	}
	return m.settings
}

// handle is the single place core events reach the views.
func (m *MainWindow) handle(e Event) {
	switch e.Kind {
	case EventMessages:
		m.inbox.refresh(false)
		m.status.reload()
	case EventCounts:
		m.inbox.reloadCounts()
		m.status.reload()
	case EventSync:
		m.status.reload()
		if m.settings != nil && m.shown(sectionSettings) {
			m.settings.accounts.reload() // Настройки → Аккаунты shows the same state live
		}
	case EventReset:
		m.inbox.refresh(true)
		m.status.reload()
		if m.settings != nil {
			m.settings.reload()
		}
		if m.calendar != nil {
			m.calendar.reload()
		}
	case EventCalendar:
		if m.calendar != nil {
			m.calendar.reload()
		}
	}
	if e.Kind != EventSync {
		m.tray.reload()
	}
}

func (m *MainWindow) tick() {
	// Reloaded, not just re-rendered: deadlines pass with time alone.
	m.status.reload()
	m.tray.reload()
	m.inbox.list.Refresh()
}

// Close stops listening to the core and drops work in flight.
func (m *MainWindow) Close() {
	if m.unsub != nil {
		m.unsub()
		m.unsub = nil
	}
	m.b.close()
}

// ShowInbox switches to the inbox.
func (m *MainWindow) ShowInbox() { m.tabs.SelectIndex(0) }

// ShowSettings switches to the settings.
func (m *MainWindow) ShowSettings() { m.show(sectionSettings) }

// show selects a section's tab, building and reloading the section.
func (m *MainWindow) show(sec sectionID) {
	ti := m.tabOf(sec)
	if ti == nil {
		return
	}
	if m.tabs.Selected() == ti {
		m.opened(sec) // Select does not call OnSelected for the selected tab
		return
	}
	m.tabs.Select(ti)
}
