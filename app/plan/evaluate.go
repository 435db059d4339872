package plan

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"otklik/data"
)

// Kind is the machine-readable kind of a finding.
type Kind string

const (
	KindPostsPerWeek Kind = "posts_per_week" // fewer posts in an ISO week than the target
	KindPostsPerDay  Kind = "posts_per_day"  // a day ahead with no post yet (warnings only)
	KindGap          Kind = "max_gap"        // a silence longer than the allowed gap
	KindMediaShare   Kind = "media_share"    // too few photo/video posts in a week
	KindLivePerMonth Kind = "live_per_month" // no live stream in a calendar month
	KindLiveRotation Kind = "live_rotation"  // a live stream repeats a municipality before the round is over
	KindMention      Kind = "mention"        // a municipality not mentioned for too long
	KindNotApproved  Kind = "not_approved"   // an item due soon is still a draft or in review (warnings only)
	KindMissed       Kind = "missed"         // a planned item's time passed without publication (violations only)
)

// PublishedPost is a publication already on the network, whether or not it
// came from the calendar (the governor often posts from the phone).
type PublishedPost struct {
	AccountID      int64
	Kind           string // post, photo, video, live, story
	Text           string
	District       string // municipality code when known
	PublishedAt    time.Time
	RemoteID       string
	CalendarItemID int64 // the calendar item it was published from, 0 if none
}

// FromPost converts a stored post of the feed.
func FromPost(p data.Post) PublishedPost {
	return PublishedPost{AccountID: p.AccountID, Kind: p.Kind, Text: p.Text, PublishedAt: p.CreatedAt, RemoteID: p.ExternalID}
}

// Violation is a rule already broken.
type Violation struct {
	Kind      Kind
	AccountID int64
	Since     time.Time // when the rule broke
	From, To  time.Time // the period concerned (a week, a month, a silence); To is zero while it lasts
	District  string    // municipality code for rotation and mention rules
	ItemID    int64     // the calendar item concerned, 0 if none
	Have      int       // what there is (posts, photo/video, live streams)
	Want      int       // what the rule asks for
	Message   string
}

// Warning is a rule that will break unless the plan changes.
type Warning struct {
	Kind        Kind
	AccountID   int64
	BreaksAt    time.Time // when the rule breaks if nothing changes
	From, To    time.Time // the period concerned
	District    string
	ItemID      int64
	Have        int
	Want        int
	Message     string
	Suggestions []Suggestion // free slots or item changes that fix it
}

// Suggestion is a proposed new item at a free slot or, when ItemID is set, a
// change to that existing item.
type Suggestion struct {
	AccountID int64
	At        time.Time
	Kind      string // item kind to create or switch to: post, photo, live
	District  string // municipality the item should be about, "" for any
	ItemID    int64
	Message   string
}

// RotationEntry is one municipality in an account's live-stream queue.
type RotationEntry struct {
	Code           string
	Name           string
	LastVisit      time.Time // zero when never visited
	VisitedInRound bool      // already visited in the current round of all municipalities
}

// Report is the result of Evaluate.
type Report struct {
	Violations []Violation
	Warnings   []Warning
	// Rotation is each tracked account's live-stream queue after every
	// published and planned live stream, the next due municipality first.
	Rotation map[int64][]RotationEntry
}

// Options tune Evaluate. The zero value works.
type Options struct {
	Lang     string        // "ru" (default) or "en"
	Horizon  time.Duration // how far ahead warnings look; 7 days when zero
	Lookback time.Duration // how far back closed violations are reported; 28 days when zero
	// FindDistricts returns the municipality codes named in a text, so a
	// post about Рудня counts as a mention even without District set. The
	// text core's tagger plugs in here; nil means District only.
	FindDistricts func(text string) []string
	// Accounts name the accounts in messages; unknown ones appear by id.
	Accounts map[int64]data.Account
}

// Planned statuses count as planned; idea and skipped do not count at all.
var plannedStatus = map[string]bool{"draft": true, "review": true, "approved": true, "scheduled": true}

// A story disappears from the page in a day, so it counts for no rule but
// approval and missed publication.
func counts(kind string) bool { return kind != "story" }

func isMedia(kind string) bool { return kind == "photo" || kind == "video" || kind == "live" }

const collision = time.Hour

type event struct {
	at        time.Time
	kind      string
	district  string   // the item's own municipality
	mentions  []string // District plus the ones named in the text
	published bool
	itemID    int64
	title     string
}

type account struct {
	id        int64
	rules     AccountRules
	events    []event     // counted, published or planned in the future, by time
	busy      []time.Time // every item's time, for slot collisions
	firstPub  time.Time   // earliest published event; zero when none
	hasEvents bool
}

type evaluator struct {
	rules      Rules
	now        time.Time
	l          lang
	horizonEnd time.Time
	lookback   time.Time
	labels     accountLabels
	find       func(string) []string
	report     Report
	muniIndex  map[string]int
}

func (e *evaluator) pick(ruText, enText string) string {
	if e.l == en {
		return enText
	}
	return ruText
}

func (e *evaluator) acc(id int64) string { return e.labels.in(e.l, id) }

