package ui

import (
	"image/color"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"otklik/data"
)

// ago says when t was, seen from now, the way a Russian newsroom says it:
// «только что», «5 мин назад», «3 ч назад», «вчера, 14:30», «12 марта, 09:15»,
// «12 марта 2024». Times in the future (clock skew) read as «только что».
func ago(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return T("time.just_now")
	case d < time.Hour:
		return Tf("time.minutes_ago", map[string]any{"N": int(d / time.Minute)})
	case d < 6*time.Hour || sameDay(now, t):
		return Tf("time.hours_ago", map[string]any{"N": int(d / time.Hour)})
	case sameDay(now.AddDate(0, 0, -1), t):
		return Tf("time.yesterday", map[string]any{"Time": t.Format("15:04")})
	case t.Year() == now.Year():
		return Tf("time.date_time", map[string]any{"Date": dayMonth(t), "Time": t.Format("15:04")})
	}
	return Tf("time.date_year", map[string]any{"Date": dayMonth(t), "Year": t.Year()})
}

// dueIn describes a deadline: «через 2 ч», «через 25 мин», «просрочено на 3 ч»,
// «просрочено на 2 дн.».
func dueIn(now, due time.Time) (text string, overdue bool) {
	if due.IsZero() {
		return "", false
	}
	d := due.Sub(now)
	overdue = d < 0
	if overdue {
		d = -d
	}
	var span string
	switch {
	case d < time.Hour:
		span = Tf("span.minutes", map[string]any{"N": max(1, int(d/time.Minute))})
	case d < 48*time.Hour:
		span = Tf("span.hours", map[string]any{"N": int(d / time.Hour)})
	default:
		span = Tf("span.days", map[string]any{"N": int(d / (24 * time.Hour))})
	}
	if overdue {
		return Tf("due.overdue_by", map[string]any{"Span": span}), true
	}
	return Tf("due.in", map[string]any{"Span": span}), false
}

func sameDay(a, b time.Time) bool {
	b = b.In(a.Location())
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// dayMonth is «12 марта» in Russian and «12 Mar» in English: the month's
// name comes from the translations in the genitive case.
func dayMonth(t time.Time) string {
	return Tf("time.day_month", map[string]any{
		"Day":   t.Day(),
		"Month": T("month." + strconv.Itoa(int(t.Month()))),
	})
}

// fullTime is the exact moment for the detail pane: «12 марта 2025, 14:30».
func fullTime(t time.Time) string {
	return Tf("time.full", map[string]any{"Date": dayMonth(t), "Year": t.Year(), "Time": t.Format("15:04")})
}

// statusLabel names a status for the user.
func statusLabel(s data.Status) string { return T("state." + string(s)) }

// platformLabel names a platform in full; platformShort fits a row badge.
func platformLabel(p data.Platform) string { return T("platform." + string(p)) }
func platformShort(p data.Platform) string { return T("platform.short." + string(p)) }

// platformColor is each network's own brand colour, so an operator knows
// the source at a glance.
func platformColor(p data.Platform) color.NRGBA {
	switch p {
	case data.VK:
		return color.NRGBA{R: 0x00, G: 0x77, B: 0xff, A: 0xff}
	case data.Telegram:
		return color.NRGBA{R: 0x22, G: 0x9e, B: 0xd9, A: 0xff}
	case data.OK:
		return color.NRGBA{R: 0xee, G: 0x82, B: 0x08, A: 0xff}
	case data.POS:
		return color.NRGBA{R: 0x0d, G: 0x4c, B: 0xd3, A: 0xff}
	}
	return color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
}

// statusColor tints the status chip: new stands out, closed recedes.
func statusColor(s data.Status) color.NRGBA {
	switch s {
	case data.StatusNew:
		return color.NRGBA{R: 0x1e, G: 0x88, B: 0xe5, A: 0xff}
	case data.StatusInProgress:
		return color.NRGBA{R: 0xf5, G: 0x9e, B: 0x0b, A: 0xff}
	case data.StatusAnswered:
		return color.NRGBA{R: 0x16, G: 0xa3, B: 0x4a, A: 0xff}
	case data.StatusForwarded:
		return color.NRGBA{R: 0x8b, G: 0x5c, B: 0xf6, A: 0xff}
	case data.StatusSpam:
		return color.NRGBA{R: 0xdc, G: 0x26, B: 0x26, A: 0xff}
	}
	return color.NRGBA{R: 0x6b, G: 0x72, B: 0x80, A: 0xff}
}

// firstLine is the start of a message for a list row: the first non-empty
// line, whitespace collapsed, cut at a word boundary near limit runes.
func firstLine(s string, limit int) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			s = line
			break
		}
	}
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= limit {
			s = s[:i]
			break
		}
		cut++
	}
	if sp := strings.LastIndexByte(s, ' '); sp > len(s)*2/3 {
		s = s[:sp]
	}
	return strings.TrimRight(s, " ,.;:—-") + "…"
}
