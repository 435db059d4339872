package sla

import (
	"math/rand/v2"
	"testing"
	"time"
)

var msk = Moscow()

func at(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, msk) }

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func defaultClock() *Clock { return NewClock(DefaultCalendar(), DefaultWorkHours(), nil) }

func TestMoscowIsUTCPlus3(t *testing.T) {
	for _, when := range []time.Time{time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)} {
		if _, off := when.In(Moscow()).Zone(); off != 3*3600 {
			t.Errorf("offset at %v = %d, want %d (no DST)", when, off, 3*3600)
		}
	}
}

func TestAdd(t *testing.T) {
	yekt := zone(t, "Asia/Yekaterinburg")
	office := NewClock(DefaultCalendar(), OfficeHours(), nil)
	tests := []struct {
		name  string
		clock *Clock
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within a day", nil, at(2025, 11, 24, 10, 0), 2 * time.Hour, at(2025, 11, 24, 12, 0)},
		{"across the night", nil, at(2025, 11, 24, 17, 0), 2 * time.Hour, at(2025, 11, 25, 10, 0)},
		{"ends exactly at close", nil, at(2025, 11, 24, 9, 0), 9 * time.Hour, at(2025, 11, 24, 18, 0)},
		{"starts exactly at close", nil, at(2025, 11, 24, 18, 0), time.Hour, at(2025, 11, 25, 10, 0)},
		{"before opening", nil, at(2025, 11, 25, 7, 30), 30 * time.Minute, at(2025, 11, 25, 9, 30)},
		{"across the weekend", nil, at(2025, 11, 21, 17, 0), 2 * time.Hour, at(2025, 11, 24, 10, 0)},
		{"created on Saturday", nil, at(2025, 11, 22, 12, 0), time.Hour, at(2025, 11, 24, 10, 0)},
		{"month boundary", nil, at(2025, 9, 30, 17, 0), 3 * time.Hour, at(2025, 10, 1, 11, 0)},
		{"several days", nil, at(2025, 11, 24, 9, 0), 27 * time.Hour, at(2025, 11, 26, 18, 0)},
		// 31 Dec 2025 is a transferred day off, 1–8 Jan holidays, 9 Jan transferred, 10–11 weekend.
		{"New Year block and year boundary", nil, at(2025, 12, 30, 17, 0), 4 * time.Hour, at(2026, 1, 12, 12, 0)},
		{"into the New Year block from the last day", nil, at(2026, 12, 30, 16, 0), 3 * time.Hour, at(2027, 1, 11, 10, 0)},
		{"May holidays 2025", nil, at(2025, 4, 30, 16, 0), 2 * time.Hour, at(2025, 5, 5, 10, 0)},
		// 1 Nov 2025 is a working Saturday, shortened to 17:00 before the holidays.
		{"into the working Saturday", nil, at(2025, 10, 31, 17, 30), 2 * time.Hour, at(2025, 11, 1, 10, 30)},
		{"off the short working Saturday", nil, at(2025, 11, 1, 16, 30), time.Hour, at(2025, 11, 5, 9, 30)},
		{"pre-holiday Friday ends at 17:00", nil, at(2025, 3, 7, 16, 0), 2 * time.Hour, at(2025, 3, 10, 10, 0)},
		{"pre-holiday Thursday 2026", nil, at(2026, 4, 30, 16, 30), time.Hour, at(2026, 5, 4, 9, 30)},
		{"automatic transfer 9 March 2026", nil, at(2026, 3, 6, 17, 0), 2 * time.Hour, at(2026, 3, 10, 10, 0)},
		{"created in Yekaterinburg", nil, time.Date(2025, 11, 24, 19, 30, 0, 0, yekt), time.Hour, at(2025, 11, 25, 9, 30)},
		{"created in UTC", nil, time.Date(2025, 11, 24, 5, 0, 0, 0, time.UTC), time.Hour, at(2025, 11, 24, 10, 0)},
		{"zero adds nothing", nil, at(2025, 11, 22, 3, 0), 0, at(2025, 11, 22, 3, 0)},
		{"office lunch", office, at(2025, 11, 24, 12, 30), time.Hour, at(2025, 11, 24, 14, 18)},
		{"office Friday closes 16:45", office, at(2025, 11, 28, 16, 0), time.Hour, at(2025, 12, 1, 9, 15)},
		{"office pre-holiday Friday closes 15:45", office, at(2025, 3, 7, 15, 0), time.Hour, at(2025, 3, 10, 9, 15)},
		{"provisional 2027: 3 May is a day off", nil, at(2027, 4, 30, 16, 0), 2 * time.Hour, at(2027, 5, 4, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.clock
			if c == nil {
				c = defaultClock()
			}
			got := c.Add(tt.start, tt.d)
			if !got.Equal(tt.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", tt.start, tt.d, got.In(msk), tt.want)
			}
			if got.Location() != c.Location() && tt.d > 0 {
				t.Errorf("result zone %v, want the clock's %v", got.Location(), c.Location())
			}
		})
	}
}

