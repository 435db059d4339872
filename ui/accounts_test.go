package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"otklik/app/secrets"
	"otklik/data"
)

// sampleAccounts are four accounts in the states the section must tell
// apart: online with a quarantined item, offline with replies queued, a
// token refused with failed sends, and the password store unavailable.
func sampleAccounts(now time.Time) []AccountState {
	return []AccountState{
		{Account: data.Account{ID: 1, Platform: data.VK, ExternalID: "77123456", Name: "Губернатор Смоленской области"},
			Syncing: true, Phase: "live", Online: true, LastSync: now.Add(-2 * time.Minute), Queued: 1, Quarantined: 2},
		{Account: data.Account{ID: 2, Platform: data.Telegram, ExternalID: "-1001987654321", Name: "Смоленская область — новости"},
			LinkedChat: "-1001876543210", Syncing: true, Phase: "live", LastSync: now.Add(-47 * time.Minute),
			LastError: `Post "https://api.telegram.org/bot…/getUpdates": dial tcp: connection refused`, Queued: 3},
		{Account: data.Account{ID: 3, Platform: data.OK, ExternalID: "54012345678901", Name: "Администрация Смоленской области"},
			Syncing: true, Phase: "needs_token", NeedsToken: true, LastSync: now.Add(-26 * time.Hour),
			LastError: "ok: PARAM_SESSION_EXPIRED: Session expired", Failed: 2, OutboxError: "ok: PARAM_SESSION_EXPIRED: Session expired"},
		{Account: data.Account{ID: 4, Platform: data.VK, ExternalID: "221904", Name: "Смоленская областная дума"},
			Syncing: true, Phase: "keyring", KeyringDown: true,
			LastError: "the password store (keyring) is unavailable: The name org.freedesktop.secrets was not provided by any .service files"},
	}
}

// newAccountsWindow opens the settings on the fake core with the sample
// accounts, the keyring mocked.
func newAccountsWindow(t *testing.T, themeName string) (*MainWindow, *fakeCore) {
	t.Helper()
	keyring.MockInit()
	m, fc := newTestWindow(t, themeName)
	m.Window.Resize(fyne.NewSize(1366, 768))
	fc.SetAccounts(sampleAccounts(fc.Now()))
	m.ShowSettings()
	m.b.settle()
	return m, fc
}

// scrollToAccounts scrolls the settings so «Аккаунты» is at the top.
func (s *settingsView) scrollToAccounts() {
	scroll := s.content.(*container.Scroll)
	d := fyne.CurrentApp().Driver()
	y := d.AbsolutePositionForObject(s.accounts.content).Y - d.AbsolutePositionForObject(scroll.Content).Y
	scroll.ScrollToOffset(fyne.NewPos(0, y))
}

func TestAccountsShowEveryState(t *testing.T) {
	m, _ := newAccountsWindow(t, ThemeLight)
	s := m.settingsView().accounts
	if len(s.rows) != 4 {
		t.Fatalf("%d rows, want 4", len(s.rows))
	}
	for i, tc := range []struct {
		title, phase, synced, counts string
		hint                         string
		retry                        bool
	}{
		{"ВКонтакте · Губернатор Смоленской области", "Онлайн", "Синхронизация: 2 мин назад", "1 в очереди · В карантине: 2", "", false},
		{"Telegram · Смоленская область — новости", "Офлайн", "Синхронизация: 47 мин назад", "3 в очереди", "connection refused", false},
		{"Одноклассники · Администрация Смоленской области", "Нужен новый токен", "", "0 в очереди · 2 не отправлены", "вставьте новый", true},
		{"ВКонтакте · Смоленская областная дума", "Хранилище паролей недоступно", "Синхронизации ещё не было", "0 в очереди", "до закрытия программы", false},
	} {
		r := s.rows[i]
		if r.title.Text != tc.title || r.phase.Text != tc.phase || r.counts.Text != tc.counts {
			t.Errorf("row %d: %q / %q / %q", i, r.title.Text, r.phase.Text, r.counts.Text)
		}
		if tc.synced != "" && r.synced.Text != tc.synced {
			t.Errorf("row %d synced %q, want %q", i, r.synced.Text, tc.synced)
		}
		if tc.hint == "" && r.hint.Visible() || tc.hint != "" && !strings.Contains(r.hint.Text, tc.hint) {
			t.Errorf("row %d hint %q (visible %v), want %q", i, r.hint.Text, r.hint.Visible(), tc.hint)
		}
		if r.retry.Visible() != tc.retry {
			t.Errorf("row %d retry visible %v", i, r.retry.Visible())
		}
	}
	if s.retryBtn.Disabled() {
		t.Error("«Повторить неотправленные» is disabled with two failed sends")
	}
}

