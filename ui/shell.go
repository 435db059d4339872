package ui

import (
	"slices"
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

	tabs      *container.AppTabs
	inbox     *inboxView
	settings  *settingsView
	report    *reportView    // response times (report.go)
	calendar  *calendarView  // the content calendar (calendar.go)
	broadcast *broadcastView // «Эфир» (broadcast.go); nil when the core has no BroadcastCore
	status    *statusBar
	tray      *trayMenu // the system tray's menu (tray.go)
}

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
	m.Window.SetOnClosed(m.Close)
	return m
}

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

// build (re)creates every view; a language change rebuilds with new strings.
func (m *MainWindow) build() {
	m.Window.SetTitle(T("app.title"))
	m.inbox = newInboxView(m.core, m.b, m.opts.Now, m.Window)
	m.settings = newSettingsView(m)
	m.report = newReportView(m.core, m.b, m.opts.Now, m.Window)
	m.calendar = newCalendarView(m.core, m.b, m.opts.Now, m.Window)
	m.status = newStatusBar(m.core, m.b, m.opts.Now)
	m.tray = newTrayMenu(m)

	m.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(T("nav.inbox"), theme.MailComposeIcon(), m.inbox.content),
		container.NewTabItemWithIcon(T("nav.calendar"), theme.CalendarIcon(), m.calendar.content),
		container.NewTabItemWithIcon(T("nav.report"), theme.GridIcon(), m.report.content),
		container.NewTabItemWithIcon(T("nav.settings"), theme.SettingsIcon(), m.settings.content),
	)
	if bc, ok := m.core.(BroadcastCore); ok { // «Эфир», just before Настройки
		m.broadcast = newBroadcastView(bc, m.b, m.opts.Now, m.Window)
		m.tabs.Items = slices.Insert(m.tabs.Items, len(m.tabs.Items)-1,
			container.NewTabItemWithIcon(T("nav.broadcast"), theme.MediaVideoIcon(), m.broadcast.content))
	}
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.tabs.OnSelected = func(ti *container.TabItem) {
		if m.broadcast != nil && ti.Content == m.broadcast.content {
			m.broadcast.start()
		}
		if ti.Content == m.settings.content {
			m.settings.reload()
		}
		if ti.Content == m.report.content {
			m.report.reload()
		}
		if ti.Content == m.calendar.content {
			m.calendar.reload()
		}
	}
	m.Window.SetContent(container.NewBorder(nil, m.status.content, nil, nil, m.tabs))
	m.Window.Canvas().SetOnTypedRune(m.inbox.typedRune)
	m.Window.Canvas().SetOnTypedKey(m.inbox.typedKey)
	m.inbox.start()
	m.calendar.reload()
	m.status.reload()
	m.tray.reload()
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
		if ti := m.tabs.Selected(); ti != nil && ti.Content == m.settings.content {
			m.settings.accounts.reload() // Настройки → Аккаунты shows the same state live
		}
	case EventReset:
		m.inbox.refresh(true)
		m.status.reload()
		m.settings.reload()
		m.calendar.reload()
	case EventCalendar:
		m.calendar.reload()
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
func (m *MainWindow) ShowSettings() {
	for _, ti := range m.tabs.Items {
		if ti.Content == m.settings.content {
			m.tabs.Select(ti)
		}
	}
	m.settings.reload()
}