func TestAddDays(t *testing.T) {
	c := defaultClock()
	tests := []struct {
		name    string
		start   time.Time
		n       int
		working bool
		want    time.Time
	}{
		{"next working day", at(2025, 11, 24, 10, 0), 1, true, at(2025, 11, 25, 18, 0)},
		{"over the weekend", at(2025, 11, 28, 10, 0), 1, true, at(2025, 12, 1, 18, 0)},
		{"created on Sunday", at(2025, 11, 30, 23, 0), 1, true, at(2025, 12, 1, 18, 0)},
		{"over the New Year block", at(2025, 12, 30, 10, 0), 1, true, at(2026, 1, 12, 18, 0)},
		{"ten working days", at(2025, 11, 24, 10, 0), 10, true, at(2025, 12, 8, 18, 0)},
		{"working Saturday counts, short", at(2025, 10, 31, 10, 0), 1, true, at(2025, 11, 1, 17, 0)},
		{"30 calendar days", at(2025, 11, 24, 10, 0), 30, false, at(2025, 12, 24, 18, 0)},
		{"30 calendar days end in the holidays", at(2025, 12, 5, 10, 0), 30, false, at(2026, 1, 12, 18, 0)},
		{"30 calendar days end on the working Saturday", at(2025, 10, 2, 10, 0), 30, false, at(2025, 11, 1, 17, 0)},
		{"30 calendar days over February", at(2026, 1, 30, 10, 0), 30, false, at(2026, 3, 2, 18, 0)},
		{"zero", at(2025, 11, 24, 10, 0), 0, true, at(2025, 11, 24, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddDays(tt.start, tt.n, tt.working); !got.Equal(tt.want) {
				t.Errorf("AddDays(%v, %d, %v) = %v, want %v", tt.start, tt.n, tt.working, got.In(msk), tt.want)
			}
		})
	}
}