func (e *evaluator) muniName(code string) string {
	if i, ok := e.muniIndex[code]; ok {
		if e.l == en {
			return e.rules.Municipalities[i].NameEN
		}
		return e.rules.Municipalities[i].Name
	}
	return code
}

func weekStart(t time.Time) time.Time {
	t = t.In(Moscow)
	off := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-off, 0, 0, 0, 0, Moscow)
}

func dayStart(t time.Time) time.Time {
	t = t.In(Moscow)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Moscow)
}

func monthStart(t time.Time) time.Time {
	t = t.In(Moscow)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Moscow)
}

// Evaluate checks the calendar and the published feed against the rules at
// the moment now. Published items and posts count from their publication
// time; draft, review, approved and scheduled items count from their planned
// time if it is not yet past; ideas and skipped items never count. A planned
// item whose time has passed without publication is a KindMissed violation
// and does not count. Closed periods are judged only once the account's
// published history covers them, so a new account is not blamed for the
// weeks before it existed.
func Evaluate(items []data.CalendarItem, published []PublishedPost, rules Rules, now time.Time, opts Options) Report {
	if opts.Horizon <= 0 {
		opts.Horizon = 7 * 24 * time.Hour
	}
	if opts.Lookback <= 0 {
		opts.Lookback = 28 * 24 * time.Hour
	}
	e := &evaluator{
		rules:      rules,
		now:        now,
		l:          langOf(opts.Lang),
		horizonEnd: now.Add(opts.Horizon),
		lookback:   now.Add(-opts.Lookback),
		labels:     newAccountLabels(opts.Accounts),
		find:       opts.FindDistricts,
		muniIndex:  map[string]int{},
	}
	for i, m := range rules.Municipalities {
		e.muniIndex[m.Code] = i
	}
	accounts := e.collect(items, published)
	ids := make([]int64, 0, len(accounts))
	for id := range accounts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		a := accounts[id]
		e.checkItems(a, items)
		e.checkWeeks(a)
		e.checkDays(a)
		e.checkGaps(a)
		e.checkLives(a)
		e.checkMentions(a)
	}
	sort.SliceStable(e.report.Violations, func(i, j int) bool {
		a, b := e.report.Violations[i], e.report.Violations[j]
		if !a.Since.Equal(b.Since) {
			return a.Since.Before(b.Since)
		}
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		return a.Kind < b.Kind
	})
	sort.SliceStable(e.report.Warnings, func(i, j int) bool {
		a, b := e.report.Warnings[i], e.report.Warnings[j]
		if !a.BreaksAt.Equal(b.BreaksAt) {
			return a.BreaksAt.Before(b.BreaksAt)
		}
		if a.AccountID != b.AccountID {
			return a.AccountID < b.AccountID
		}
		return a.Kind < b.Kind
	})
	return e.report
}

func (e *evaluator) mentionsOf(district, text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	add(district)
	if e.find != nil && text != "" {
		for _, c := range e.find(text) {
			add(c)
		}
	}
	return out
}

func (e *evaluator) collect(items []data.CalendarItem, published []PublishedPost) map[int64]*account {
	accounts := map[int64]*account{}
	get := func(id int64) *account {
		if a, ok := accounts[id]; ok {
			return a
		}
		r, ok := e.rules.For(id)
		if !ok {
			return nil
		}
		a := &account{id: id, rules: r}
		accounts[id] = a
		return a
	}
	for id := range e.rules.Accounts {
		get(id)
	}
	pubItems := map[int64]bool{}
	pubRemote := map[int64]map[string]bool{}
	for _, it := range items {
		a := get(it.AccountID)
		if a == nil {
			continue
		}
		at := it.PlannedAt
		if it.Status == "published" && !it.PublishedAt.IsZero() {
			at = it.PublishedAt
		}
		if at.IsZero() {
			continue
		}
		if it.Status != "skipped" {
			a.busy = append(a.busy, at)
		}
		if it.Status == "published" {
			pubItems[it.ID] = true
			if it.RemoteID != "" {
				if pubRemote[it.AccountID] == nil {
					pubRemote[it.AccountID] = map[string]bool{}
				}
				pubRemote[it.AccountID][it.RemoteID] = true
			}
		}
		isPub := it.Status == "published"
		if !counts(it.Kind) || !(isPub || plannedStatus[it.Status] && !at.Before(e.now)) {
			continue
		}
		a.events = append(a.events, event{
			at: at, kind: it.Kind, district: it.District, published: isPub, itemID: it.ID, title: itemTitle(it),
			mentions: e.mentionsOf(it.District, strings.TrimSpace(it.Title+"\n"+it.Text)),
		})
	}
	for _, p := range published {
		a := get(p.AccountID)
		if a == nil || p.PublishedAt.IsZero() {
			continue
		}
		if p.CalendarItemID != 0 && pubItems[p.CalendarItemID] || p.RemoteID != "" && pubRemote[p.AccountID][p.RemoteID] {
			continue // the calendar item already stands for it
		}
		a.busy = append(a.busy, p.PublishedAt)
		if !counts(p.Kind) {
			continue
		}
		a.events = append(a.events, event{
			at: p.PublishedAt, kind: p.Kind, district: p.District, published: true,
			mentions: e.mentionsOf(p.District, p.Text),
		})
	}
	for _, a := range accounts {
		sort.SliceStable(a.events, func(i, j int) bool { return a.events[i].at.Before(a.events[j].at) })
		sort.Slice(a.busy, func(i, j int) bool { return a.busy[i].Before(a.busy[j]) })
		for _, ev := range a.events {
			if ev.published {
				a.firstPub = ev.at
				break
			}
		}
		a.hasEvents = len(a.events) > 0
	}
	return accounts
}