func TestAccountsAddWithToken(t *testing.T) {
	m, fc := newAccountsWindow(t, ThemeLight)
	s := m.settingsView().accounts

	// A wrong id keeps the dialog open with the reason and the input.
	test.Tap(s.addBtn)
	e := s.editor
	if e == nil {
		t.Fatal("no dialog")
	}
	e.platform.SetSelected(platformTitle(data.Telegram))
	if e.chat.Disabled() {
		t.Error("the discussion group is disabled for Telegram")
	}
	test.Type(e.extID, "gubernator67")
	test.Type(e.name, "Губернатор Смоленской области")
	test.Type(e.token, "7000123456:AAH-simulated")
	test.Tap(e.save)
	m.b.settle()
	if s.editor != e || !e.errLabel.Visible() || e.errLabel.Text != T("accounts.err_id") {
		t.Fatalf("bad id: dialog open %v, error %q", s.editor == e, e.errLabel.Text)
	}
	if e.name.Text != "Губернатор Смоленской области" || e.token.Text == "" {
		t.Error("the input was lost")
	}
	// A typographic minus is accepted as the channel id's sign.
	e.extID.SetText("−1001987654321")
	test.Type(e.chat, "-1001876543210")
	act(t, m, func() { test.Tap(e.save) })
	if s.editor != nil {
		t.Fatal("the dialog stayed open after saving")
	}
	if !slices.Contains(fc.Calls(), `SaveAccount 5 telegram -1001987654321 "Губернатор Смоленской области" token=keyring`) {
		t.Errorf("calls %q", fc.Calls())
	}
	if tok, where, err := fc.Token(data.Telegram, "-1001987654321"); tok != "7000123456:AAH-simulated" || where != secrets.Keyring || err != nil {
		t.Errorf("token %q in %v, %v", tok, where, err)
	}
	if !strings.Contains(s.note.Text, "токен сохранён в системном хранилище паролей") {
		t.Errorf("note %q", s.note.Text)
	}
	if len(s.rows) != 5 {
		t.Errorf("%d rows after adding, want 5", len(s.rows))
	}

	// No password store: the token is kept for the session, and the
	// message says so.
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	test.Tap(s.addBtn)
	e = s.editor
	e.platform.SetSelected(platformTitle(data.OK))
	if !e.chat.Disabled() {
		t.Error("the discussion group is enabled for OK")
	}
	test.Type(e.extID, "54012345678901")
	test.Type(e.token, "tkn1;secret")
	act(t, m, func() { test.Tap(e.save) })
	if !strings.Contains(s.note.Text, "Хранилище паролей недоступно: токен хранится до закрытия программы") {
		t.Errorf("note without keyring %q", s.note.Text)
	}
	if _, where, _ := fc.Token(data.OK, "54012345678901"); where != secrets.Session {
		t.Errorf("token kept in %v, want the session", where)
	}
}