func TestWorkingBetween(t *testing.T) {
	c := defaultClock()
	tests := []struct {
		a, b time.Time
		want time.Duration
	}{
		{at(2025, 11, 24, 10, 0), at(2025, 11, 25, 10, 0), 9 * time.Hour},
		{at(2025, 11, 21, 17, 0), at(2025, 11, 24, 10, 0), 2 * time.Hour},
		{at(2025, 11, 24, 10, 0), at(2025, 11, 24, 10, 0), 0},
		{at(2025, 11, 25, 10, 0), at(2025, 11, 24, 10, 0), 0},
		{at(2025, 12, 31, 0, 0), at(2026, 1, 12, 0, 0), 0},
		{at(2025, 11, 1, 0, 0), at(2025, 11, 2, 0, 0), 8 * time.Hour},
	}
	for _, tt := range tests {
		if got := c.WorkingBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("WorkingBetween(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// The official norm of hours for a 40-hour week (8-hour days, an hour less
// before holidays) is published with each decree; the clock must reproduce it.
func TestYearNormHours(t *testing.T) {
	var eight WorkHours
	for d := time.Monday; d <= time.Friday; d++ {
		eight.Week[d] = []Span{{9 * time.Hour, 17 * time.Hour}}
	}
	eight.ShortenBy = time.Hour
	c := NewClock(DefaultCalendar(), eight, nil)
	for _, tt := range []struct {
		year        int
		days, hours int
	}{
		{2025, 247, 1972},
		{2026, 247, 1972},
		{2027, 249, 1987}, // provisional: before the decree moves 2 and 3 January
	} {
		got := c.WorkingBetween(at(tt.year, 1, 1, 0, 0), at(tt.year+1, 1, 1, 0, 0))
		if got != time.Duration(tt.hours)*time.Hour {
			t.Errorf("%d: %v of work, want %dh", tt.year, got, tt.hours)
		}
		days := 0
		for d := at(tt.year, 1, 1, 0, 0); d.Year() == tt.year; d = d.AddDate(0, 0, 1) {
			if c.Calendar().Day(d).Working {
				days++
			}
		}
		if days != tt.days {
			t.Errorf("%d: %d working days, want %d", tt.year, days, tt.days)
		}
	}
}

// Adding working time and then measuring it must give the same amount back.
func TestAddWorkingBetweenRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []*Clock{defaultClock(), NewClock(DefaultCalendar(), OfficeHours(), nil)} {
		for i := 0; i < 500; i++ {
			start := at(2025, 1, 1, 0, 0).Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
			d := time.Duration(r.Int64N(int64(60*time.Hour))) + time.Minute
			end := c.Add(start, d)
			if got := c.WorkingBetween(start, end); got != d {
				t.Fatalf("WorkingBetween(%v, Add(start, %v)=%v) = %v", start, d, end, got)
			}
			if !c.IsWorking(end.Add(-time.Nanosecond)) {
				t.Fatalf("Add(%v, %v) = %v ends outside working time", start, d, end)
			}
		}
	}
}

func TestIsWorking(t *testing.T) {
	c := defaultClock()
	yekt := zone(t, "Asia/Yekaterinburg")
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at(2025, 11, 24, 9, 0), true},
		{at(2025, 11, 24, 8, 59), false},
		{at(2025, 11, 24, 17, 59), true},
		{at(2025, 11, 24, 18, 0), false},
		{at(2025, 11, 1, 16, 59), true},
		{at(2025, 11, 1, 17, 0), false},
		{at(2025, 11, 2, 12, 0), false},
		{at(2026, 1, 5, 12, 0), false},
		{at(2026, 1, 9, 12, 0), false},
		{time.Date(2025, 11, 24, 19, 30, 0, 0, yekt), true}, // 17:30 in Moscow
		{time.Date(2025, 11, 24, 10, 30, 0, 0, yekt), false},
	}
	for _, tt := range tests {
		if got := c.IsWorking(tt.t); got != tt.want {
			t.Errorf("IsWorking(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestWorkHoursValidate(t *testing.T) {
	bad := map[string]func(*WorkHours){
		"reversed":      func(h *WorkHours) { h.Week[time.Monday] = []Span{{18 * time.Hour, 9 * time.Hour}} },
		"past midnight": func(h *WorkHours) { h.Week[time.Tuesday] = []Span{{20 * time.Hour, 25 * time.Hour}} },
		"overlap": func(h *WorkHours) {
			h.Week[time.Monday] = []Span{{9 * time.Hour, 13 * time.Hour}, {12 * time.Hour, 18 * time.Hour}}
		},
		"empty":        func(h *WorkHours) { *h = WorkHours{} },
		"no Monday":    func(h *WorkHours) { h.Week[time.Monday] = nil },
		"huge cut":     func(h *WorkHours) { h.ShortenBy = 5 * time.Hour },
		"negative cut": func(h *WorkHours) { h.ShortenBy = -time.Hour },
	}
	for name, breakIt := range bad {
		h := DefaultWorkHours()
		breakIt(&h)
		if err := h.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil, want an error", name)
		}
	}
	for _, h := range []WorkHours{DefaultWorkHours(), OfficeHours()} {
		if err := h.Validate(); err != nil {
			t.Errorf("Validate() = %v on a shipped schedule", err)
		}
	}
}

// An office with Saturday duty counts plain Saturdays, but never holidays.
func TestWeekendDuty(t *testing.T) {
	h := DefaultWorkHours()
	h.Week[time.Saturday] = []Span{{10 * time.Hour, 14 * time.Hour}}
	c := NewClock(DefaultCalendar(), h, nil)
	if got, want := c.Add(at(2025, 11, 21, 17, 0), 2*time.Hour), at(2025, 11, 22, 11, 0); !got.Equal(want) {
		t.Errorf("Saturday duty: got %v, want %v", got, want)
	}
	if c.IsWorking(at(2026, 1, 3, 11, 0)) {
		t.Error("3 January 2026 is a holiday even for Saturday duty")
	}
}

func TestNewClockFallbacks(t *testing.T) {
	c := NewClock(nil, WorkHours{}, nil)
	if c.Location().String() != msk.String() {
		t.Errorf("location %v, want Moscow", c.Location())
	}
	// Invalid hours fall back to 9–18; a nil calendar to the Labour Code rules.
	if got, want := c.Add(at(2030, 1, 8, 12, 0), time.Hour), at(2030, 1, 9, 10, 0); !got.Equal(want) {
		t.Errorf("fallback clock: got %v, want %v", got, want)
	}
}
