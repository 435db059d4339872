// Package sla computes reply deadlines in the office's working time: working
// hours per weekday, the official Russian production calendar (holidays,
// transferred days off, working Saturdays, pre-holiday short days) and the
// deadline rules by platform and topic. All wall-clock arithmetic happens in
// the region's zone (Europe/Moscow), whatever zone the laptop is set to.
package sla

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"sync"
	"time"

	"otklik/assets"
)

// Day types in a calendar file.
const (
	TypeHoliday = "holiday" // нерабочий праздничный день (ст. 112 ТК РФ)
	TypeOff     = "off"     // выходной, перенесённый на будний день
	TypeWork    = "work"    // рабочая суббота или воскресенье (перенос)
	TypeShort   = "short"   // предпраздничный рабочий день, короче на час
)

// Year statuses.
const (
	StatusOfficial    = "official"    // from the government decree
	StatusProvisional = "provisional" // fixed holidays only; the decree is not yet known
)

// Year is one year of the production calendar as stored in
// assets/calendar_ru_YYYY.json: only the days that differ from a plain
// Monday–Friday week are listed.
type Year struct {
	Year   int        `json:"year"`
	Status string     `json:"status"`
	Source string     `json:"source"`
	Note   string     `json:"note,omitempty"`
	Days   []DayEntry `json:"days"`
}

// DayEntry is one listed day of a Year.
type DayEntry struct {
	Date string `json:"date"` // YYYY-MM-DD
	Type string `json:"type"` // holiday, off, work, short
	Name string `json:"name,omitempty"`
}

// Day is what the calendar says about one date.
type Day struct {
	Working bool   // a working day of the five-day week
	Weekend bool   // a plain Saturday or Sunday that no decree moved
	Short   bool   // pre-holiday day: working hours end an hour earlier
	Holiday bool   // an official non-working holiday (not merely a weekend)
	Name    string // «Новогодние каникулы», «Перенос выходного с 4 января»…
}

// Calendar answers which days are working. Years loaded from data win; any
// other year falls back to FixedHolidays (the Labour Code's fixed holidays
// with automatic transfers), so the clock never stops at a year boundary.
// A Calendar is safe for concurrent use.
type Calendar struct {
	mu       sync.RWMutex
	years    map[int]Year
	tables   map[int]map[int]Day // loaded years, key month*32+day
	fallback map[int]map[int]Day // generated on demand
}

