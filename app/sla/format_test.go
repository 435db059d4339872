package sla

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestPluralRU(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "минут"}, {1, "минута"}, {2, "минуты"}, {4, "минуты"}, {5, "минут"}, {11, "минут"}, {12, "минут"},
		{14, "минут"}, {20, "минут"}, {21, "минута"}, {22, "минуты"}, {25, "минут"}, {101, "минута"},
		{111, "минут"}, {112, "минут"}, {114, "минут"}, {122, "минуты"}, {1001, "минута"}, {-1, "минута"}, {-12, "минут"},
	}
	for _, tt := range tests {
		if got := PluralRU(tt.n, "минута", "минуты", "минут"); got != tt.want {
			t.Errorf("PluralRU(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestFormatLeft(t *testing.T) {
	now := at(2025, 11, 24, 12, 0)
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"ru", 2 * time.Hour, "осталось 2 часа"},
		{"ru", time.Hour + 5*time.Minute, "остался 1 час 5 минут"},
		{"ru", 21 * time.Minute, "осталась 21 минута"},
		{"ru", 22 * time.Minute, "осталось 22 минуты"},
		{"ru", 5*time.Hour + 30*time.Second, "осталось 5 часов"},
		{"ru", 30 * time.Second, "осталось меньше минуты"},
		{"ru", 26 * time.Hour, "остался 1 день 2 часа"},
		{"ru", 11 * 24 * time.Hour, "осталось 11 дней"},
		{"ru", 21*24*time.Hour + 3*time.Hour, "остался 21 день"},
		{"ru", -5 * time.Minute, "просрочено на 5 минут"},
		{"ru", -1 * time.Minute, "просрочено на 1 минуту"},
		{"ru", -21 * time.Minute, "просрочено на 21 минуту"},
		{"ru", -(3*time.Hour + 2*time.Minute), "просрочено на 3 часа 2 минуты"},
		{"ru", -72 * time.Hour, "просрочено на 3 дня"},
		{"ru", -(5*24*time.Hour + 7*time.Hour), "просрочено на 5 дней"},
		{"ru", -20 * time.Second, "просрочено меньше чем на минуту"},
		{"", 2 * time.Hour, "осталось 2 часа"},
		{"en", 2 * time.Hour, "2 hours left"},
		{"en", time.Hour + time.Minute, "1 hour 1 minute left"},
		{"en_GB", -5 * time.Minute, "overdue by 5 minutes"},
		{"EN", -25 * time.Hour, "overdue by 1 day 1 hour"},
		{"en", 10 * time.Second, "less than a minute left"},
		{"en", -10 * time.Second, "overdue by less than a minute"},
	}
	for _, tt := range tests {
		if got := FormatLeft(tt.lang, now.Add(tt.d), now); got != tt.want {
			t.Errorf("FormatLeft(%q, now%+v) = %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
}

// A sweep over many amounts, reviewed once by a Russian speaker and kept as
// a golden file so that any change in wording shows up in review.
func TestFormatLeftGolden(t *testing.T) {
	now := at(2025, 11, 24, 12, 0)
	var b strings.Builder
	amounts := []time.Duration{}
	for _, m := range []int{1, 2, 4, 5, 11, 12, 14, 15, 20, 21, 22, 25, 31, 44, 59} {
		amounts = append(amounts, time.Duration(m)*time.Minute)
	}
	for _, h := range []int{1, 2, 3, 5, 11, 21, 23} {
		amounts = append(amounts, time.Duration(h)*time.Hour, time.Duration(h)*time.Hour+21*time.Minute)
	}
	for _, d := range []int{1, 2, 4, 5, 11, 21, 22, 30, 101, 111} {
		amounts = append(amounts, time.Duration(d)*24*time.Hour, time.Duration(d)*24*time.Hour+3*time.Hour)
	}
	for _, d := range amounts {
		fmt.Fprintf(&b, "%-10v | %-32s | %-34s | %-28s | %s\n", d,
			FormatLeft("ru", now.Add(d), now), FormatLeft("ru", now.Add(-d), now),
			FormatLeft("en", now.Add(d), now), FormatLeft("en", now.Add(-d), now))
	}
	golden := "testdata/format_left.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if b.String() != string(want) {
		t.Errorf("FormatLeft sweep differs from %s; rerun with -update and review the diff:\n%s", golden, b.String())
	}
}