// covered reports whether the account's published history reaches back to
// the start of a closed period, so that judging the period is fair.
func (a *account) covered(from time.Time) bool {
	return !a.firstPub.IsZero() && !from.Before(a.firstPub)
}

// count returns the counted events in [from, to) and how many are media.
func (a *account) count(from, to time.Time, publishedOnly bool) (n, media int) {
	for _, ev := range a.events {
		if ev.at.Before(from) || !ev.at.Before(to) || publishedOnly && !ev.published {
			continue
		}
		n++
		if isMedia(ev.kind) {
			media++
		}
	}
	return n, media
}

// free reports whether a new item at t keeps an hour away from every item.
func (a *account) free(t time.Time, taken []time.Time) bool {
	i := sort.Search(len(a.busy), func(i int) bool { return !a.busy[i].Before(t.Add(-collision)) })
	if i < len(a.busy) && a.busy[i].Sub(t) < collision {
		return false
	}
	for _, x := range taken {
		if d := x.Sub(t); d < collision && d > -collision {
			return false
		}
	}
	return true
}

// slots lists the free suggestion slots in [from, to], never in the past.
func (e *evaluator) slots(a *account, from, to time.Time, taken []time.Time) []time.Time {
	var out []time.Time
	for d := dayStart(from); !d.After(to); d = d.AddDate(0, 0, 1) {
		for _, off := range e.rules.Slots {
			t := d.Add(off)
			if t.Before(from) || t.After(to) || !t.After(e.now) || !a.free(t, taken) {
				continue
			}
			out = append(out, t)
		}
	}
	return out
}

func (e *evaluator) suggest(a *account, at time.Time, kind, district string) Suggestion {
	var msg string
	name := ""
	if district != "" {
		name = e.muniName(district)
	}
	switch {
	case district != "" && e.l == en:
		msg = "Add a " + kindEN(kind) + " about " + name + " on " + e.l.when(at, e.now)
	case district != "":
		msg = "Добавить " + kindAccRU(kind) + " про муниципалитет «" + name + "» на " + e.l.when(at, e.now)
	case e.l == en:
		msg = "Add a " + kindEN(kind) + " on " + e.l.when(at, e.now)
	default:
		msg = "Добавить " + kindAccRU(kind) + " на " + e.l.when(at, e.now)
	}
	return Suggestion{AccountID: a.id, At: at, Kind: kind, District: district, Message: msg}
}

// kindAccRU is the kind in the accusative, after «добавить».
func kindAccRU(kind string) string {
	switch kind {
	case "photo":
		return "фото"
	case "video":
		return "видео"
	case "live":
		return "прямой эфир"
	}
	return "пост"
}

func (e *evaluator) warn(w Warning) { e.report.Warnings = append(e.report.Warnings, w) }

func (e *evaluator) violate(v Violation) { e.report.Violations = append(e.report.Violations, v) }

// checkItems reports items due soon that are not approved and items whose
// time passed without publication.
func (e *evaluator) checkItems(a *account, items []data.CalendarItem) {
	for _, it := range items {
		if it.AccountID != a.id || !plannedStatus[it.Status] || it.PlannedAt.IsZero() {
			continue
		}
		title := itemTitle(it)
		switch {
		case it.PlannedAt.Before(e.now):
			if it.PlannedAt.Before(e.lookback) {
				continue
			}
			e.violate(Violation{
				Kind: KindMissed, AccountID: a.id, Since: it.PlannedAt, From: it.PlannedAt, ItemID: it.ID,
				Message: e.pick(
					capitalize(e.acc(a.id))+" не вышла публикация «"+title+"» ("+kindRU(it.Kind)+"), запланированная на "+
						e.l.when(it.PlannedAt, e.now)+"; статус — «"+statusRU(it.Status)+"»",
					capitalize(e.acc(a.id))+", the "+kindEN(it.Kind)+" “"+title+"” planned for "+e.l.when(it.PlannedAt, e.now)+
						" was not published; status: "+statusEN(it.Status)),
			})
		case (it.Status == "draft" || it.Status == "review") && !it.PlannedAt.After(e.now.Add(e.rules.ApprovalLead)):
			e.warn(Warning{
				Kind: KindNotApproved, AccountID: a.id, BreaksAt: it.PlannedAt, From: it.PlannedAt, ItemID: it.ID,
				Message: e.pick(
					capitalize(e.acc(a.id))+" публикация «"+title+"» ("+kindRU(it.Kind)+") на "+e.l.when(it.PlannedAt, e.now)+
						" ещё не утверждена — статус «"+statusRU(it.Status)+"»",
					capitalize(e.acc(a.id))+", the "+kindEN(it.Kind)+" “"+title+"” for "+e.l.when(it.PlannedAt, e.now)+
						" is not approved yet; status: "+statusEN(it.Status)),
			})
		}
	}
}

