package ui

import (
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

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
// later lang.L/X call, including Fyne's own dialogs. Fyne picks its language
// from the locale variables when translations are added and offers no setter,
// so the process's LANGUAGE (and LC_MESSAGES where the locale is unset or C)
// is pointed at code first.
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
	currentLang = code
	return lang.AddTranslationsFS(assets.FS, translationsDir)
}

// T translates a message key.
func T(key string) string { return lang.X(key, key) }

// Tf translates a key whose text has {{.Name}} placeholders.
func Tf(key string, data map[string]any) string { return lang.X(key, key, data) }

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
	return lang.XN(key, key, n, d)
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