// NewCalendar builds a calendar from the given years after validating each.
func NewCalendar(years ...Year) (*Calendar, error) {
	c := &Calendar{years: map[int]Year{}, tables: map[int]map[int]Day{}, fallback: map[int]map[int]Day{}}
	for _, y := range years {
		if err := c.add(y); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Calendar) add(y Year) error {
	t, err := y.table()
	if err != nil {
		return err
	}
	if _, dup := c.years[y.Year]; dup {
		return fmt.Errorf("calendar: year %d given twice", y.Year)
	}
	c.years[y.Year] = y
	c.tables[y.Year] = t
	return nil
}

// Merge adds or replaces the years of other in c: importing a newer file for
// a year (say, the official 2027 decree over the provisional data) replaces it.
func (c *Calendar) Merge(other *Calendar) {
	if other == nil || other == c {
		return
	}
	other.mu.RLock()
	defer other.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for n, y := range other.years {
		c.years[n] = y
		c.tables[n] = other.tables[n]
	}
}

// Years lists the years loaded from data, ascending.
func (c *Calendar) Years() []int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// Year returns a loaded year; ok is false when the year comes from the
// fallback rules only.
func (c *Calendar) Year(year int) (y Year, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	y, ok = c.years[year]
	return y, ok
}

// Day describes the date of t (its year, month and day in t's own location).
func (c *Calendar) Day(t time.Time) Day {
	y, m, d := t.Date()
	key := int(m)*32 + d
	c.mu.RLock()
	tab, ok := c.tables[y]
	if !ok {
		tab, ok = c.fallback[y]
	}
	c.mu.RUnlock()
	if !ok {
		fy := FixedHolidays(y)
		var err error
		if tab, err = fy.table(); err != nil {
			// FixedHolidays produces valid data by construction; a failure here is a bug.
			panic(err)
		}
		c.mu.Lock()
		c.fallback[y] = tab
		c.mu.Unlock()
	}
	if day, ok := tab[key]; ok {
		return day
	}
	wd := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()
	weekend := wd == time.Saturday || wd == time.Sunday
	return Day{Working: !weekend, Weekend: weekend}
}

// table validates the year and turns it into a lookup table.
func (y Year) table() (map[int]Day, error) {
	if y.Year < 1992 || y.Year > 2200 {
		return nil, fmt.Errorf("calendar: year %d out of range", y.Year)
	}
	switch y.Status {
	case StatusOfficial, StatusProvisional:
	default:
		return nil, fmt.Errorf("calendar %d: status %q, want %q or %q", y.Year, y.Status, StatusOfficial, StatusProvisional)
	}
	tab := make(map[int]Day, len(y.Days))
	for _, e := range y.Days {
		d, err := time.Parse(time.DateOnly, e.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar %d: date %q: want YYYY-MM-DD", y.Year, e.Date)
		}
		if d.Year() != y.Year {
			return nil, fmt.Errorf("calendar %d: date %s belongs to another year", y.Year, e.Date)
		}
		key := int(d.Month())*32 + d.Day()
		if _, dup := tab[key]; dup {
			return nil, fmt.Errorf("calendar %d: date %s listed twice", y.Year, e.Date)
		}
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		var day Day
		switch e.Type {
		case TypeHoliday:
			day = Day{Holiday: true}
		case TypeOff:
			if weekend {
				return nil, fmt.Errorf("calendar %d: %s is a weekend already, cannot be a transferred day off", y.Year, e.Date)
			}
		case TypeWork:
			if !weekend {
				return nil, fmt.Errorf("calendar %d: %s is a weekday, a working day already", y.Year, e.Date)
			}
			day = Day{Working: true}
		case TypeShort:
			day = Day{Working: true, Short: true}
		default:
			return nil, fmt.Errorf("calendar %d: date %s: type %q, want holiday, off, work or short", y.Year, e.Date, e.Type)
		}
		day.Name = e.Name
		tab[key] = day
	}
	return tab, nil
}

// fixedHoliday is a non-working holiday of art. 112 of the Labour Code.
type fixedHoliday struct {
	month time.Month
	day   int
	name  string
}

var fixedHolidays = []fixedHoliday{
	{time.January, 1, "Новогодние каникулы"},
	{time.January, 2, "Новогодние каникулы"},
	{time.January, 3, "Новогодние каникулы"},
	{time.January, 4, "Новогодние каникулы"},
	{time.January, 5, "Новогодние каникулы"},
	{time.January, 6, "Новогодние каникулы"},
	{time.January, 7, "Рождество Христово"},
	{time.January, 8, "Новогодние каникулы"},
	{time.February, 23, "День защитника Отечества"},
	{time.March, 8, "Международный женский день"},
	{time.May, 1, "Праздник Весны и Труда"},
	{time.May, 9, "День Победы"},
	{time.June, 12, "День России"},
	{time.November, 4, "День народного единства"},
}

func isFixedHoliday(d time.Time) (string, bool) {
	for _, h := range fixedHolidays {
		if d.Month() == h.month && d.Day() == h.day {
			return h.name, true
		}
	}
	return "", false
}

// FixedHolidays derives a year from the Labour Code alone (art. 112, 95):
// the fixed holidays; a holiday other than the January ones that falls on a
// weekend moves the day off to the next working day; the working day right
// before a holiday is an hour shorter. The government decree for a year can
// move days further (the January weekend holidays especially); until it is
// loaded, this is the best available answer, marked provisional.
func FixedHolidays(year int) Year {
	y := Year{
		Year:   year,
		Status: StatusProvisional,
		Source: "ТК РФ, ст. 112 и 95: нерабочие праздничные дни и автоматический перенос; постановление Правительства о переносе выходных не учтено",
	}
	off := map[int]bool{} // day of year → non-working by holiday or transfer
	date := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	weekend := func(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }
	var entries []DayEntry
	for _, h := range fixedHolidays {
		t := date(h.month, h.day)
		off[t.YearDay()] = true
		entries = append(entries, DayEntry{Date: t.Format(time.DateOnly), Type: TypeHoliday, Name: h.name})
	}
	for _, h := range fixedHolidays {
		t := date(h.month, h.day)
		if h.month == time.January || !weekend(t) {
			continue
		}
		n := t.AddDate(0, 0, 1)
		for weekend(n) || off[n.YearDay()] {
			n = n.AddDate(0, 0, 1)
		}
		off[n.YearDay()] = true
		entries = append(entries, DayEntry{Date: n.Format(time.DateOnly), Type: TypeOff,
			Name: "Выходной перенесён с " + dayMonthRU(t)})
	}
	for _, h := range fixedHolidays {
		prev := date(h.month, h.day).AddDate(0, 0, -1)
		if prev.Year() != year || weekend(prev) || off[prev.YearDay()] {
			continue
		}
		entries = append(entries, DayEntry{Date: prev.Format(time.DateOnly), Type: TypeShort, Name: "Предпраздничный день"})
	}
	// 31 December precedes the next year's 1 January.
	if dec31 := date(time.December, 31); !weekend(dec31) && !off[dec31.YearDay()] {
		entries = append(entries, DayEntry{Date: dec31.Format(time.DateOnly), Type: TypeShort, Name: "Предпраздничный день"})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Date < entries[j].Date })
	y.Days = entries
	return y
}

var monthsGenitiveRU = [...]string{"", "января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

// dayMonthRU formats «4 января».
func dayMonthRU(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), monthsGenitiveRU[t.Month()])
}

// LoadCalendar reads every calendar_ru_*.json in fsys.
func LoadCalendar(fsys fs.FS) (*Calendar, error) {
	names, err := fs.Glob(fsys, "calendar_ru_*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("calendar: no calendar_ru_*.json files")
	}
	c, _ := NewCalendar()
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		one, err := ParseCalendar(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		for _, y := range one.Years() {
			if _, dup := c.years[y]; dup {
				return nil, fmt.Errorf("%s: year %d is also in another file", name, y)
			}
		}
		c.Merge(one)
	}
	return c, nil
}

var (
	defaultCalOnce sync.Once
	defaultCal     *Calendar
	defaultCalErr  error
)

// DefaultCalendar is the production calendar shipped in assets (2025–2027).
// Each call returns a fresh copy, so merging imported years into it does not
// affect other callers. It panics if the embedded data is broken, which the
// package tests rule out.
func DefaultCalendar() *Calendar {
	defaultCalOnce.Do(func() { defaultCal, defaultCalErr = LoadCalendar(assets.FS) })
	if defaultCalErr != nil {
		panic(defaultCalErr)
	}
	c, _ := NewCalendar()
	c.Merge(defaultCal)
	return c
}

// MarshalJSON keeps Year files stable and readable.
func (y Year) MarshalJSON() ([]byte, error) {
	type plain Year
	if y.Days == nil {
		y.Days = []DayEntry{}
	}
	return json.Marshal(plain(y))
}
