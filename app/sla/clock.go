package sla

import (
	"errors"
	"fmt"
	"sort"
	"time"
	_ "time/tzdata" // Windows laptops often lack a zone database; Moscow must always resolve.
)

// Moscow is the region's zone. Europe/Moscow has been UTC+3 without DST since
// 2014; the fixed zone is the fallback should the database ever be missing.
func Moscow() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}

// Span is a stretch of working time within a day, as offsets from midnight.
type Span struct {
	From, To time.Duration
}

// WorkHours is the office's working schedule.
type WorkHours struct {
	// Week holds the working spans per weekday, indexed by time.Weekday;
	// an empty entry is a day off. A weekend made working by the calendar
	// (a transferred working Saturday) uses Monday's spans.
	Week [7][]Span
	// ShortenBy is cut from the end of a pre-holiday day (art. 95 of the
	// Labour Code: one hour).
	ShortenBy time.Duration
}

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// DefaultWorkHours is the simple default: Monday to Friday 9:00–18:00 without
// a lunch break (the press office answers residents over lunch too), and an
// hour less on pre-holiday days.
func DefaultWorkHours() WorkHours {
	var h WorkHours
	for d := time.Monday; d <= time.Friday; d++ {
		h.Week[d] = []Span{{hm(9, 0), hm(18, 0)}}
	}
	h.ShortenBy = time.Hour
	return h
}

// OfficeHours is the regional administration's official schedule: Monday to
// Thursday 9:00–18:00, Friday 9:00–16:45, lunch 13:00–13:48. Offices that
// count deadlines by it choose it in Настройки.
func OfficeHours() WorkHours {
	var h WorkHours
	for d := time.Monday; d <= time.Thursday; d++ {
		h.Week[d] = []Span{{hm(9, 0), hm(13, 0)}, {hm(13, 48), hm(18, 0)}}
	}
	h.Week[time.Friday] = []Span{{hm(9, 0), hm(13, 0)}, {hm(13, 48), hm(16, 45)}}
	h.ShortenBy = time.Hour
	return h
}

// Validate reports the first problem in a schedule typed by a user.
func (h WorkHours) Validate() error {
	hasTime := false
	for wd, spans := range h.Week {
		sorted := append([]Span(nil), spans...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].From < sorted[j].From })
		for i, s := range sorted {
			if s.From < 0 || s.To > 24*time.Hour || s.From >= s.To {
				return fmt.Errorf("work hours %s: span %s–%s is not within one day", time.Weekday(wd), clockText(s.From), clockText(s.To))
			}
			if i > 0 && s.From < sorted[i-1].To {
				return fmt.Errorf("work hours %s: spans overlap at %s", time.Weekday(wd), clockText(s.From))
			}
			hasTime = true
		}
	}
	if !hasTime {
		return errors.New("work hours: no working time in the week")
	}
	if h.ShortenBy < 0 || h.ShortenBy > 4*time.Hour {
		return fmt.Errorf("work hours: pre-holiday cut %v out of range 0–4h", h.ShortenBy)
	}
	if len(h.Week[time.Monday]) == 0 {
		return errors.New("work hours: Monday needs hours, transferred working weekends use them")
	}
	return nil
}

func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Clock adds and measures working time in the region's zone.
type Clock struct {
	cal   *Calendar
	hours WorkHours
	loc   *time.Location
}

// NewClock builds a clock. A nil cal uses the Labour Code fallback for every
// year, a nil loc uses Moscow(), and hours that fail Validate are replaced
// by DefaultWorkHours — check user input with Validate before calling.
func NewClock(cal *Calendar, hours WorkHours, loc *time.Location) *Clock {
	if cal == nil {
		cal, _ = NewCalendar()
	}
	if loc == nil {
		loc = Moscow()
	}
	if hours.Validate() != nil {
		hours = DefaultWorkHours()
	}
	for wd := range hours.Week {
		s := append([]Span(nil), hours.Week[wd]...)
		sort.Slice(s, func(i, j int) bool { return s[i].From < s[j].From })
		hours.Week[wd] = s
	}
	return &Clock{cal: cal, hours: hours, loc: loc}
}

// Location is the zone the clock counts in.
func (c *Clock) Location() *time.Location { return c.loc }

