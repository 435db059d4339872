package ui

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"otklik/app/notify"
	"otklik/data"
)

// trayApp is a test app with a system tray: it keeps the menu and icon the
// window installs, as the desktop driver would show them.
type trayApp struct {
	fyne.App
	mu   sync.Mutex
	menu *fyne.Menu
	icon fyne.Resource
	sets int
}

var _ desktop.App = (*trayApp)(nil)

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.menu, a.sets = m, a.sets+1
}

func (a *trayApp) SetSystemTrayIcon(r fyne.Resource) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.icon = r
}

func (a *trayApp) SetSystemTrayWindow(fyne.Window) {}

// labels lists the installed tray menu's items; separators read "—".
func (a *trayApp) labels() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, it := range a.menu.Items {
		if it.IsSeparator {
			out = append(out, "—")
			continue
		}
		out = append(out, it.Label)
	}
	return out
}

// fakeTrayAvailable lets a test drive the fake tray on a machine without
// a session bus.
func fakeTrayAvailable(t *testing.T) {
	old := hasTray
	hasTray = func() bool { return true }
	t.Cleanup(func() { hasTray = old })
}

func newTrayWindow(t *testing.T) (*MainWindow, *fakeCore, *trayApp) {
	t.Helper()
	fakeTrayAvailable(t)
	ta := &trayApp{App: test.NewTempApp(t)}
	ta.SetIcon(fyne.NewStaticResource("icon.png", []byte("png")))
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	ta.Settings().SetTheme(newAppTheme(ThemeLight))
	fc, err := loadFake("testdata/inbox.json")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMainWindow(ta, fc, Options{Now: fc.Now, serial: true})
	t.Cleanup(m.Close)
	m.b.settle()
	return m, fc, ta
}

func TestTrayMenuShowsCounts(t *testing.T) {
	m, fc, ta := newTrayWindow(t)
	sum, _ := fc.Summary(context.Background())
	if sum.Overdue == 0 || sum.DueSoon == 0 {
		t.Fatalf("the fixture needs overdue and due-soon messages: %+v", sum)
	}
	want := []string{
		"Просрочено: " + strconv.Itoa(sum.Overdue),
		"Скоро срок: " + strconv.Itoa(sum.DueSoon),
		"Открыть просроченные",
		"—",
		"Отложить уведомления на 1 час",
		"—",
		"Показать Отклик",
		"Выход",
	}
	if got := ta.labels(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("tray menu:\n%q\nwant\n%q", got, want)
	}
	if ta.icon == nil {
		t.Error("no tray icon installed")
	}
	if !m.tray.quit.IsQuit {
		t.Error("«Выход» must be the quit item, or Fyne adds its own «Quit»")
	}
	if got := m.status.overdue.Text; got != want[0] {
		t.Errorf("status bar %q and tray %q disagree", got, want[0])
	}

	// Answering overdue messages updates the tray through the bridge.
	var ids []int64
	for _, msg := range fc.fx.Messages {
		if overdue(&msg, fc.Now()) && len(ids) < 3 {
			ids = append(ids, msg.ID)
		}
	}
	before := ta.sets
	handled := m.b.events.Load()
	if err := fc.SetStatus(context.Background(), ids, data.StatusAnswered); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, m, handled+1)
	if got, want := ta.labels()[0], "Просрочено: "+strconv.Itoa(sum.Overdue-len(ids)); got != want {
		t.Errorf("after answering %d overdue: tray shows %q, want %q", len(ids), got, want)
	}
	if ta.sets <= before {
		t.Error("the tray menu was not installed again after the counts changed")
	}
}

func TestTrayOpensOverdueView(t *testing.T) {
	m, fc, _ := newTrayWindow(t)
	m.ShowSettings()
	m.b.settle()
	m.tray.openOverdue.Action()
	m.b.settle()
	loadAll(m)
	if m.tabs.SelectedIndex() != 0 {
		t.Fatal("the tray did not switch to the inbox")
	}
	if m.inbox.node != viewPrefix+ViewOverdue {
		t.Fatalf("the inbox shows %q, want the overdue view", m.inbox.node)
	}
	got := rows(m.inbox)
	sum, _ := fc.Summary(context.Background())
	if len(got) != sum.Overdue {
		t.Errorf("overdue view lists %d, the tray counts %d", len(got), sum.Overdue)
	}
	for _, msg := range got {
		if !overdue(&msg, fc.Now()) {
			t.Errorf("message %d in the overdue view is not overdue", msg.ID)
		}
	}
	m.tray.dueSoon.Action()
	m.b.settle()
	if m.inbox.node != viewPrefix+ViewDueSoon {
		t.Errorf("«Скоро срок» opened %q", m.inbox.node)
	}
}

