package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"otklik/assets"
	"otklik/data"
)

// Unit says how a rule's amount is counted.
type Unit string

const (
	WorkingHours Unit = "working_hours" // working time by Clock.Add
	WorkingDays  Unit = "working_days"  // whole working days by Clock.AddDays
	CalendarDays Unit = "calendar_days" // calendar days, moved off a non-working last day
)

// Duration is an amount in a rule: a Go duration ("4h", "90m") or whole days
// ("1d", "30d"). Days-counted units need whole days.
type Duration time.Duration

const day = 24 * time.Hour

// Days is the amount in whole days, truncated.
func (d Duration) Days() int { return int(time.Duration(d) / day) }

// String gives "30d" for whole days and "4h30m" otherwise.
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%day == 0 {
		return strconv.Itoa(int(td/day)) + "d"
	}
	if td == 0 {
		return "0"
	}
	s := td.String() // "4h0m0s"
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseDuration reads the form String writes; "" and "0" are zero.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 || v > 3660 {
			return 0, fmt.Errorf("duration %q: want whole days such as \"30d\"", s)
		}
		return Duration(time.Duration(v) * day), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want such as \"4h\", \"90m\" or \"30d\"", s)
	}
	return Duration(d), nil
}

// MarshalJSON writes the text form.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads the text form.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string such as \"4h\" or \"30d\", got %s", b)
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Rule gives the deadlines for messages of one platform and topic. An empty
// Platform or Category matches any. A zero amount means no such deadline.
type Rule struct {
	Platform          data.Platform `json:"platform,omitempty"`
	Category          string        `json:"category,omitempty"`
	FirstResponse     Duration      `json:"first_response"`
	FirstResponseUnit Unit          `json:"first_response_unit,omitempty"` // default working_hours
	Answer            Duration      `json:"answer"`
	AnswerUnit        Unit          `json:"answer_unit"`
	Note              string        `json:"note,omitempty"` // why this norm, shown in Настройки
}

// Rules is the editable rule set; the most specific matching rule wins.
type Rules []Rule

// rulesFile is the shape of assets/sla_rules.json.
type rulesFile struct {
	Note  string `json:"note,omitempty"`
	Rules Rules  `json:"rules"`
}

// maxRulesBytes bounds a rules file; real ones are a few kilobytes.
const maxRulesBytes = 1 << 20

// ParseRules reads a rules file ({"rules": […]}) and validates it.
func ParseRules(r io.Reader) (Rules, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxRulesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxRulesBytes {
		return nil, fmt.Errorf("sla rules: file larger than %d bytes", maxRulesBytes)
	}
	var f rulesFile
	if err := strictJSON(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), &f); err != nil {
		return nil, fmt.Errorf("sla rules: %w", err)
	}
	if err := f.Rules.Validate(); err != nil {
		return nil, err
	}
	return f.Rules, nil
}

// WriteJSON writes rules in the form ParseRules reads, for Настройки to save.
func (rs Rules) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(rulesFile{Rules: rs}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

var (
	defaultRulesOnce sync.Once
	defaultRules     Rules
	defaultRulesErr  error
)

// DefaultRules are the norms shipped in assets/sla_rules.json (each rule's
// note says where it comes from). It returns a fresh copy each call and
// panics if the embedded file is broken, which the package tests rule out.
func DefaultRules() Rules {
	defaultRulesOnce.Do(func() {
		f, err := assets.FS.Open("sla_rules.json")
		if err != nil {
			defaultRulesErr = err
			return
		}
		defer f.Close()
		defaultRules, defaultRulesErr = ParseRules(f)
	})
	if defaultRulesErr != nil {
		panic(defaultRulesErr)
	}
	return append(Rules(nil), defaultRules...)
}

func validUnit(u Unit) bool { return u == WorkingHours || u == WorkingDays || u == CalendarDays }

// Validate reports the first problem; the messages name the rule by number
// (from 1) so Настройки can point at it.
func (rs Rules) Validate() error {
	seen := map[[2]string]int{}
	hasDefault := false
	for i, r := range rs {
		n := i + 1
		if r.Platform != "" && !r.Platform.Valid() {
			return fmt.Errorf("sla rule %d: unknown platform %q", n, r.Platform)
		}
		if strings.TrimSpace(r.Category) != r.Category {
			return fmt.Errorf("sla rule %d: category %q has spaces around it", n, r.Category)
		}
		key := [2]string{string(r.Platform), r.Category}
		if prev, dup := seen[key]; dup {
			return fmt.Errorf("sla rule %d: same platform and category as rule %d", n, prev)
		}
		seen[key] = n
		if r.Platform == "" && r.Category == "" {
			hasDefault = true
		}
		if r.FirstResponse == 0 && r.Answer == 0 {
			return fmt.Errorf("sla rule %d: neither a first response nor an answer deadline", n)
		}
		if err := checkAmount(r.FirstResponse, r.FirstResponseUnit, true); err != nil {
			return fmt.Errorf("sla rule %d: first response: %w", n, err)
		}
		if err := checkAmount(r.Answer, r.AnswerUnit, false); err != nil {
			return fmt.Errorf("sla rule %d: answer: %w", n, err)
		}
	}
	if !hasDefault {
		return errors.New("sla rules: no default rule (empty platform and category)")
	}
	return nil
}

func checkAmount(d Duration, u Unit, unitOptional bool) error {
	if u == "" && (unitOptional || d == 0) {
		u = WorkingHours
	}
	if !validUnit(u) {
		return fmt.Errorf("unit %q, want working_hours, working_days or calendar_days", u)
	}
	td := time.Duration(d)
	switch {
	case td < 0:
		return errors.New("negative amount")
	case u == WorkingHours && (td%time.Minute != 0 || td > 1000*time.Hour):
		return fmt.Errorf("%s: want whole minutes up to 1000h", d)
	case u != WorkingHours && (td%day != 0 || td > 366*day):
		return fmt.Errorf("%s: want whole days (\"10d\") up to 366", d)
	}
	return nil
}

// Match finds the most specific rule: platform and category, then platform
// alone, then category alone, then the default.
func (rs Rules) Match(platform data.Platform, category string) (Rule, bool) {
	best, bestScore := -1, -1
	for i, r := range rs {
		if (r.Platform != "" && r.Platform != platform) || (r.Category != "" && r.Category != category) {
			continue
		}
		score := 0
		if r.Platform != "" {
			score += 2
		}
		if r.Category != "" {
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return Rule{}, false
	}
	return rs[best], true
}

// Deadlines computes a message's first-response and answer deadlines from
// its creation time; a zero time means no such deadline applies.
func (c *Clock) Deadlines(rules Rules, platform data.Platform, category string, created time.Time) (firstResponse, answer time.Time) {
	if created.IsZero() {
		return time.Time{}, time.Time{}
	}
	r, ok := rules.Match(platform, category)
	if !ok {
		return time.Time{}, time.Time{}
	}
	return c.due(created, r.FirstResponse, r.FirstResponseUnit), c.due(created, r.Answer, r.AnswerUnit)
}

func (c *Clock) due(created time.Time, d Duration, u Unit) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	switch u {
	case WorkingDays:
		return c.AddDays(created, d.Days(), true)
	case CalendarDays:
		return c.AddDays(created, d.Days(), false)
	default:
		return c.Add(created, time.Duration(d))
	}
}
