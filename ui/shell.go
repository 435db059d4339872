package ui

import (
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

	tabs     *container.AppTabs
	inbox    *inboxView
	settings *settingsView
	status   *statusBar
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
	m.Window.Resize(fyne.NewSize(1280, 800))
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
	m.status = newStatusBar(m.core, m.b, m.opts.Now)

	m.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(T("nav.inbox"), theme.MailComposeIcon(), m.inbox.content),
		container.NewTabItemWithIcon(T("nav.settings"), theme.SettingsIcon(), m.settings.content),
	)
	m.tabs.SetTabLocation(container.TabLocationLeading)
	m.tabs.OnSelected = func(ti *container.TabItem) {
		if ti.Content == m.settings.content {
			m.settings.reload()
		}
	}
	m.Window.SetContent(container.NewBorder(nil, m.status.content, nil, nil, m.tabs))
	m.Window.Canvas().SetOnTypedRune(m.inbox.typedRune)
	m.Window.Canvas().SetOnTypedKey(m.inbox.typedKey)
	m.inbox.start()
	m.status.reload()
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
	case EventReset:
		m.inbox.refresh(true)
		m.status.reload()
		m.settings.reload()
	}
}

func (m *MainWindow) tick() {
	m.status.render()
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
	m.tabs.SelectIndex(1)
	m.settings.reload()
}
