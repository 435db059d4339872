// Package plan is the headless logic behind the content calendar: it checks a
// plan against the region's regularity targets for the governor's pages
// (posts a week, longest silence, share of photo and video, a live stream a
// month rotating through the municipalities, every municipality mentioned),
// grades a draft for live language versus канцелярит, and exports the plan
// as an iCalendar file. It never imports Fyne; the calendar view calls it.
package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Windows laptops may lack a zone database; Moscow must always resolve.

	"otklik/assets"
)

// RulesFile is the name of the rules file in the assets folder.
const RulesFile = "plan_rules.json"

// Moscow is the region's zone: UTC+3 without DST since 2014. The fixed zone is
// the fallback should the database be missing; the laptop's zone never matters.
var Moscow = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}()

// AccountRules are the regularity targets for one account. A zero value
// switches a rule off.
type AccountRules struct {
	MinPostsPerWeek  int           // per ISO week, Monday 00:00 Moscow time
	MinPostsPerDay   int           // a planning aid: warns about empty days ahead
	MaxGap           time.Duration // longest allowed silence between consecutive posts
	MinMediaShare    float64       // share of photo/video/live among a week's posts, 0…1
	MinLivePerMonth  int           // live streams per calendar month
	LiveRotation     bool          // live streams visit every municipality once before any repeats
	MentionEveryDays int           // each municipality mentioned at least once per this many days
}

// Municipality is one municipal formation as the calendar names it.
type Municipality struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// Rules are the regularity rules of the whole office.
type Rules struct {
	// Default applies to every account not listed in Accounts; when Accounts
	// is empty it applies to every account seen in the calendar or the feed.
	Default AccountRules
	// Accounts lists the tracked accounts. When it is not empty, only these
	// accounts are checked.
	Accounts map[int64]AccountRules
	// Slots are the times of day (Moscow) suggested for new posts, as
	// offsets from midnight, ascending.
	Slots []time.Duration
	// ApprovalLead is how long before its time an item must be approved.
	ApprovalLead time.Duration
	// Municipalities is the rotation order and the set checked for mentions.
	Municipalities []Municipality
}

// For returns the rules of one account and whether the account is tracked.
func (r Rules) For(accountID int64) (AccountRules, bool) {
	if len(r.Accounts) == 0 {
		return r.Default, true
	}
	ar, ok := r.Accounts[accountID]
	return ar, ok
}

// Municipality returns the municipality with the given code.
func (r Rules) Municipality(code string) (Municipality, bool) {
	for _, m := range r.Municipalities {
		if m.Code == code {
			return m, true
		}
	}
	return Municipality{}, false
}

// accountJSON uses pointers so that an absent field inherits the default
// while an explicit 0 switches the rule off.
type accountJSON struct {
	MinPostsPerWeek  *int     `json:"min_posts_per_week"`
	MinPostsPerDay   *int     `json:"min_posts_per_day"`
	MaxGapHours      *float64 `json:"max_gap_hours"`
	MinMediaShare    *float64 `json:"min_media_share"`
	MinLivePerMonth  *int     `json:"min_live_per_month"`
	LiveRotation     *bool    `json:"live_rotation"`
	MentionEveryDays *int     `json:"mention_every_days"`
}

type rulesJSON struct {
	Defaults          accountJSON            `json:"defaults"`
	Accounts          map[string]accountJSON `json:"accounts"`
	Slots             []string               `json:"slots"`
	ApprovalLeadHours *float64               `json:"approval_lead_hours"`
	Municipalities    []Municipality         `json:"municipalities"`
}

// builtin is what a field falls back to when even "defaults" omits it.
var builtin = AccountRules{
	MinPostsPerWeek:  10,
	MinPostsPerDay:   1,
	MaxGap:           24 * time.Hour,
	MinMediaShare:    0.5,
	MinLivePerMonth:  1,
	LiveRotation:     true,
	MentionEveryDays: 30,
}

var builtinSlots = []time.Duration{9 * time.Hour, 12*time.Hour + 30*time.Minute, 18 * time.Hour, 20 * time.Hour}

func (a accountJSON) apply(base AccountRules, where string) (AccountRules, error) {
	r := base
	if a.MinPostsPerWeek != nil {
		if *a.MinPostsPerWeek < 0 || *a.MinPostsPerWeek > 500 {
			return r, fmt.Errorf("%s: min_posts_per_week must be within 0…500, got %d", where, *a.MinPostsPerWeek)
		}
		r.MinPostsPerWeek = *a.MinPostsPerWeek
	}
	if a.MinPostsPerDay != nil {
		if *a.MinPostsPerDay < 0 || *a.MinPostsPerDay > 50 {
			return r, fmt.Errorf("%s: min_posts_per_day must be within 0…50, got %d", where, *a.MinPostsPerDay)
		}
		r.MinPostsPerDay = *a.MinPostsPerDay
	}
	if a.MaxGapHours != nil {
		h := *a.MaxGapHours
		// Below an hour the one-hour spacing of suggestions could never close a gap.
		if h != 0 && (h < 1 || h > 24*31) {
			return r, fmt.Errorf("%s: max_gap_hours must be 0 (off) or within 1…744, got %v", where, h)
		}
		r.MaxGap = time.Duration(h * float64(time.Hour)).Round(time.Minute)
	}
	if a.MinMediaShare != nil {
		s := *a.MinMediaShare
		if s < 0 || s > 1 {
			return r, fmt.Errorf("%s: min_media_share must be within 0…1, got %v", where, s)
		}
		r.MinMediaShare = s
	}
	if a.MinLivePerMonth != nil {
		if *a.MinLivePerMonth < 0 || *a.MinLivePerMonth > 31 {
			return r, fmt.Errorf("%s: min_live_per_month must be within 0…31, got %d", where, *a.MinLivePerMonth)
		}
		r.MinLivePerMonth = *a.MinLivePerMonth
	}
	if a.LiveRotation != nil {
		r.LiveRotation = *a.LiveRotation
	}
	if a.MentionEveryDays != nil {
		if *a.MentionEveryDays < 0 || *a.MentionEveryDays > 366 {
			return r, fmt.Errorf("%s: mention_every_days must be within 0…366, got %d", where, *a.MentionEveryDays)
		}
		r.MentionEveryDays = *a.MentionEveryDays
	}
	return r, nil
}

