package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2/lang"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"otklik/assets"
)

// Languages the UI speaks. Russian is the default: the office works in it.
const (
	LangRussian = "ru"
	LangEnglish = "en"
)

// currentLang is the language set last; core data with names in both
// languages (categories) follows it.
var currentLang = LangRussian

// translationsDir is the folder of assets.FS holding ru.json and en.json.
const translationsDir = "i18n"

// ResolveLanguage picks the UI language: an explicit choice from the
// settings wins, then FYNE_LANG (e.g. FYNE_LANG=en for an English demo), then
// Russian. The system locale is not consulted: an English Windows on an
// office laptop must not turn the press office's tool English.
func ResolveLanguage(pref string) string {
	for _, v := range []string{pref, os.Getenv("FYNE_LANG")} {
		v = strings.ToLower(strings.TrimSpace(v))
		if len(v) >= 2 {
			switch v[:2] {
			case LangRussian, LangEnglish:
				return v[:2]
			}
		}
	}
	return LangRussian
}

// SetLanguage loads the translations and makes code the language of every
// later T/Tf/TN call. Our strings go through a localizer of our own, fixed to
// code: Fyne matches its translations against the system's locale, which on
// Windows no environment variable changes, so an English Windows would show
// the press office an English window. Fyne's own strings (dialog buttons)
// still come from its translations; for them the process's LANGUAGE (and
// LC_MESSAGES where the locale is unset or C) is pointed at code.
func SetLanguage(code string) error {
	primary := ""
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(env); v != "" {
			primary = env
			break
		}
	}
	switch {
	case primary == "":
		os.Setenv("LC_MESSAGES", code)
	case os.Getenv(primary) == "C" || os.Getenv(primary) == "POSIX":
		// LANGUAGE is ignored under the C locale; replace only the variable
		// that holds C, which the Go side alone reads.
		os.Setenv(primary, code)
	}
	os.Setenv("LANGUAGE", code)
	bundle := i18n.NewBundle(language.Russian)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := assets.FS.ReadDir(translationsDir)
	if err != nil {
		return err
	}
	for _, f := range files {
		raw, err := assets.FS.ReadFile(translationsDir + "/" + f.Name())
		if err != nil {
			return err
		}
		if _, err := bundle.ParseMessageFileBytes(raw, f.Name()); err != nil {
			return fmt.Errorf("translations %s: %w", f.Name(), err)
		}
	}
	locMu.Lock()
	localizer = i18n.NewLocalizer(bundle, code)
	currentLang = code
	locMu.Unlock()
	return lang.AddTranslationsFS(assets.FS, translationsDir)
}

var (
	locMu     sync.RWMutex
	localizer *i18n.Localizer
)

// localize looks key up in the chosen language; a missing key shows itself,
// which the translation tests catch.
func localize(key string, data map[string]any, count *int) string {
	locMu.RLock()
	l := localizer
	locMu.RUnlock()
	if l == nil {
		return key
	}
	cfg := &i18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if count != nil {
		cfg.PluralCount = *count
	}
	out, err := l.Localize(cfg)
	if err != nil || out == "" {
		return key
	}
	return out
}

// T translates a message key.
func T(key string) string { return localize(key, nil, nil) }

// Tf translates a key whose text has {{.Name}} placeholders.
func Tf(key string, data map[string]any) string { return localize(key, data, nil) }

// TN translates a key with plural forms (Russian: one/few/many) for n;
// {{.Count}} in the text is n with thousands separated by a thin space.
func TN(key string, n int, data ...map[string]any) string {
	d := map[string]any{}
	if len(data) > 0 {
		for k, v := range data[0] {
			d[k] = v
		}
	}
	d["Count"] = formatInt(n)
	return localize(key, d, &n)
}

// formatInt writes n with groups of three digits separated by a no-break
// space, as Russian typography wants (12 345); four-digit numbers stay whole.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "−", s[1:]
	}
	if len(s) <= 4 {
		return sign + s
	}
	groups := make([]string, 0, len(s)/3+1)
	if head := len(s) % 3; head > 0 {
		groups = append(groups, s[:head])
		s = s[head:]
	}
	for ; len(s) > 0; s = s[3:] {
		groups = append(groups, s[:3])
	}
	return sign + strings.Join(groups, "\u00a0")
}
