package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"otklik/app"
	"otklik/app/notify"
	"otklik/assets"
)

// snoozeFor is how long «Отложить уведомления на 1 час» holds them.
const snoozeFor = time.Hour

// trayMenu is Otklik's menu in the system tray: the overdue and due-soon
// counts (the same summary as the status bar), a way to the overdue view,
// snoozing notifications, showing the window and quitting. It is built on
// every desktop and kept in step through the bridge; where the app has no
// tray (the test driver, mobile) the menu is simply not installed.
type trayMenu struct {
	m    *MainWindow
	desk desktop.App // nil without a system tray

	sum     Summary
	snoozed time.Time
	loaded  bool

	menu        *fyne.Menu
	overdue     *fyne.MenuItem
	dueSoon     *fyne.MenuItem
	openOverdue *fyne.MenuItem
	snooze      *fyne.MenuItem
	show        *fyne.MenuItem
	quit        *fyne.MenuItem
}

// hasTray is trayUsable; tests replace it to drive a fake tray anywhere.
var hasTray = trayUsable

func newTrayMenu(m *MainWindow) *trayMenu {
	t := &trayMenu{m: m}
	if hasTray() {
		t.desk, _ = m.app.(desktop.App)
	}
	t.overdue = fyne.NewMenuItem("", func() { m.ShowView(ViewOverdue) })
	t.dueSoon = fyne.NewMenuItem("", func() { m.ShowView(ViewDueSoon) })
	t.openOverdue = fyne.NewMenuItem(T("tray.open_overdue"), func() { m.ShowView(ViewOverdue) })
	t.snooze = fyne.NewMenuItem("", t.toggleSnooze)
	t.show = fyne.NewMenuItem(T("tray.show"), func() {
		m.Window.Show()
		m.Window.RequestFocus()
	})
	t.quit = fyne.NewMenuItem(T("tray.quit"), func() { m.app.Quit() })
	t.quit.IsQuit = true // replaces the «Quit» item Fyne would add
	t.menu = fyne.NewMenu(T("app.title"), t.overdue, t.dueSoon, t.openOverdue,
		fyne.NewMenuItemSeparator(), t.snooze, fyne.NewMenuItemSeparator(), t.show, t.quit)
	t.render()
	if t.desk != nil {
		t.desk.SetSystemTrayIcon(trayIcon(m.app))
		t.desk.SetSystemTrayMenu(t.menu)
	}
	return t
}

// trayIcon is the app's icon, or the shipped one when none was set.
func trayIcon(a fyne.App) fyne.Resource {
	if icon := a.Icon(); icon != nil {
		return icon
	}
	if b, err := assets.FS.ReadFile("icon.png"); err == nil {
		return fyne.NewStaticResource("icon.png", b)
	}
	return theme.InfoIcon() // the embedded icon is missing only in a broken build
}

// trayState is what the tray shows, fetched together off the UI goroutine.
type trayState struct {
	sum   Summary
	watch WatchSettings
}

// reload fetches the counts and the snooze and shows them.
func (t *trayMenu) reload() {
	async(t.m.b, func(ctx context.Context) (trayState, error) {
		sum, err := t.m.core.Summary(ctx)
		if err != nil {
			return trayState{}, err
		}
		w, err := t.m.core.WatchSettings(ctx)
		return trayState{sum, w}, err
	}, func(st trayState, err error) {
		if err != nil {
			fyne.LogError("tray counts", err)
			return
		}
		t.sum, t.snoozed, t.loaded = st.sum, st.watch.SnoozedUntil, true
		t.render()
		if t.desk != nil {
			t.desk.SetSystemTrayMenu(t.menu) // the tray copies labels when a menu is set
		}
	})
}

// render writes the labels from the last state.
func (t *trayMenu) render() {
	if !t.loaded {
		t.overdue.Label = T("status.loading")
		t.dueSoon.Label = ""
		t.dueSoon.Disabled = true
	} else {
		t.overdue.Label = Tf("status.overdue", map[string]any{"Count": formatInt(t.sum.Overdue)})
		t.dueSoon.Label = Tf("status.due_soon", map[string]any{"Count": formatInt(t.sum.DueSoon)})
		t.dueSoon.Disabled = false
	}
	t.openOverdue.Disabled = t.loaded && t.sum.Overdue == 0
	if now := t.m.opts.Now(); now.Before(t.snoozed) {
		t.snooze.Label = Tf("tray.resume", map[string]any{"Time": t.snoozed.In(now.Location()).Format("15:04")})
	} else {
		t.snooze.Label = T("tray.snooze_hour")
	}
}

// toggleSnooze holds notifications for an hour, or resumes them while held.
func (t *trayMenu) toggleSnooze() {
	until := time.Time{}
	if !t.m.opts.Now().Before(t.snoozed) {
		until = t.m.opts.Now().Add(snoozeFor)
	}
	async(t.m.b, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.m.core.Snooze(ctx, until)
	}, func(_ struct{}, err error) {
		if err != nil {
			fyne.LogError("snooze notifications", err)
			return
		}
		t.reload()
	})
}

// ShowView brings the window forward on the inbox with a saved view selected,
// as the tray's «Открыть просроченные» does.
func (m *MainWindow) ShowView(id string) {
	m.Window.Show()
	m.Window.RequestFocus()
	m.ShowInbox()
	m.inbox.selectNode(viewPrefix + id)
}

// startWatcher runs the core's overdue watcher on its own goroutine, with
// the desktop notifier and the UI's language; stop cancels it and waits, so
// no goroutine outlives the window.
func startWatcher(core Core, icon []byte) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		n := app.DesktopNotifier()
		if err := core.RunWatcher(ctx, n, notify.Options{Lang: currentLang}); err != nil {
			fyne.LogError("overdue watcher", err)
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