// spread picks n free slots in [from, to), preferring the days with the
// fewest posts so that a week fills evenly.
func (e *evaluator) spread(a *account, from, to time.Time, n int, kind string) []Suggestion {
	if n <= 0 {
		return nil
	}
	cands := e.slots(a, from, to.Add(-time.Nanosecond), nil)
	perDay := map[time.Time]int{}
	for _, ev := range a.events {
		perDay[dayStart(ev.at)]++
	}
	var out []Suggestion
	var taken []time.Time
	for len(out) < n {
		best := -1
		for i, c := range cands {
			if !a.free(c, taken) {
				continue
			}
			if best < 0 || perDay[dayStart(c)] < perDay[dayStart(cands[best])] {
				best = i
			}
		}
		if best < 0 {
			break
		}
		c := cands[best]
		taken = append(taken, c)
		perDay[dayStart(c)]++
		out = append(out, e.suggest(a, c, kind, ""))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

func (e *evaluator) checkWeeks(a *account) {
	r := a.rules
	if r.MinPostsPerWeek <= 0 && r.MinMediaShare <= 0 {
		return
	}
	for w := weekStart(e.lookback); w.Before(e.horizonEnd); w = w.AddDate(0, 0, 7) {
		end := w.AddDate(0, 0, 7)
		weekName := e.l.week(w, e.now)
		if !end.After(e.now) {
			if !end.After(e.lookback) || !a.covered(w) {
				continue
			}
			n, media := a.count(w, end, true)
			if n < r.MinPostsPerWeek {
				e.violate(Violation{
					Kind: KindPostsPerWeek, AccountID: a.id, Since: end, From: w, To: end, Have: n, Want: r.MinPostsPerWeek,
					Message: e.pick(
						capitalize(e.acc(a.id))+" за неделю "+weekName+" "+weekCountRU(n)+" при норме "+nRU(r.MinPostsPerWeek, "пост", "поста", "постов")+" в неделю",
						capitalize(e.acc(a.id))+", the week of "+weekName+" had "+nEN(n, "post", "posts")+
							" against the target of "+nEN(r.MinPostsPerWeek, "post", "posts")+" a week"),
				})
			}
			if n > 0 && r.MinMediaShare > 0 && float64(media) < r.MinMediaShare*float64(n)-1e-9 {
				want := int(math.Ceil(r.MinMediaShare*float64(n) - 1e-9))
				e.violate(Violation{
					Kind: KindMediaShare, AccountID: a.id, Since: end, From: w, To: end, Have: media, Want: want,
					Message: e.pick(
						capitalize(e.acc(a.id))+" за неделю "+weekName+" фото и видео — "+nRU(media, "пост", "поста", "постов")+" из "+
							itoa(n)+" ("+percent(e.l, float64(media)/float64(n))+"), а нужно не меньше "+percent(e.l, r.MinMediaShare),
						capitalize(e.acc(a.id))+", the week of "+weekName+" had "+itoa(media)+" photo/video posts out of "+itoa(n)+
							" ("+percent(e.l, float64(media)/float64(n))+"), the target is at least "+percent(e.l, r.MinMediaShare)),
				})
			}
			continue
		}
		n, media := a.count(w, end, false)
		if n < r.MinPostsPerWeek {
			need := r.MinPostsPerWeek - n
			e.warn(Warning{
				Kind: KindPostsPerWeek, AccountID: a.id, BreaksAt: end, From: w, To: end, Have: n, Want: r.MinPostsPerWeek,
				Message: e.pick(
					capitalize(e.acc(a.id))+" на неделю "+weekName+" "+pluralRU(n, "запланирован", "запланировано", "запланировано")+" "+
						nRU(n, "пост", "поста", "постов")+" из "+itoa(r.MinPostsPerWeek)+" — добавьте ещё "+itoa(need),
					capitalize(e.acc(a.id))+", the week of "+weekName+" has "+nEN(n, "post", "posts")+" of "+itoa(r.MinPostsPerWeek)+
						" planned — add "+itoa(need)+" more"),
				Suggestions: e.spread(a, maxTime(w, e.now), end, need, "post"),
			})
		}
		if n > 0 && r.MinMediaShare > 0 && float64(media) < r.MinMediaShare*float64(n)-1e-9 {
			want := int(math.Ceil(r.MinMediaShare*float64(n) - 1e-9))
			need := want - media
			e.warn(Warning{
				Kind: KindMediaShare, AccountID: a.id, BreaksAt: end, From: w, To: end, Have: media, Want: want,
				Message: e.pick(
					capitalize(e.acc(a.id))+" на неделе "+weekName+" фото и видео — "+itoa(media)+" из "+nRU(n, "поста", "постов", "постов")+
						" ("+percent(e.l, float64(media)/float64(n))+"), нужно не меньше "+percent(e.l, r.MinMediaShare)+
						" — сделайте фото или видео ещё из "+nRU(need, "поста", "постов", "постов"),
					capitalize(e.acc(a.id))+", the week of "+weekName+" has "+itoa(media)+" photo/video of "+nEN(n, "post", "posts")+
						" ("+percent(e.l, float64(media)/float64(n))+"), the target is at least "+percent(e.l, r.MinMediaShare)+
						" — turn "+itoa(need)+" more into photo or video"),
				Suggestions: e.mediaFixes(a, maxTime(w, e.now), end, need),
			})
		}
	}
}

// mediaFixes proposes turning planned text posts into photo posts first and
// adding photo posts only when there are too few of them.
func (e *evaluator) mediaFixes(a *account, from, to time.Time, need int) []Suggestion {
	var out []Suggestion
	for _, ev := range a.events {
		if len(out) == need {
			return out
		}
		if ev.published || isMedia(ev.kind) || ev.itemID == 0 || ev.at.Before(from) || !ev.at.Before(to) {
			continue
		}
		out = append(out, Suggestion{
			AccountID: a.id, At: ev.at, Kind: "photo", ItemID: ev.itemID,
			Message: e.pick("Добавить фото или видео к «"+ev.title+"» ("+e.l.when(ev.at, e.now)+")",
				"Add a photo or video to “"+ev.title+"” ("+e.l.when(ev.at, e.now)+")"),
		})
	}
	// Each added media post also raises the total, so (need) new ones may
	// fall short by rounding; the weekly count warning covers the rest.
	return append(out, e.spread(a, from, to, need-len(out), "photo")...)
}

func (e *evaluator) checkDays(a *account) {
	min := a.rules.MinPostsPerDay
	if min <= 0 {
		return
	}
	for d := dayStart(e.now); d.Before(e.horizonEnd); d = d.AddDate(0, 0, 1) {
		end := d.AddDate(0, 0, 1)
		n, _ := a.count(d, end, false)
		if n >= min {
			continue
		}
		dayName := e.l.day(d, e.now)
		var msg string
		switch {
		case n == 0 && e.l == en:
			msg = capitalize(e.acc(a.id)) + ", " + dayName + " has no post yet"
		case n == 0:
			msg = capitalize(e.acc(a.id)) + " на " + dayName + " ещё нет ни одного поста"
		case e.l == en:
			msg = capitalize(e.acc(a.id)) + ", " + dayName + " has " + nEN(n, "post", "posts") + " of " + itoa(min)
		default:
			msg = capitalize(e.acc(a.id)) + " на " + dayName + " " + pluralRU(n, "запланирован", "запланировано", "запланировано") + " " +
				nRU(n, "пост", "поста", "постов") + " из " + itoa(min)
		}
		var sugg []Suggestion
		var taken []time.Time
		for _, t := range e.slots(a, d, end.Add(-time.Nanosecond), nil) {
			if len(sugg) == min-n {
				break
			}
			if a.free(t, taken) {
				taken = append(taken, t)
				sugg = append(sugg, e.suggest(a, t, "post", ""))
			}
		}
		e.warn(Warning{Kind: KindPostsPerDay, AccountID: a.id, BreaksAt: end, From: d, To: end, Have: n, Want: min,
			Message: msg, Suggestions: sugg})
	}
}

func (e *evaluator) checkGaps(a *account) {
	max := a.rules.MaxGap
	if max <= 0 {
		return
	}
	rule := e.l.gapRule(max)
	if !a.hasEvents {
		e.warn(Warning{
			Kind: KindGap, AccountID: a.id, BreaksAt: e.now, From: e.now,
			Message: e.pick(capitalize(e.acc(a.id))+" нет ни опубликованных, ни запланированных постов — правило "+rule+" не выполняется",
				capitalize(e.acc(a.id))+" there are no published or planned posts — the rule "+rule+" is not met"),
			Suggestions: e.spread(a, e.now, e.now.Add(max), 1, "post"),
		})
		return
	}
	evs := a.events
	for i := range evs {
		from := evs[i].at
		breakAt := from.Add(max)
		var next *event
		if i+1 < len(evs) {
			next = &evs[i+1]
			if !next.at.After(breakAt) {
				continue
			}
		}
		if !breakAt.After(e.now) {
			v := Violation{Kind: KindGap, AccountID: a.id, Since: breakAt, From: from}
			switch {
			case next != nil && next.published:
				if next.at.Before(e.lookback) {
					continue
				}
				v.To = next.at
				v.Message = e.pick(
					capitalize(e.acc(a.id))+" не было постов с "+e.l.when(from, e.now)+" до "+e.l.when(next.at, e.now)+
						" — правило "+rule+" нарушено с "+e.l.when(breakAt, e.now),
					capitalize(e.acc(a.id))+" there were no posts from "+e.l.when(from, e.now)+" to "+e.l.when(next.at, e.now)+
						" — the rule "+rule+" was broken from "+e.l.when(breakAt, e.now))
			default:
				v.Message = e.pick(
					capitalize(e.acc(a.id))+" нет постов с "+e.l.when(from, e.now)+" — правило "+rule+" нарушено с "+e.l.when(breakAt, e.now),
					capitalize(e.acc(a.id))+" there has been no post since "+e.l.when(from, e.now)+" — the rule "+rule+
						" has been broken since "+e.l.when(breakAt, e.now))
			}
			e.violate(v)
			continue
		}
		if breakAt.After(e.horizonEnd) {
			continue
		}
		w := Warning{Kind: KindGap, AccountID: a.id, BreaksAt: breakAt, From: from}
		if next == nil {
			w.Message = e.pick(
				capitalize(e.acc(a.id))+" ничего не запланировано после "+e.l.when(from, e.now)+" — "+e.l.when(breakAt, e.now)+
					" нарушится правило "+rule,
				capitalize(e.acc(a.id))+" nothing is planned after "+e.l.when(from, e.now)+" — the rule "+rule+" breaks on "+
					e.l.when(breakAt, e.now))
			w.Suggestions = e.gapFix(a, from, time.Time{}, max)
		} else {
			w.To = next.at
			w.Message = e.pick(
				capitalize(e.acc(a.id))+" между "+e.l.when(from, e.now)+" и "+e.l.when(next.at, e.now)+" нет постов — "+
					e.l.when(breakAt, e.now)+" нарушится правило "+rule,
				capitalize(e.acc(a.id))+" there are no posts between "+e.l.when(from, e.now)+" and "+e.l.when(next.at, e.now)+
					" — the rule "+rule+" breaks on "+e.l.when(breakAt, e.now))
			w.Suggestions = e.gapFix(a, from, next.at, max)
		}
		e.warn(w)
	}
}

// gapFix proposes slots that close a silence starting at from (and ending at
// next, when something is planned after it). One slot is enough when it lands
// within max of both ends: up to three such slots, those nearest the middle.
// Otherwise a chain of latest-possible slots closes the gap step by step.
func (e *evaluator) gapFix(a *account, from, next time.Time, max time.Duration) []Suggestion {
	lo := from.Add(time.Nanosecond)
	hi := from.Add(max)
	if !next.IsZero() && next.Add(-max).After(lo) {
		lo = next.Add(-max)
	}
	if !lo.After(hi) {
		cands := e.slots(a, lo, hi, nil)
		if len(cands) > 0 {
			var mid time.Time
			if next.IsZero() {
				mid = hi // with nothing after, the later the slot, the longer the calm
			} else {
				mid = from.Add(next.Sub(from) / 2)
			}
			sort.SliceStable(cands, func(i, j int) bool { return absDur(cands[i].Sub(mid)) < absDur(cands[j].Sub(mid)) })
			if len(cands) > 3 {
				cands = cands[:3]
			}
			sort.Slice(cands, func(i, j int) bool { return cands[i].Before(cands[j]) })
			out := make([]Suggestion, 0, len(cands))
			for _, c := range cands {
				out = append(out, e.suggest(a, c, "post", ""))
			}
			return out
		}
	}
	var out []Suggestion
	var taken []time.Time
	cur := from
	for len(out) < 10 && (next.IsZero() && len(out) == 0 || !next.IsZero() && next.Sub(cur) > max) {
		cands := e.slots(a, cur.Add(time.Nanosecond), cur.Add(max), taken)
		if len(cands) == 0 {
			break
		}
		c := cands[len(cands)-1]
		taken = append(taken, c)
		out = append(out, e.suggest(a, c, "post", ""))
		cur = c
	}
	return out
}

func (e *evaluator) checkLives(a *account) {
	r := a.rules
	var lives []event
	for _, ev := range a.events {
		if ev.kind == "live" {
			lives = append(lives, ev)
		}
	}
	queue := e.rotation(a, lives, r.LiveRotation)
	if e.report.Rotation == nil {
		e.report.Rotation = map[int64][]RotationEntry{}
	}
	e.report.Rotation[a.id] = queue
	if r.MinLivePerMonth <= 0 {
		return
	}
	nextDue := ""
	if len(queue) > 0 {
		nextDue = queue[0].Code
	}
	for m := monthStart(e.lookback); m.Before(e.horizonEnd); m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, 0)
		have := 0
		for _, ev := range lives {
			if !ev.at.Before(m) && ev.at.Before(end) && (ev.published || end.After(e.now)) {
				have++
			}
		}
		if have >= r.MinLivePerMonth {
			continue
		}
		if !end.After(e.now) {
			if !end.After(e.lookback) || !a.covered(m) {
				continue
			}
			ruMsg := capitalize(e.acc(a.id)) + " " + e.l.inMonth(m, e.now) + " не было ни одного прямого эфира при норме " +
				itoa(r.MinLivePerMonth) + " в месяц"
			if have > 0 {
				ruMsg = capitalize(e.acc(a.id)) + " " + e.l.inMonth(m, e.now) + " " + pluralRU(have, "был", "было", "было") + " " +
					nRU(have, "прямой эфир", "прямых эфира", "прямых эфиров") + " при норме " + itoa(r.MinLivePerMonth) + " в месяц"
			}
			e.violate(Violation{
				Kind: KindLivePerMonth, AccountID: a.id, Since: end, From: m, To: end, Have: have, Want: r.MinLivePerMonth,
				Message: e.pick(ruMsg,
					capitalize(e.acc(a.id))+" there "+pluralEN(have, "was", "were")+" "+nEN(have, "live stream", "live streams")+" "+
						e.l.inMonth(m, e.now)+" against the target of "+itoa(r.MinLivePerMonth)+" a month"),
			})
			continue
		}
		// Only the current month, or a month ending within the horizon, is due now.
		if m.After(e.now) && end.After(e.horizonEnd) {
			continue
		}
		need := r.MinLivePerMonth - have
		next := ""
		if nextDue != "" {
			next = e.pick("; следующий по очереди муниципалитет — «"+e.muniName(nextDue)+"»",
				"; next in the rotation: "+e.muniName(nextDue))
		}
		var sugg []Suggestion
		// A live stream needs an announcement, so propose days from tomorrow
		// on, one slot a day, the evening slot first.
		from := maxTime(m, dayStart(e.now).AddDate(0, 0, 1))
		if !from.Before(end) {
			from = maxTime(m, e.now)
		}
		var taken []time.Time
		days := map[time.Time]bool{}
		cands := e.slots(a, from, end.Add(-time.Nanosecond), nil)
		for i := len(cands) - 1; i >= 0 && len(sugg) < need+2; i-- {
			c := cands[i]
			if days[dayStart(c)] || !a.free(c, taken) {
				continue
			}
			days[dayStart(c)] = true
			taken = append(taken, c)
			sugg = append(sugg, e.suggest(a, c, "live", nextDue))
		}
		sort.Slice(sugg, func(i, j int) bool { return sugg[i].At.Before(sugg[j].At) })
		var msg string
		if have == 0 {
			msg = e.pick(capitalize(e.acc(a.id))+" на "+e.l.monthNom(m, e.now)+" не запланировано ни одного прямого эфира — нужен хотя бы один до "+
				e.l.day(end.Add(-time.Minute), e.now)+next,
				capitalize(e.acc(a.id))+" no live stream is planned for "+e.l.monthNom(m, e.now)+" — at least one is needed by "+
					e.l.day(end.Add(-time.Minute), e.now)+next)
		} else {
			msg = e.pick(capitalize(e.acc(a.id))+" на "+e.l.monthNom(m, e.now)+" "+pluralRU(have, "запланирован", "запланировано", "запланировано")+" "+
				nRU(have, "прямой эфир", "прямых эфира", "прямых эфиров")+" из "+itoa(r.MinLivePerMonth)+next,
				capitalize(e.acc(a.id))+" "+nEN(have, "live stream is", "live streams are")+" planned for "+e.l.monthNom(m, e.now)+
					" of "+itoa(r.MinLivePerMonth)+next)
		}
		e.warn(Warning{Kind: KindLivePerMonth, AccountID: a.id, BreaksAt: end, From: m, To: end, Have: have,
			Want: r.MinLivePerMonth, Message: msg, Suggestions: sugg})
	}
}

