package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"otklik/data"
)

// pluralRU picks the Russian form for n: one (1, 21, 101), few (2–4, 22–24)
// or many (0, 5–20, 11–14, 25…).
func pluralRU(n int, one, few, many string) string {
	if n < 0 {
		n = -n
	}
	if n%100 >= 11 && n%100 <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}

// nRU writes «3 поста», «21 пост», «11 постов».
func nRU(n int, one, few, many string) string {
	return strconv.Itoa(n) + " " + pluralRU(n, one, few, many)
}

func nEN(n int, one, other string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + other
}

var (
	weekdaysRU = [7]string{"вс", "пн", "вт", "ср", "чт", "пт", "сб"}
	monthsGen  = [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	monthsNom  = [12]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
	monthsPrep = [12]string{"январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре", "ноябре", "декабре"}
)

// lang is the language of human-readable messages.
type lang bool

const (
	ru lang = false
	en lang = true
)

func langOf(s string) lang { return lang(strings.HasPrefix(strings.ToLower(s), "en")) }

// day formats a date in Moscow time: «пт, 4 декабря» or "Fri, 4 December";
// the year is added when it differs from the reference year.
func (l lang) day(t, ref time.Time) string {
	t = t.In(Moscow)
	var s string
	if l == en {
		s = t.Format("Mon, 2 January")
	} else {
		s = weekdaysRU[t.Weekday()] + ", " + strconv.Itoa(t.Day()) + " " + monthsGen[t.Month()-1]
	}
	if t.Year() != ref.In(Moscow).Year() {
		s += " " + strconv.Itoa(t.Year())
	}
	return s
}

// when formats a moment: «пт, 4 декабря, 18:00», "Fri, 4 December, 18:00".
func (l lang) when(t, ref time.Time) string {
	m := t.In(Moscow)
	return l.day(t, ref) + ", " + strconv.Itoa(m.Hour()) + ":" + fmt.Sprintf("%02d", m.Minute())
}

// week formats an ISO week by its Monday: «30 ноября — 6 декабря», «1–7 декабря»,
// «28 декабря 2026 — 3 января 2027» across a year.
func (l lang) week(start, ref time.Time) string {
	start = start.In(Moscow)
	end := start.AddDate(0, 0, 6)
	if l == en {
		switch {
		case start.Year() != end.Year():
			return start.Format("2 January 2006") + " – " + end.Format("2 January 2006")
		case start.Month() != end.Month():
			return start.Format("2 January") + " – " + end.Format("2 January") + l.yearSuffix(end, ref)
		}
		return strconv.Itoa(start.Day()) + "–" + end.Format("2 January") + l.yearSuffix(end, ref)
	}
	switch {
	case start.Year() != end.Year():
		return fmt.Sprintf("%d %s %d — %d %s %d", start.Day(), monthsGen[start.Month()-1], start.Year(),
			end.Day(), monthsGen[end.Month()-1], end.Year())
	case start.Month() != end.Month():
		return fmt.Sprintf("%d %s — %d %s", start.Day(), monthsGen[start.Month()-1], end.Day(), monthsGen[end.Month()-1]) + l.yearSuffix(end, ref)
	}
	return fmt.Sprintf("%d–%d %s", start.Day(), end.Day(), monthsGen[end.Month()-1]) + l.yearSuffix(end, ref)
}

func (l lang) yearSuffix(t, ref time.Time) string {
	if t.Year() != ref.In(Moscow).Year() {
		return " " + strconv.Itoa(t.Year())
	}
	return ""
}

// month names a month: «в ноябре», «в январе 2027»; "in November".
func (l lang) inMonth(start, ref time.Time) string {
	start = start.In(Moscow)
	if l == en {
		return "in " + start.Format("January") + l.yearSuffix(start, ref)
	}
	return "в " + monthsPrep[start.Month()-1] + l.yearSuffix(start, ref)
}

func (l lang) monthNom(start, ref time.Time) string {
	start = start.In(Moscow)
	if l == en {
		return start.Format("January") + l.yearSuffix(start, ref)
	}
	return monthsNom[start.Month()-1] + l.yearSuffix(start, ref)
}

// gapRule quotes the gap rule: «не больше 24 часов без поста».
func (l lang) gapRule(d time.Duration) string {
	h := int(d / time.Hour)
	if d%time.Hour != 0 {
		if l == en {
			return "“no more than " + strings.TrimSuffix(d.Round(time.Minute).String(), "0s") + " without a post”"
		}
		return "«не больше " + strings.TrimSuffix(d.Round(time.Minute).String(), "0s") + " без поста»"
	}
	if l == en {
		return "“no more than " + nEN(h, "hour", "hours") + " without a post”"
	}
	return "«не больше " + strconv.Itoa(h) + " " + pluralRU(h, "часа", "часов", "часов") + " без поста»"
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func platformRU(p data.Platform) string {
	switch p {
	case data.VK:
		return "ВК"
	case data.Telegram:
		return "Telegram"
	case data.OK:
		return "ОК"
	case data.POS:
		return "ПОС"
	}
	return string(p)
}

func platformEN(p data.Platform) string {
	switch p {
	case data.VK:
		return "VK"
	case data.Telegram:
		return "Telegram"
	case data.OK:
		return "OK"
	case data.POS:
		return "POS"
	}
	return string(p)
}

// accountLabels names accounts in messages, in the locative: «в ВК» when the
// platform has one account, «в канале «Губернатор…»» when it has several;
// "on VK", "in channel “…”".
type accountLabels struct {
	accounts map[int64]data.Account
	perPlat  map[data.Platform]int
}

func newAccountLabels(accounts map[int64]data.Account) accountLabels {
	per := map[data.Platform]int{}
	for _, a := range accounts {
		per[a.Platform]++
	}
	return accountLabels{accounts: accounts, perPlat: per}
}

func (al accountLabels) in(l lang, id int64) string {
	a, ok := al.accounts[id]
	if !ok {
		if l == en {
			return "on account #" + strconv.FormatInt(id, 10)
		}
		return "в аккаунте №" + strconv.FormatInt(id, 10)
	}
	if al.perPlat[a.Platform] <= 1 || a.Name == "" {
		if l == en {
			return "on " + platformEN(a.Platform)
		}
		if a.Platform == data.POS {
			return "на ПОС"
		}
		return "в " + platformRU(a.Platform)
	}
	if l == en {
		return "on " + platformEN(a.Platform) + " “" + a.Name + "”"
	}
	switch a.Kind {
	case "channel":
		return "в канале «" + a.Name + "»"
	case "group":
		return "в группе «" + a.Name + "»"
	case "page":
		return "на странице «" + a.Name + "»"
	case "portal":
		return "на портале «" + a.Name + "»"
	}
	return "в сообществе «" + a.Name + "» (" + platformRU(a.Platform) + ")"
}

// kindRU names an item kind as a noun: «пост», «фото», «эфир».
func kindRU(kind string) string {
	switch kind {
	case "photo":
		return "фото"
	case "video":
		return "видео"
	case "live":
		return "прямой эфир"
	case "story":
		return "история"
	}
	return "пост"
}

func kindEN(kind string) string {
	switch kind {
	case "photo":
		return "photo"
	case "video":
		return "video"
	case "live":
		return "live stream"
	case "story":
		return "story"
	}
	return "post"
}

func statusRU(s string) string {
	switch s {
	case "idea":
		return "идея"
	case "draft":
		return "черновик"
	case "review":
		return "на согласовании"
	case "approved":
		return "утверждено"
	case "scheduled":
		return "в отложенных"
	case "published":
		return "опубликовано"
	case "skipped":
		return "пропущено"
	}
	return s
}

func statusEN(s string) string {
	switch s {
	case "review":
		return "in review"
	case "scheduled":
		return "scheduled"
	}
	return s
}

// itemTitle is the title, or the start of the text when the title is empty.
func itemTitle(it data.CalendarItem) string {
	t := strings.TrimSpace(it.Title)
	if t == "" {
		t = strings.Join(strings.Fields(it.Text), " ")
	}
	const max = 60
	if utf8.RuneCountInString(t) > max {
		r := []rune(t)
		t = strings.TrimRight(string(r[:max]), " ,.;:—-") + "…"
	}
	return t
}

func percent(l lang, x float64) string {
	p := int(x*100 + 0.5)
	if l == en {
		return strconv.Itoa(p) + "%"
	}
	return strconv.Itoa(p) + "\u00a0%"
}
