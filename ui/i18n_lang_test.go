package ui

import "testing"

// The chosen language wins over the system's: an English Windows (where no
// environment variable changes what Fyne matches) still gets a Russian window.
func TestChosenLanguageBeatsSystemLocale(t *testing.T) {
	t.Cleanup(func() { SetLanguage(LangRussian) })
	cases := []struct {
		system, chosen string
		key, want      string
	}{
		{"en_US.UTF-8", LangRussian, "nav.inbox", "Входящие"},
		{"C", LangRussian, "nav.inbox", "Входящие"},
		{"ru_RU.UTF-8", LangEnglish, "nav.inbox", "Inbox"},
	}
	for _, c := range cases {
		t.Setenv("LC_ALL", c.system)
		t.Setenv("LANGUAGE", c.system)
		if err := SetLanguage(c.chosen); err != nil {
			t.Fatal(err)
		}
		if got := T(c.key); got != c.want {
			t.Errorf("system %s, chosen %s: T(%q) = %q, want %q", c.system, c.chosen, c.key, got, c.want)
		}
	}
	// Plural forms follow the chosen language's rules, not the system's.
	t.Setenv("LC_ALL", "en_US.UTF-8")
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	two, five := formatPluralProbe(2), formatPluralProbe(5)
	if two == five {
		t.Errorf("Russian plural forms for 2 and 5 are the same (%q): English rules were used", two)
	}
}

func formatPluralProbe(n int) string { return TN("inbox.count", n) }