// rotation walks the live streams in time order. A round visits every
// municipality once; a stream to a municipality already visited in the
// unfinished round is a repeat. It returns the queue after the last stream:
// municipalities not yet visited in the round first, each part ordered by
// the last visit (never visited first), ties in the list's order.
func (e *evaluator) rotation(a *account, lives []event, check bool) []RotationEntry {
	n := len(e.rules.Municipalities)
	if n == 0 {
		return nil
	}
	last := make([]time.Time, n)
	round := map[int]bool{}
	queue := func() []RotationEntry {
		out := make([]RotationEntry, n)
		for i, m := range e.rules.Municipalities {
			name := m.Name
			if e.l == en {
				name = m.NameEN
			}
			out[i] = RotationEntry{Code: m.Code, Name: name, LastVisit: last[i], VisitedInRound: round[i]}
		}
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].VisitedInRound != out[j].VisitedInRound {
				return !out[i].VisitedInRound
			}
			return out[i].LastVisit.Before(out[j].LastVisit)
		})
		return out
	}
	for _, ev := range lives {
		i, ok := e.muniIndex[ev.district]
		if !ok {
			continue // a region-wide stream or an unknown code is outside the rotation
		}
		if len(round) == n {
			round = map[int]bool{}
		}
		if round[i] {
			if check {
				e.repeat(a, ev, queue(), n-len(round))
			}
		} else {
			round[i] = true
		}
		last[i] = ev.at
	}
	if len(round) == n {
		round = map[int]bool{}
	}
	return queue()
}

