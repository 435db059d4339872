package plan

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"otklik/data"
)

// UIDDomain makes event UIDs globally unique and stable across exports, so
// a calendar that re-imports the file updates events instead of doubling them.
const UIDDomain = "otklik.smolensk"

// ICSLineOctets is the longest content line RFC 5545 allows, CRLF excluded.
const ICSLineOctets = 75

// Calendar-item durations: a live stream takes an hour, a post a quarter.
const (
	LiveDuration = time.Hour
	PostDuration = 15 * time.Minute
)

// icsKind names the kind for SUMMARY and CATEGORIES, without emoji so that
// every calendar client shows it.
func icsKind(kind string) string {
	switch kind {
	case "photo":
		return "Фото"
	case "video":
		return "Видео"
	case "live":
		return "Прямой эфир"
	case "story":
		return "История"
	}
	return "Пост"
}

func icsStatus(s string) string {
	switch s {
	case "skipped":
		return "CANCELLED"
	case "approved", "scheduled", "published":
		return "CONFIRMED"
	}
	return "TENTATIVE"
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11) and drops what a content
// line cannot carry: control characters and broken UTF-8.
func icsText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			// other controls are not allowed in a value
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldLine writes one content line folded at ICSLineOctets octets, never
// splitting a UTF-8 sequence; continuation lines start with a space that
// counts toward their length.
func foldLine(w *bufio.Writer, line string) {
	limit := ICSLineOctets
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.WriteString(line[:cut])
		w.WriteString("\r\n ")
		line = line[cut:]
		limit = ICSLineOctets - 1
	}
	w.WriteString(line)
	w.WriteString("\r\n")
}

const icsLocal = "20060102T150405"

// WriteICS writes the items as an RFC 5545 calendar in Moscow time with a
// VTIMEZONE, one VEVENT per item, sorted by time then id. Items without any
// date (ideas not yet placed) have no place on a calendar and are left out;
// an item without an id cannot get a stable UID and is an error, reported
// before anything is written.
func WriteICS(w io.Writer, items []data.CalendarItem, accounts map[int64]data.Account, now time.Time) error {
	type ev struct {
		it    data.CalendarItem
		start time.Time
	}
	evs := make([]ev, 0, len(items))
	for _, it := range items {
		start := it.PlannedAt
		if it.Status == "published" && !it.PublishedAt.IsZero() {
			start = it.PublishedAt
		}
		if start.IsZero() {
			continue
		}
		if it.ID <= 0 {
			return fmt.Errorf("ics: calendar item %q has no id, so it cannot get a stable UID", itemTitle(it))
		}
		evs = append(evs, ev{it, start})
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].start.Equal(evs[j].start) {
			return evs[i].start.Before(evs[j].start)
		}
		return evs[i].it.ID < evs[j].it.ID
	})
	munis := map[string]string{}
	if r, err := defaultRules(); err == nil {
		for _, m := range r.Municipalities {
			munis[m.Code] = m.Name
		}
	}
	bw := bufio.NewWriter(w)
	line := func(s string) { foldLine(bw, s) }
	line("BEGIN:VCALENDAR")
	line("PRODID:-//Otklik//Content plan//RU")
	line("VERSION:2.0")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + icsText("Отклик — контент-план"))
	line("X-WR-TIMEZONE:Europe/Moscow")
	line("BEGIN:VTIMEZONE")
	line("TZID:Europe/Moscow")
	line("BEGIN:STANDARD")
	line("DTSTART:19700101T000000")
	line("TZOFFSETFROM:+0300")
	line("TZOFFSETTO:+0300")
	line("TZNAME:MSK")
	line("END:STANDARD")
	line("END:VTIMEZONE")
	stamp := now.UTC().Format(icsLocal) + "Z"
	for _, e := range evs {
		it := e.it
		dur := PostDuration
		if it.Kind == "live" {
			dur = LiveDuration
		}
		title := strings.TrimSpace(it.Title)
		if title == "" {
			title = itemTitle(it)
		}
		acc, known := accounts[it.AccountID]
		accName := "аккаунт №" + strconv.FormatInt(it.AccountID, 10)
		if known {
			accName = platformRU(acc.Platform)
			if acc.Name != "" {
				accName += " · " + acc.Name
			}
		}
		var desc strings.Builder
		if t := strings.TrimSpace(it.Text); t != "" {
			desc.WriteString(t)
			desc.WriteString("\n\n")
		}
		desc.WriteString("Аккаунт: " + accName + "\nСтатус: " + statusRU(it.Status))
		cats := []string{icsKind(it.Kind)}
		if known {
			cats = append(cats, platformRU(acc.Platform))
		}
		if it.District != "" {
			name := munis[it.District]
			if name == "" {
				name = it.District
			}
			desc.WriteString("\nМуниципалитет: " + name)
			cats = append(cats, name)
		}
		if it.Approver != "" {
			desc.WriteString("\nУтверждает: " + it.Approver)
		}
		for i, c := range cats {
			cats[i] = icsText(c)
		}
		line("BEGIN:VEVENT")
		line("UID:item-" + strconv.FormatInt(it.ID, 10) + "@" + UIDDomain)
		line("DTSTAMP:" + stamp)
		line("DTSTART;TZID=Europe/Moscow:" + e.start.In(Moscow).Format(icsLocal))
		line("DURATION:" + icsDuration(dur))
		line("SUMMARY:" + icsText(icsKind(it.Kind)+": "+title))
		line("DESCRIPTION:" + icsText(desc.String()))
		line("CATEGORIES:" + strings.Join(cats, ","))
		line("STATUS:" + icsStatus(it.Status))
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return bw.Flush()
}

func icsDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return "PT" + strconv.Itoa(int(d/time.Hour)) + "H"
	}
	return "PT" + strconv.Itoa(int(d/time.Minute)) + "M"
}