func TestTraySnoozesNotifications(t *testing.T) {
	m, fc, ta := newTrayWindow(t)
	m.tray.snooze.Action()
	m.b.settle()
	until := fc.Now().Add(time.Hour)
	w, _ := fc.WatchSettings(context.Background())
	if !w.SnoozedUntil.Equal(until) {
		t.Fatalf("snoozed until %v, want %v", w.SnoozedUntil, until)
	}
	want := "Уведомления отложены до " + until.Format("15:04") + " — возобновить"
	if got := ta.labels()[4]; got != want {
		t.Fatalf("tray after snoozing: %q, want %q", got, want)
	}
	m.tray.snooze.Action()
	m.b.settle()
	if w, _ := fc.WatchSettings(context.Background()); !w.SnoozedUntil.IsZero() {
		t.Fatalf("resuming left the snooze at %v", w.SnoozedUntil)
	}
	if got := ta.labels()[4]; got != "Отложить уведомления на 1 час" {
		t.Errorf("tray after resuming: %q", got)
	}
}

func TestTrayInEnglish(t *testing.T) {
	t.Cleanup(func() { SetLanguage(LangRussian) })
	m, fc, ta := newTrayWindow(t)
	if err := SetLanguage(LangEnglish); err != nil {
		t.Fatal(err)
	}
	m.build()
	m.b.settle()
	sum, _ := fc.Summary(context.Background())
	got := ta.labels()
	if got[0] != "Overdue: "+strconv.Itoa(sum.Overdue) || got[2] != "Open overdue" || got[7] != "Quit" {
		t.Errorf("English tray: %q", got)
	}
}

func TestStartWatcherStopsWithTheWindow(t *testing.T) {
	fc, err := loadFake("testdata/inbox.json")
	if err != nil {
		t.Fatal(err)
	}
	stop := startWatcher(fc, nil)
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		fc.mu.Lock()
		running := fc.sla.watching
		fc.mu.Unlock()
		if running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not start")
		}
	}
	stop()
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.sla.watching {
		t.Fatal("stop returned before the watcher ended")
	}
}

// loadAll scrolls the inbox list to its end, as the user would.
func loadAll(m *MainWindow) {
	for m.inbox.cache.more {
		m.inbox.updateRow(m.inbox.cache.length-1, newMessageRow())
		m.b.settle()
	}
}

// countingNotifier counts notifications; the demo test needs no daemon.
type countingNotifier struct {
	mu sync.Mutex
	n  int
}

func (c *countingNotifier) Notify(string, string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return nil
}

// On the demo region the overdue view, the status bar, the tray and the
// watcher count the same messages.
func TestDemoOverdueAgrees(t *testing.T) {
	core := openDemoCore(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	n := &countingNotifier{}
	go func() { done <- core.RunWatcher(ctx, n, notify.Options{Location: time.UTC}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watcher: %v", err)
		}
	})
	var counts notify.Counts
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		c, ok := core.WatchCounts()
		if ok && c.Overdue > 0 {
			counts = c
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the watcher made no check")
		}
	}

	fakeTrayAvailable(t)
	ta := &trayApp{App: test.NewTempApp(t)}
	m := newCoreWindow(t, ta, core)
	m.ShowView(ViewOverdue)
	m.b.settle()
	loadAll(m)
	inView := len(rows(m.inbox))
	sidebar := m.inbox.counts[viewPrefix+ViewOverdue]
	status := m.status.sum.Overdue
	tray, err := strconv.Atoi(strings.TrimPrefix(strings.ReplaceAll(ta.labels()[0], "\u00a0", ""), "Просрочено: "))
	if err != nil {
		t.Fatalf("tray item %q: %v", ta.labels()[0], err)
	}
	if inView != counts.Overdue || sidebar != counts.Overdue || status != counts.Overdue || tray != counts.Overdue {
		t.Fatalf("overdue: view lists %d, sidebar %d, status bar %d, tray %d, watcher %d",
			inView, sidebar, status, tray, counts.Overdue)
	}
	if m.status.overdue.Text != ta.labels()[0] {
		t.Errorf("status bar %q, tray %q", m.status.overdue.Text, ta.labels()[0])
	}
	n.mu.Lock()
	sent := n.n
	n.mu.Unlock()
	if sent == 0 {
		t.Error("the watcher sent no notification for the overdue messages it found at start")
	}
	t.Logf("demo at %s: %d overdue, %d due soon (watcher share), %d due within 2 h (status bar)",
		demoNow.Format(time.RFC3339), counts.Overdue, counts.DueSoon, m.status.sum.DueSoon)
}

// TestScreenshotsSLA writes settings-sla.png and status-overdue.png from a
// real core over the demo region, at the laptop's 1366×768.
func TestScreenshotsSLA(t *testing.T) {
	dir := screenshotsDir(t)
	core := openDemoCore(t)
	m := newCoreWindow(t, test.NewTempApp(t), core)
	save := saveFrame(t, dir, m)
	m.ShowView(ViewOverdue)
	m.b.settle()
	m.inbox.list.Select(0)
	save("status-overdue")
	m.ShowSettings()
	m.b.settle()
	m.settingsView().scrollToSLA()
	save("settings-sla")
	m.settingsView().sla.quietOn.SetChecked(true)
	m.settingsView().content.(*container.Scroll).ScrollToBottom()
	save("settings-notifications")
}