func (e *evaluator) repeat(a *account, ev event, q []RotationEntry, left int) {
	var names []string
	for _, r := range q {
		if r.VisitedInRound || len(names) == 3 {
			break
		}
		names = append(names, r.Name)
	}
	name := e.muniName(ev.district)
	ru := capitalize(e.acc(a.id)) + " прямой эфир «" + ev.title + "» (" + e.l.when(ev.at, e.now) + ") снова про муниципалитет «" + name +
		"», а в этом круге ещё не было " + nRU(left, "муниципалитета", "муниципалитетов", "муниципалитетов") +
		"; следующие по очереди — " + strings.Join(names, ", ")
	enMsg := capitalize(e.acc(a.id)) + " the live stream “" + ev.title + "” (" + e.l.when(ev.at, e.now) + ") returns to " + name +
		" while " + nEN(left, "municipality has", "municipalities have") + " not had one in this round yet; next due: " + strings.Join(names, ", ")
	if ev.published {
		if ev.at.Before(e.lookback) {
			return
		}
		e.violate(Violation{Kind: KindLiveRotation, AccountID: a.id, Since: ev.at, From: ev.at, To: ev.at,
			District: ev.district, ItemID: ev.itemID, Have: len(q) - left, Want: len(q), Message: e.pick(ru, enMsg)})
		return
	}
	if ev.at.After(e.horizonEnd) && len(q) == 0 {
		return
	}
	var sugg []Suggestion
	if len(q) > 0 && !q[0].VisitedInRound {
		s := Suggestion{AccountID: a.id, At: ev.at, Kind: "live", District: q[0].Code, ItemID: ev.itemID,
			Message: e.pick("Провести этот эфир с муниципалитетом «"+q[0].Name+"»", "Hold this live stream with "+q[0].Name)}
		sugg = append(sugg, s)
	}
	e.warn(Warning{Kind: KindLiveRotation, AccountID: a.id, BreaksAt: ev.at, From: ev.at, To: ev.at,
		District: ev.district, ItemID: ev.itemID, Have: len(q) - left, Want: len(q), Message: e.pick(ru, enMsg), Suggestions: sugg})
}