func TestAccountsEditSyncRetry(t *testing.T) {
	m, fc := newAccountsWindow(t, ThemeLight)
	s := m.settingsView().accounts

	test.Tap(s.rows[1].edit)
	e := s.editor
	if e == nil || e.id != 2 || e.extID.Text != "-1001987654321" || e.chat.Text != "-1001876543210" {
		t.Fatalf("edit dialog %+v", e)
	}
	if !e.platform.Disabled() || !e.extID.Disabled() || e.token.PlaceHolder != T("accounts.token_placeholder_keep") {
		t.Error("the network and id of an existing account can be changed, or the token hint is wrong")
	}
	e.name.SetText("")
	test.Type(e.name, "Новости Смоленской области")
	e.baseURL.SetText("ftp://127.0.0.1:8765/tg")
	test.Tap(e.save)
	m.b.settle()
	if e.errLabel.Text != T("accounts.err_url") {
		t.Fatalf("bad url: %q", e.errLabel.Text)
	}
	e.baseURL.SetText("http://127.0.0.1:8765/tg")
	act(t, m, func() { test.Tap(e.save) })
	if !slices.Contains(fc.Calls(), `SaveAccount 2 telegram -1001987654321 "Новости Смоленской области" token=kept`) {
		t.Errorf("calls %q", fc.Calls())
	}
	if r := s.rows[1]; r.title.Text != "Telegram · Новости Смоленской области" || !strings.Contains(r.detail.Text, "http://127.0.0.1:8765/tg") {
		t.Errorf("row after edit: %q, %q", r.title.Text, r.detail.Text)
	}
	if s.note.Text != "«Новости Смоленской области» сохранён" {
		t.Errorf("note %q", s.note.Text)
	}

	act(t, m, func() { test.Tap(s.syncBtn) })
	if !slices.Contains(fc.Calls(), "SyncNow") || s.rows[3].synced.Text != "Синхронизация: только что" {
		t.Errorf("after sync now: %q, %q", fc.Calls(), s.rows[3].synced.Text)
	}

	act(t, m, func() { test.Tap(s.retryBtn) })
	if s.note.Text != "2 отправки снова в очереди" || s.rows[2].counts.Text != "2 в очереди" || s.rows[2].retry.Visible() {
		t.Errorf("after retry: note %q, counts %q", s.note.Text, s.rows[2].counts.Text)
	}
	if !s.retryBtn.Disabled() {
		t.Error("«Повторить неотправленные» stays enabled with nothing failed")
	}
	calls := len(fc.Calls())
	test.Tap(s.retryBtn)
	m.b.settle()
	if len(fc.Calls()) != calls {
		t.Error("the disabled button retried")
	}
	// The engine may have sent them meanwhile: the answer says so.
	act(t, m, func() { s.retryUnsent(0) })
	if s.note.Text != "Неотправленных нет" {
		t.Errorf("second retry: %q", s.note.Text)
	}

	// The engine's state changes reach the open section live.
	states := sampleAccounts(fc.Now())
	states[0].Online, states[0].LastError = false, "dial tcp 127.0.0.1:8765: connect: connection refused"
	act(t, m, func() { fc.SetAccounts(states) })
	m.b.settle()
	if s.rows[0].phase.Text != "Офлайн" {
		t.Errorf("after the network went away: %q", s.rows[0].phase.Text)
	}
}

func TestAccountsPhases(t *testing.T) {
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		st   AccountState
		want string
	}{
		{AccountState{}, "Синхронизация не запущена"},
		{AccountState{Account: data.Account{Demo: true}}, "Демо-аккаунт, без подключения к сети"},
		{AccountState{Phase: "starting"}, "Подключение…"},
		{AccountState{Phase: "starting", LastError: "dial tcp: connection refused"}, "Офлайн"},
		{AccountState{Phase: "backfill", Online: true}, "Онлайн · загружается история"},
		{AccountState{Phase: "live", Online: true}, "Онлайн"},
		{AccountState{Phase: "live"}, "Офлайн"},
		{AccountState{Phase: "needs_token", NeedsToken: true}, "Нужен новый токен"},
		{AccountState{Phase: "keyring", KeyringDown: true}, "Хранилище паролей недоступно"},
		{AccountState{Phase: "failed"}, "Ошибка"},
		{AccountState{Phase: "idle"}, "Импорт из файлов"},
	} {
		if key, _ := accountPhase(tc.st); T(key) != tc.want {
			t.Errorf("%+v: %q, want %q", tc.st, T(key), tc.want)
		}
	}
}

func TestGoldenAccounts(t *testing.T) {
	for _, th := range []string{ThemeLight, ThemeDark} {
		t.Run(th, func(t *testing.T) {
			m, _ := newAccountsWindow(t, th)
			m.settingsView().scrollToAccounts()
			test.AssertImageMatches(t, "accounts_"+th+".png", m.Window.Canvas().Capture())
		})
	}
}