// Calendar is the production calendar the clock uses.
func (c *Clock) Calendar() *Calendar { return c.cal }

type interval struct{ from, to time.Time }

// maxScanDays stops a search that can never succeed; with valid hours every
// week has working time, so it is never reached in practice.
const maxScanDays = 3 * 366

// intervals returns the working intervals of the date y-m-d in the clock's zone.
func (c *Clock) intervals(y int, m time.Month, d int) []interval {
	midnight := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	day := c.cal.Day(midnight)
	wd := midnight.Weekday()
	spans := c.hours.Week[wd]
	switch {
	case day.Weekend:
		// A plain weekend: working only for an office that keeps weekend hours.
	case !day.Working:
		return nil
	case len(spans) == 0 && (wd == time.Saturday || wd == time.Sunday):
		spans = c.hours.Week[time.Monday] // a transferred working weekend
	}
	if len(spans) == 0 {
		return nil
	}
	spans = append([]Span(nil), spans...)
	if day.Short {
		cut := c.hours.ShortenBy
		for i := len(spans) - 1; i >= 0 && cut > 0; i-- {
			l := spans[i].To - spans[i].From
			if l > cut {
				spans[i].To -= cut
				break
			}
			cut -= l
			spans = spans[:i]
		}
	}
	out := make([]interval, 0, len(spans))
	for _, s := range spans {
		out = append(out, interval{c.at(y, m, d, s.From), c.at(y, m, d, s.To)})
	}
	return out
}

// at builds a wall-clock time, which stays right in zones with DST too.
func (c *Clock) at(y int, m time.Month, d int, off time.Duration) time.Time {
	return time.Date(y, m, d, int(off/time.Hour), int(off%time.Hour/time.Minute), int(off%time.Minute/time.Second), 0, c.loc)
}

// Add returns the moment when d of working time has passed after start.
// A result that lands exactly on the end of a working span stays there
// (9:00 + 9h is 18:00 the same day, not 9:00 the next). d ≤ 0 returns start.
func (c *Clock) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	t := start.In(c.loc)
	y, m, day := t.Date()
	for i := 0; i < maxScanDays; i++ {
		for _, iv := range c.intervals(y, m, day+i) {
			if !iv.to.After(t) {
				continue
			}
			from := iv.from
			if t.After(from) {
				from = t
			}
			avail := iv.to.Sub(from)
			if d <= avail {
				return from.Add(d)
			}
			d -= avail
		}
	}
	return time.Time{}
}

// AddDays counts n days after start's date, the way legal terms run (art.
// 191 and 193 of the Civil Code): the day of start does not count, and the
// term ends at the close of working hours of the last day.
//
// working=true counts n working days. working=false counts n calendar days
// and, when the last one is not a working day, moves the end to the next
// working day. n ≤ 0 returns start.
func (c *Clock) AddDays(start time.Time, n int, working bool) time.Time {
	if n <= 0 {
		return start
	}
	t := start.In(c.loc)
	y, m, d := t.Date()
	i := 1
	if !working {
		i = n
	}
	left := n
	for ; i < maxScanDays+n; i++ {
		ivs := c.intervals(y, m, d+i)
		if working {
			if len(ivs) == 0 {
				continue
			}
			if left--; left > 0 {
				continue
			}
		} else if len(ivs) == 0 {
			continue
		}
		return ivs[len(ivs)-1].to
	}
	return time.Time{}
}

// WorkingBetween is the working time within [a, b); zero when b is not after a.
func (c *Clock) WorkingBetween(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	a, b = a.In(c.loc), b.In(c.loc)
	y, m, d := a.Date()
	var sum time.Duration
	for i := 0; ; i++ {
		ivs := c.intervals(y, m, d+i)
		day := time.Date(y, m, d+i, 0, 0, 0, 0, c.loc)
		if !day.Before(b) {
			break
		}
		for _, iv := range ivs {
			from, to := iv.from, iv.to
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}

// IsWorking reports whether t falls within working hours.
func (c *Clock) IsWorking(t time.Time) bool {
	t = t.In(c.loc)
	y, m, d := t.Date()
	for _, iv := range c.intervals(y, m, d) {
		if !t.Before(iv.from) && t.Before(iv.to) {
			return true
		}
	}
	return false
}