func (e *evaluator) checkMentions(a *account) {
	days := a.rules.MentionEveryDays
	if days <= 0 {
		return
	}
	anchor := a.firstPub
	if anchor.IsZero() {
		anchor = e.now
	}
	rule := e.pick("«упоминать не реже раза в "+nRU(days, "день", "дня", "дней")+"»",
		"“mention at least once every "+nEN(days, "day", "days")+"”")
	for _, m := range e.rules.Municipalities {
		var pubLast time.Time
		var planned []time.Time
		for _, ev := range a.events {
			if !containsStr(ev.mentions, m.Code) {
				continue
			}
			if ev.published {
				pubLast = ev.at
			} else {
				planned = append(planned, ev.at)
			}
		}
		name := e.muniName(m.Code)
		last := pubLast
		if last.IsZero() {
			last = anchor
		}
		breakAt := last.AddDate(0, 0, days)
		if !breakAt.After(e.now) {
			ago := int(e.now.Sub(pubLast).Hours() / 24)
			v := Violation{Kind: KindMention, AccountID: a.id, Since: breakAt, From: pubLast, District: m.Code, Want: days}
			if pubLast.IsZero() {
				v.From = anchor
				v.Message = e.pick("Муниципалитет «"+name+"»: "+e.acc(a.id)+" ещё не было ни одного упоминания — правило "+rule+
					" нарушено с "+e.l.when(breakAt, e.now),
					name+": "+e.acc(a.id)+" it has never been mentioned — the rule "+rule+" has been broken since "+e.l.when(breakAt, e.now))
			} else {
				v.Have = ago
				v.Message = e.pick("Муниципалитет «"+name+"»: "+e.acc(a.id)+" нет упоминаний "+nRU(ago, "день", "дня", "дней")+
					" (последнее — "+e.l.when(pubLast, e.now)+"), а правило "+rule,
					name+": "+e.acc(a.id)+" it has not been mentioned for "+nEN(ago, "day", "days")+
						" (last on "+e.l.when(pubLast, e.now)+"), the rule is "+rule)
			}
			e.violate(v)
			continue
		}
		// Planned mentions move the break only if each lands before it.
		for _, p := range planned {
			if p.After(breakAt) {
				break
			}
			last = p
			breakAt = p.AddDate(0, 0, days)
		}
		if breakAt.After(e.horizonEnd) {
			continue
		}
		var msg string
		if last.Equal(anchor) && pubLast.IsZero() {
			msg = e.pick("Муниципалитет «"+name+"»: "+e.acc(a.id)+" ещё не было упоминаний; если не написать до "+
				e.l.when(breakAt, e.now)+", нарушится правило "+rule,
				name+": "+e.acc(a.id)+" it has not been mentioned yet; unless it is by "+e.l.when(breakAt, e.now)+", the rule "+rule+" breaks")
		} else {
			msg = e.pick("Муниципалитет «"+name+"»: "+e.acc(a.id)+" последнее упоминание — "+e.l.when(last, e.now)+
				"; если не написать до "+e.l.when(breakAt, e.now)+", нарушится правило "+rule,
				name+": "+e.acc(a.id)+" it was last mentioned on "+e.l.when(last, e.now)+"; unless it is mentioned by "+
					e.l.when(breakAt, e.now)+", the rule "+rule+" breaks")
		}
		var sugg []Suggestion
		var taken []time.Time
		for _, c := range e.slots(a, e.now, breakAt, nil) {
			if len(sugg) == 2 {
				break
			}
			if a.free(c, taken) {
				taken = append(taken, c)
				sugg = append(sugg, e.suggest(a, c, "post", m.Code))
			}
		}
		e.warn(Warning{Kind: KindMention, AccountID: a.id, BreaksAt: breakAt, From: last, District: m.Code, Want: days,
			Message: msg, Suggestions: sugg})
	}
}

func containsStr(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func itoa(n int) string { return strconv.Itoa(n) }

func pluralEN(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}

// weekCountRU says how many posts came out: «вышел 1 пост», «вышло 7 постов»,
// «не вышло ни одного поста».
func weekCountRU(n int) string {
	if n == 0 {
		return "не вышло ни одного поста"
	}
	return pluralRU(n, "вышел", "вышло", "вышло") + " " + nRU(n, "пост", "поста", "постов")
}
