package ui

import (
	"time"

	"otklik/app/sla"
)

// deadlineLeft says how long until due, or by how much it is overdue, with
// the core's wording and Russian plural rules: «осталось 2 часа», «остался
// 1 час 5 минут», «просрочено на 5 минут»; in English "2 hours left". A
// deadline is overdue once due is before now, as the store counts it.
func deadlineLeft(now, due time.Time) (text string, overdue bool) {
	if due.IsZero() {
		return "", false
	}
	return sla.FormatLeft(currentLang, due, now), due.Before(now)
}
