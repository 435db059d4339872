package sla

import (
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize/english"
)

// PluralRU picks the Russian form for n: one (1, 21, 101), few (2–4, 22–24)
// or many (0, 5–20, 11–14, 111–114, 25…).
func PluralRU(n int, one, few, many string) string {
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

// unit forms: nominative (after «осталось»), accusative (after «на»), the
// singular «остал…» agreeing with the noun's gender, and the English word.
type unitWords struct {
	nom, acc      [3]string // one, few, many
	leftSingular  string    // «осталась минута», «остался час»
	englishSingle string
}

var (
	minuteWords = unitWords{
		nom: [3]string{"минута", "минуты", "минут"}, acc: [3]string{"минуту", "минуты", "минут"},
		leftSingular: "осталась", englishSingle: "minute",
	}
	hourWords = unitWords{
		nom: [3]string{"час", "часа", "часов"}, acc: [3]string{"час", "часа", "часов"},
		leftSingular: "остался", englishSingle: "hour",
	}
	dayWords = unitWords{
		nom: [3]string{"день", "дня", "дней"}, acc: [3]string{"день", "дня", "дней"},
		leftSingular: "остался", englishSingle: "day",
	}
)

type quantity struct {
	n int
	w unitWords
}

// FormatLeft says how long until due, or how long it is overdue, in the
// user's language ("ru" unless lang starts with "en"): «осталось 2 часа»,
// «остался 1 час 5 минут», «осталась 21 минута», «просрочено на 5 минут»,
// «просрочено на 3 дня»; "2 hours left", "overdue by 5 minutes".
//
// Under a day it shows hours and minutes, from one to two days a day and
// hours, beyond that whole days. The verb agrees with the first number as
// Russian grammar wants («остался 1 час», «осталась 1 минута», «осталось
// 5 минут»); after «просрочено на» the nouns take the accusative («на 1 минуту»).
// English plurals come from go-humanize; its rules are English-only (one vs
// other), so Russian uses PluralRU.
func FormatLeft(lang string, due, now time.Time) string {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	left := due.Sub(now)
	overdue := left < 0
	if overdue {
		left = -left
	}
	left = left.Truncate(time.Minute)
	if left < time.Minute {
		switch {
		case en && overdue:
			return "overdue by less than a minute"
		case en:
			return "less than a minute left"
		case overdue:
			return "просрочено меньше чем на минуту"
		default:
			return "осталось меньше минуты"
		}
	}
	days := int(left / day)
	hours := int(left % day / time.Hour)
	mins := int(left % time.Hour / time.Minute)
	var qs []quantity
	switch {
	case days >= 2:
		qs = []quantity{{days, dayWords}}
	case days == 1:
		qs = []quantity{{1, dayWords}, {hours, hourWords}}
	case hours > 0:
		qs = []quantity{{hours, hourWords}, {mins, minuteWords}}
	default:
		qs = []quantity{{mins, minuteWords}}
	}
	if len(qs) == 2 && qs[1].n == 0 {
		qs = qs[:1]
	}
	var b strings.Builder
	if en {
		if overdue {
			b.WriteString("overdue by ")
		}
		for i, q := range qs {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(english.Plural(q.n, q.w.englishSingle, ""))
		}
		if !overdue {
			b.WriteString(" left")
		}
		return b.String()
	}
	if overdue {
		b.WriteString("просрочено на")
	} else {
		b.WriteString(PluralRU(qs[0].n, qs[0].w.leftSingular, "осталось", "осталось"))
	}
	for _, q := range qs {
		forms := q.w.nom
		if overdue {
			forms = q.w.acc
		}
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(q.n))
		b.WriteByte(' ')
		b.WriteString(PluralRU(q.n, forms[0], forms[1], forms[2]))
	}
	return b.String()
}