func parseClock(s string) (time.Duration, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, fmt.Errorf("slot %q: want HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("slot %q: want HH:MM between 00:00 and 23:59", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

// ParseRules reads rules from JSON. Unknown fields are errors so that a typo
// in a hand-edited file is not silently ignored; absent fields take the
// defaults, and an explicit 0 (or false) switches a rule off.
func ParseRules(b []byte) (Rules, error) {
	var raw rulesJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Rules{}, fmt.Errorf("plan rules: %w", err)
	}
	if dec.More() {
		return Rules{}, errors.New("plan rules: trailing data after the JSON object")
	}
	var r Rules
	var err error
	if r.Default, err = raw.Defaults.apply(builtin, "plan rules: defaults"); err != nil {
		return Rules{}, err
	}
	if len(raw.Accounts) > 0 {
		r.Accounts = make(map[int64]AccountRules, len(raw.Accounts))
		keys := make([]string, 0, len(raw.Accounts))
		for k := range raw.Accounts {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the first error reported must not depend on map order
		for _, k := range keys {
			id, perr := strconv.ParseInt(k, 10, 64)
			if perr != nil || id <= 0 {
				return Rules{}, fmt.Errorf("plan rules: accounts: key %q is not a positive account id", k)
			}
			if r.Accounts[id], err = raw.Accounts[k].apply(r.Default, "plan rules: account "+k); err != nil {
				return Rules{}, err
			}
		}
	}
	if raw.Slots == nil {
		r.Slots = append([]time.Duration(nil), builtinSlots...)
	} else {
		if len(raw.Slots) == 0 {
			return Rules{}, errors.New("plan rules: slots must not be empty")
		}
		seen := map[time.Duration]bool{}
		for _, s := range raw.Slots {
			d, perr := parseClock(s)
			if perr != nil {
				return Rules{}, fmt.Errorf("plan rules: %w", perr)
			}
			if seen[d] {
				return Rules{}, fmt.Errorf("plan rules: slot %q is listed twice", s)
			}
			seen[d] = true
			r.Slots = append(r.Slots, d)
		}
		sort.Slice(r.Slots, func(i, j int) bool { return r.Slots[i] < r.Slots[j] })
	}
	r.ApprovalLead = 24 * time.Hour
	if raw.ApprovalLeadHours != nil {
		h := *raw.ApprovalLeadHours
		if h < 0 || h > 24*14 {
			return Rules{}, fmt.Errorf("plan rules: approval_lead_hours must be within 0…336, got %v", h)
		}
		r.ApprovalLead = time.Duration(h * float64(time.Hour)).Round(time.Minute)
	}
	codes := map[string]bool{}
	for i, m := range raw.Municipalities {
		m.Code = strings.TrimSpace(m.Code)
		m.Name = strings.TrimSpace(m.Name)
		m.NameEN = strings.TrimSpace(m.NameEN)
		if m.Code == "" || m.Name == "" {
			return Rules{}, fmt.Errorf("plan rules: municipality #%d needs a code and a name", i+1)
		}
		if codes[m.Code] {
			return Rules{}, fmt.Errorf("plan rules: municipality %q is listed twice", m.Code)
		}
		codes[m.Code] = true
		if m.NameEN == "" {
			m.NameEN = m.Name
		}
		r.Municipalities = append(r.Municipalities, m)
	}
	needMunis := r.Default.LiveRotation || r.Default.MentionEveryDays > 0
	for _, a := range r.Accounts {
		needMunis = needMunis || a.LiveRotation || a.MentionEveryDays > 0
	}
	if needMunis && len(r.Municipalities) == 0 {
		return Rules{}, errors.New("plan rules: live_rotation and mention_every_days need the municipalities list")
	}
	return r, nil
}

// LoadRules reads RulesFile from fsys (another region's folder, or assets.FS).
func LoadRules(fsys fs.FS) (Rules, error) {
	b, err := fs.ReadFile(fsys, RulesFile)
	if err != nil {
		return Rules{}, fmt.Errorf("plan rules: %w", err)
	}
	return ParseRules(b)
}

var defaultRules = sync.OnceValues(func() (Rules, error) { return LoadRules(assets.FS) })

// DefaultRules returns the rules shipped in assets/plan_rules.json. The
// shipped file is covered by tests, so an error here means a broken build.
func DefaultRules() Rules {
	r, err := defaultRules()
	if err != nil {
		panic(err)
	}
	// Callers may edit the maps and slices; hand out copies.
	r.Slots = append([]time.Duration(nil), r.Slots...)
	r.Municipalities = append([]Municipality(nil), r.Municipalities...)
	if r.Accounts != nil {
		acc := make(map[int64]AccountRules, len(r.Accounts))
		for k, v := range r.Accounts {
			acc[k] = v
		}
		r.Accounts = acc
	}
	return r
}
