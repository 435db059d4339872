package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// settingsView: the operator's name, language, theme, where the data lives,
// while the store holds the demo region leaving the demo, the accounts, the
// saved replies, and the reply deadlines with their notifications.
type settingsView struct {
	m *MainWindow

	user      *widget.Entry
	saveUser  *widget.Button
	language  *widget.Select
	themeSel  *widget.RadioGroup
	dbPath    *widget.Label
	demoInfo  *widget.Label
	resetBtn  *widget.Button
	note      *widget.Label
	sla       *slaSettings      // «Сроки ответа» and «Уведомления» (settings_sla.go)
	accounts  *accountsSection  // «Аккаунты» (accounts.go)
	templates *templatesSection // «Шаблоны ответов» (settings_templates.go)
	content   fyne.CanvasObject
}

var (
	languageCodes = []string{LangRussian, LangEnglish}
	themeCodes    = []string{ThemeSystem, ThemeLight, ThemeDark}
)

func newSettingsView(m *MainWindow) *settingsView {
	s := &settingsView{m: m}
	s.user = widget.NewEntry()
	s.user.SetPlaceHolder(T("settings.user_placeholder"))
	s.saveUser = widget.NewButton(T("settings.save"), s.storeUser)
	s.user.OnSubmitted = func(string) { s.storeUser() }

	s.language = widget.NewSelect([]string{"Русский", "English"}, nil)
	for i, c := range languageCodes {
		if c == currentLang {
			s.language.SetSelectedIndex(i)
		}
	}
	s.language.OnChanged = func(string) { s.changeLanguage() }

	themeNames := []string{T("settings.theme_system"), T("settings.theme_light"), T("settings.theme_dark")}
	s.themeSel = widget.NewRadioGroup(themeNames, nil)
	s.themeSel.Horizontal = true
	cur := m.app.Preferences().StringWithFallback(prefTheme, ThemeSystem)
	for i, c := range themeCodes {
		if c == cur {
			s.themeSel.SetSelected(themeNames[i])
		}
	}
	s.themeSel.OnChanged = func(string) { s.changeTheme() }

	s.dbPath = widget.NewLabel("")
	s.dbPath.Wrapping = fyne.TextWrapBreak
	s.demoInfo = widget.NewLabel(T("settings.demo_info"))
	s.demoInfo.Wrapping = fyne.TextWrapWord
	s.resetBtn = widget.NewButton(T("settings.reset"), s.confirmReset)
	s.resetBtn.Importance = widget.DangerImportance
	s.note = widget.NewLabel("")
	s.note.Importance = widget.LowImportance

	form := widget.NewForm(
		widget.NewFormItem(T("settings.user"), container.NewBorder(nil, nil, nil, s.saveUser, s.user)),
		widget.NewFormItem(T("settings.language"), s.language),
		widget.NewFormItem(T("settings.theme"), s.themeSel),
		widget.NewFormItem(T("settings.data"), s.dbPath),
	)
	demo := container.NewVBox(s.demoInfo, container.NewHBox(s.resetBtn))
	title := widget.NewLabelWithStyle(T("nav.settings"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = "subHeadingText"
	version := widget.NewLabel(Tf("settings.version", map[string]any{"Version": m.opts.Version}))
	version.Importance = widget.LowImportance
	if m.opts.Version == "" {
		version.Hide()
	}
	s.sla = newSLASettings(m)
	s.accounts = newAccountsSection(m)
	s.templates = newTemplatesSection(m)
	general := container.New(maxWidth(720), container.NewVBox(form, widget.NewSeparator(), demo, s.note))
	body := container.NewVBox(title, general, widget.NewSeparator(), s.accounts.content, widget.NewSeparator(),
		s.templates.content, widget.NewSeparator(), s.sla.content, widget.NewSeparator(), version)
	s.content = container.NewVScroll(container.NewPadded(container.New(maxWidth(1060), body)))
	return s
}

// reload reads the summary: the user's name, the data file, demo or not;
// the accounts, the saved replies, the deadline rules and notification
// settings.
func (s *settingsView) reload() {
	s.sla.reload()
	s.accounts.reload()
	s.templates.reload()
	async(s.m.b, func(ctx context.Context) (Summary, error) { return s.m.core.Summary(ctx) },
		func(sum Summary, err error) {
			if err != nil {
				s.note.SetText(err.Error())
				return
			}
			if s.m.Window.Canvas().Focused() != s.user {
				s.user.SetText(sum.User)
			}
			s.dbPath.SetText(sum.DBPath)
			s.demoInfo.Hidden = !sum.Demo
			s.resetBtn.Hidden = !sum.Demo
			s.demoInfo.Refresh()
			s.resetBtn.Refresh()
		})
}

func (s *settingsView) storeUser() {
	name := strings.TrimSpace(s.user.Text)
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.SetUser(ctx, name) },
		func(_ struct{}, err error) {
			if err != nil {
				s.note.SetText(err.Error())
				return
			}
			s.note.SetText(T("settings.saved"))
		})
}

func (s *settingsView) changeLanguage() {
	i := s.language.SelectedIndex()
	if i < 0 || languageCodes[i] == currentLang {
		return
	}
	code := languageCodes[i]
	s.m.app.Preferences().SetString(prefLanguage, code)
	if err := SetLanguage(code); err != nil {
		s.note.SetText(err.Error())
		return
	}
	// Every label was built with the old language: build the window again.
	s.m.build()
	s.m.ShowSettings()
}

func (s *settingsView) changeTheme() {
	i := indexOf(s.themeSel.Options, s.themeSel.Selected)
	if i < 0 {
		return
	}
	s.m.app.Preferences().SetString(prefTheme, themeCodes[i])
	s.m.app.Settings().SetTheme(newAppTheme(themeCodes[i]))
}

func (s *settingsView) confirmReset() {
	dialog.ShowConfirm(T("settings.reset_title"), T("settings.reset_confirm"), func(ok bool) {
		if ok {
			s.reset()
		}
	}, s.m.Window)
}

func (s *settingsView) reset() {
	async(s.m.b, func(ctx context.Context) (struct{}, error) { return struct{}{}, s.m.core.ResetToEmpty(ctx) },
		func(_ struct{}, err error) {
			if err != nil {
				dialog.ShowError(err, s.m.Window)
				return
			}
			s.note.SetText(T("settings.reset_done"))
		})
}

func indexOf(opts []string, v string) int {
	for i, o := range opts {
		if o == v {
			return i
		}
	}
	return -1
}
