package app

// The broadcast-prep panel: what one municipality asked in a period, the
// questions grouped by meaning, the shortlist for the governor's live stream,
// the briefing export and the follow-ups for what was left unanswered on air.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"otklik/app/brief"
	"otklik/app/textru"
	"otklik/data"
	"otklik/data/sqlite"
)

// FollowUpTag marks messages behind a question left unanswered on air; the
// inbox's tag filter (FollowUpQuery) lists them.
const FollowUpTag = "после эфира"

// DefaultBroadcastPeriod is the panel's period when none is given; it is
// compared with the same length just before it.
const DefaultBroadcastPeriod = 30 * 24 * time.Hour

// Panel limits: what a person can read before a broadcast, and what keeps
// the panel fast on a large store.
const (
	panelGroups = 40 // question groups of two or more messages
	// groupTexts bounds the messages read for grouping, newest first. A
	// municipality writes a few thousand messages in 90 days; only a store
	// far above real volumes (the 1 000 000-message benchmark gives Рославль
	// 51 000 in 60 days) reaches it, and then the newest are the ones asked.
	groupTexts        = 12000
	panelOverdue      = 50  // overdue messages listed
	panelAnnouncement = 200 // comments under the announcement
	briefingGroups    = 12
	briefingOverdue   = 40
)

// ShortlistItem is a question chosen for the air (a group or one message).
type ShortlistItem = sqlite.BroadcastQuestion

// FollowUp is a question left unanswered on air that is still open.
type FollowUp = sqlite.FollowUp

// Panel is everything the «Эфир» panel shows for one municipality.
type Panel struct {
	District, DistrictName     string
	From, To, PrevFrom, PrevTo time.Time // half-open periods, To is exclusive

	// Broadcast is the district's planned live stream the shortlist belongs
	// to; nil when none is planned.
	Broadcast *data.Broadcast

	Total, Open, PrevTotal int // residents' messages in the period; Open still wait
	Categories             []brief.CategoryStat
	Platforms              map[string]int // data.Platform value → messages
	Social, POS            int
	Sentiment              brief.SentimentCounts
	Timeline               []brief.DayCount // every day of the period, MSK

	Overdue      []data.Message // open with a passed deadline, newest first (limited)
	OverdueTotal int

	Questions    int             // messages that ask something, the input of grouping
	Groups       []brief.Cluster // two or more messages asking the same, biggest first
	Announcement []brief.Item    // comments under the broadcast's announcement post

	Shortlist []ShortlistItem
	FollowUps []FollowUp // from this district's earlier broadcasts, still open
}

// DefaultPeriod is the panel's default: the 30 days up to and including
// today in Moscow time.
func (a *App) DefaultPeriod() (from, to time.Time) {
	now := a.now().In(moscow)
	to = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, moscow)
	return to.Add(-DefaultBroadcastPeriod), to
}

// NextBroadcast is the earliest planned broadcast from today on; ok is false
// when none is planned.
func (a *App) NextBroadcast(ctx context.Context) (data.Broadcast, bool, error) {
	db, err := a.store()
	if err != nil {
		return data.Broadcast{}, false, err
	}
	all, err := db.Broadcasts(ctx)
	if err != nil {
		return data.Broadcast{}, false, err
	}
	from, _ := a.DefaultPeriod()
	today := from.Add(DefaultBroadcastPeriod - 24*time.Hour)
	var best *data.Broadcast
	for i := range all {
		b := &all[i]
		if b.Status == "planned" && !b.PlannedAt.Before(today) && (best == nil || b.PlannedAt.Before(best.PlannedAt)) {
			best = b
		}
	}
	if best == nil {
		return data.Broadcast{}, false, nil
	}
	return *best, true, nil
}

// districtBroadcast is district's broadcast the shortlist belongs to: the
// latest still planned (a past one not yet marked done is where questions
// are marked answered), else nil.
func districtBroadcast(ctx context.Context, db *sqlite.DB, district string) (*data.Broadcast, error) {
	all, err := db.Broadcasts(ctx) // latest first
	if err != nil {
		return nil, err
	}
	for _, b := range all {
		if b.District == district && b.Status == "planned" {
			return &b, nil
		}
	}
	return nil, nil
}

// PlanBroadcast plans a live stream with district at the given time, so a
// shortlist can be gathered for it.
func (a *App) PlanBroadcast(ctx context.Context, district string, at time.Time) (data.Broadcast, error) {
	db, err := a.store()
	if err != nil {
		return data.Broadcast{}, err
	}
	m, ok := a.municipality(district)
	if !ok {
		return data.Broadcast{}, fmt.Errorf("plan broadcast: unknown municipality %q", district)
	}
	b := data.Broadcast{District: district, PlannedAt: at.UTC(), Title: "Прямой эфир губернатора: " + m.Name, Status: "planned"}
	if err := db.SaveBroadcast(ctx, &b); err != nil {
		return data.Broadcast{}, err
	}
	return b, nil
}

func (a *App) municipality(code string) (textru.Municipality, bool) {
	return a.tagger.Municipality(code)
}

// BroadcastPanel gathers the panel for district over [from, to); zero
// times mean DefaultPeriod. The statistics are counted in the store; only
// the texts of the period's residents' messages are read, for grouping.
func (a *App) BroadcastPanel(ctx context.Context, district string, from, to time.Time) (Panel, error) {
	p, err := a.BroadcastStats(ctx, district, from, to)
	if err != nil {
		return p, err
	}
	p.Groups, p.Questions, err = a.BroadcastGroups(ctx, district, p.From, p.To)
	return p, err
}

// BroadcastStats is the panel without the question groups: everything the
// store counts, the lists, the shortlist and follow-ups. The view shows it
// first and fills the groups in when BroadcastGroups returns.
func (a *App) BroadcastStats(ctx context.Context, district string, from, to time.Time) (Panel, error) {
	db, err := a.store()
	if err != nil {
		return Panel{}, err
	}
	m, ok := a.municipality(district)
	if !ok {
		return Panel{}, fmt.Errorf("broadcast panel: unknown municipality %q", district)
	}
	if from.IsZero() || to.IsZero() {
		from, to = a.DefaultPeriod()
	}
	if !from.Before(to) {
		return Panel{}, fmt.Errorf("broadcast panel: the period ends (%s) before it starts (%s)",
			to.In(moscow).Format("02.01.2006"), from.In(moscow).Format("02.01.2006"))
	}
	p := Panel{District: district, DistrictName: m.Name, From: from, To: to, PrevFrom: from.Add(-to.Sub(from)), PrevTo: from}
	if p.Broadcast, err = districtBroadcast(ctx, db, district); err != nil {
		return p, err
	}

	_, offset := from.In(moscow).Zone()
	st, err := db.DistrictStats(ctx, district, from, to, p.PrevFrom, offset)
	if err != nil {
		return p, err
	}
	p.Total, p.Open, p.PrevTotal, p.Platforms = st.Total, st.Open, st.PrevTotal, st.ByPlatform
	for pl, n := range st.ByPlatform {
		if pl == string(data.POS) {
			p.POS += n
		} else {
			p.Social += n
		}
	}
	p.Sentiment = brief.SentimentCounts{Neg: st.BySentiment[string(data.Negative)], Neu: st.BySentiment[string(data.Neutral)] + st.BySentiment[""],
		Pos: st.BySentiment[string(data.Positive)]}
	p.Categories = a.categoryStats(st.ByCategory, st.PrevByCategory)
	p.Timeline = timeline(st.Days, from, to, offset)

	if p.Overdue, p.OverdueTotal, err = db.OverdueInDistrict(ctx, district, a.now(), panelOverdue); err != nil {
		return p, err
	}
	if p.Broadcast != nil && p.Broadcast.AnnouncementPostID != 0 {
		under, err := db.PostComments(ctx, p.Broadcast.AnnouncementPostID, panelAnnouncement)
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return p, err
		}
		for _, r := range under {
			if substantive(r.Text) {
				p.Announcement = append(p.Announcement, itemOf(r))
			}
		}
	}
	if p.Broadcast != nil {
		if p.Shortlist, err = db.BroadcastQuestions(ctx, p.Broadcast.ID); err != nil {
			return p, err
		}
	}
	if p.FollowUps, err = db.FollowUps(ctx, district); err != nil {
		return p, err
	}
	return p, nil
}

// BroadcastGroups groups the questions residents of district asked in
// [from, to) (see IsQuestion) and returns the groups of two or more
// messages, biggest first, and how many questions were grouped. Grouping is
// a pure function of its input, so the result is kept for the same
// messages in the same state and reused until one of them changes.
func (a *App) BroadcastGroups(ctx context.Context, district string, from, to time.Time) ([]brief.Cluster, int, error) {
	db, err := a.store()
	if err != nil {
		return nil, 0, err
	}
	// Nothing committed since the last grouping of the same district and
	// period: the result stands, without reading the texts again.
	memo := groupMemoKey{db: db, district: district, from: from.Unix(), to: to.Unix()}
	version, verr := db.ChangeVersion(ctx)
	if verr == nil {
		if g, ok := groupMemos.get(memo); ok && g.version == version {
			return g.groups, g.n, nil
		}
	}
	rows, err := db.DistrictTexts(ctx, district, from, to, groupTexts)
	if err != nil {
		return nil, 0, err
	}
	items := make([]brief.Item, 0, len(rows))
	for _, r := range rows {
		// A short reply in a thread («Ответили? У нас та же история») talks
		// to other residents; a long one is a question of its own.
		if IsQuestion(r.Text) && (!r.Reply || words(r.Text) >= replyWords) {
			items = append(items, itemOf(r))
		}
	}
	key := groupKey(items)
	if g, ok := groupCache.get(key); ok {
		if verr == nil {
			groupMemos.put(memo, grouping{version: version, groups: g.groups, n: len(items)})
		}
		return g.groups, len(items), nil
	}
	groups := brief.Group(items, brief.Options{MinSize: 2})
	if len(groups) > panelGroups {
		groups = groups[:panelGroups]
	}
	for i := range groups {
		groups[i].Members = slices.Clip(groups[i].Members) // callers may append
	}
	groupCache.put(key, grouping{groups: groups})
	if verr == nil {
		groupMemos.put(memo, grouping{version: version, groups: groups, n: len(items)})
	}
	return groups, len(items), nil
}

// groupMemos remembers the last groupings by district and period with the
// store's ChangeVersion at the time they were read.
var groupMemos = &recent[groupMemoKey]{}

type groupMemoKey struct {
	db       *sqlite.DB
	district string
	from, to int64
}

// groupKey fingerprints Group's input: every field it reads.
func groupKey(items []brief.Item) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	num := func(v int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	for _, it := range items {
		num(it.ID)
		num(it.Created.Unix())
		num(int64(boolInt(it.Open)))
		for _, s := range []string{it.Text, it.Category, it.Author, it.Platform} {
			num(int64(len(s)))
			h.Write([]byte(s))
		}
	}
	num(int64(len(items)))
	return h.Sum64()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// groupCache keeps the last few groupings by their input (groupKey): the
// panel is reopened, its period switched back and forth, and the briefing
// exported from the same data.
var groupCache = &recent[uint64]{}

// grouping is a kept result of Group: the groups, how many questions went
// in, and for groupMemos the ChangeVersion it was read at.
type grouping struct {
	version int64
	groups  []brief.Cluster
	n       int
}

// recent keeps the last recentSize groupings, newest first. The groups are
// copied in and out, so callers may change what they get.
type recent[K comparable] struct {
	mu   sync.Mutex
	keys []K
	vals []grouping
}

const recentSize = 4

func (c *recent[K]) get(k K) (grouping, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.keys {
		if x == k {
			g := c.vals[i]
			g.groups = slices.Clone(g.groups)
			return g, true
		}
	}
	return grouping{}, false
}

func (c *recent[K]) put(k K, g grouping) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.Index(c.keys, k); i >= 0 {
		c.keys, c.vals = slices.Delete(c.keys, i, i+1), slices.Delete(c.vals, i, i+1)
	}
	g.groups = slices.Clone(g.groups)
	c.keys = append([]K{k}, c.keys...)
	c.vals = append([]grouping{g}, c.vals...)
	if len(c.keys) > recentSize {
		c.keys, c.vals = c.keys[:recentSize], c.vals[:recentSize]
	}
}

func itemOf(r sqlite.TextRow) brief.Item {
	return brief.Item{ID: r.ID, Text: r.Text, Category: r.Category, Open: r.Status.Open(), Author: r.Author,
		Created: r.Created, Platform: string(r.Platform)}
}

// categoryStats lists every category seen in either period, the biggest
// first; messages without a topic come last as «Без темы».
func (a *App) categoryStats(cur, prev map[string]int) []brief.CategoryStat {
	names := map[string]string{"": "Без темы"}
	for _, c := range a.tagger.Categories() {
		names[c.Code] = c.Name
	}
	var out []brief.CategoryStat
	for code := range mergeKeys(cur, prev) {
		name, ok := names[code]
		if !ok {
			name = code
		}
		out = append(out, brief.CategoryStat{Code: code, Name: name, Count: cur[code], PrevCount: prev[code]})
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if (x.Code == "") != (y.Code == "") {
			return y.Code == ""
		}
		if x.Count != y.Count {
			return x.Count > y.Count
		}
		if x.PrevCount != y.PrevCount {
			return x.PrevCount > y.PrevCount
		}
		return x.Name < y.Name
	})
	return out
}

func mergeKeys(ms ...map[string]int) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

// timeline has one entry per local day of [from, to), days without
// messages included, so the chart's gaps are real.
func timeline(days map[int64]int, from, to time.Time, offset int) []brief.DayCount {
	var out []brief.DayCount
	zone := time.FixedZone("", offset)
	first := (from.Unix() + int64(offset)) / 86400
	last := (to.Unix() - 1 + int64(offset)) / 86400
	for d := first; d <= last; d++ {
		day := time.Unix(d*86400-int64(offset), 0).In(zone)
		out = append(out, brief.DayCount{Day: day, Count: days[d]})
	}
	return out
}

// questionWords start or carry a question or a request to the authorities.
var questionWords = map[string]bool{
	"когда": true, "почему": true, "зачем": true, "где": true, "куда": true, "как": true, "сколько": true,
	"кто": true, "что": true, "какой": true, "какая": true, "какие": true, "каким": true, "чем": true, "доколе": true,
	"ли": true, "подскажите": true, "скажите": true, "ответьте": true, "объясните": true, "разъясните": true,
	"прошу": true, "просим": true, "помогите": true, "требуем": true, "примите": true, "разберитесь": true,
	"будет": true, "планируется": true, "собираются": true, "можно": true, "нельзя": true,
}

// IsQuestion reports whether a resident's message asks the authorities
// something: it has a question mark, or a question word or a request
// («прошу», «помогите», «когда», «будет ли»). Residents write requests as
// often as questions, and both are what the governor is asked on air; short
// reactions («Спасибо!», «Молодцы») and thanks are left out.
func IsQuestion(text string) bool {
	if !substantive(text) {
		return false
	}
	if strings.ContainsRune(text, '?') {
		return true
	}
	// Words are folded into a small buffer and looked up without building
	// strings: the panel asks this of every message of a period.
	var buf [32]byte
	w := buf[:0]
	long := false
	for i, r := range text {
		if unicode.IsLetter(r) {
			if !long {
				l := unicode.ToLower(r)
				if l == 'ё' {
					l = 'е'
				}
				if len(w)+utf8.RuneLen(l) > len(buf) {
					long = true // longer than any question word
				} else {
					w = utf8.AppendRune(w, l)
				}
			}
			if i+utf8.RuneLen(r) < len(text) {
				continue
			}
		}
		if !long && len(w) > 0 && questionWords[string(w)] {
			return true
		}
		w, long = w[:0], false
	}
	return false
}

// replyWords is the length from which a reply in a thread counts as a
// question of its own.
const replyWords = 8

// words counts the words with letters in text.
func words(text string) int {
	n := 0
	inWord, letter := false, false
	for _, r := range text {
		if unicode.IsSpace(r) {
			if inWord && letter {
				n++
			}
			inWord, letter = false, false
			continue
		}
		inWord = true
		letter = letter || unicode.IsLetter(r)
	}
	if inWord && letter {
		n++
	}
	return n
}

// substantive reports whether a text has at least three words: anything
// shorter cannot be asked on air.
func substantive(text string) bool { return words(text) >= 3 }

// FollowUpQuery is the inbox query listing follow-ups of broadcasts.
func FollowUpQuery() Query {
	return Query{Filter: data.Filter{Tag: FollowUpTag}}
}

// storeBroadcast returns the broadcast a shortlist change is about.
func (a *App) storeBroadcast(ctx context.Context, id int64) (*sqlite.DB, data.Broadcast, error) {
	db, err := a.store()
	if err != nil {
		return nil, data.Broadcast{}, err
	}
	b, err := db.Broadcast(ctx, id)
	return db, b, err
}

// ShortlistGroup puts a question group on broadcastID's shortlist, worded
// by its representative. A group already there is returned as it is.
func (a *App) ShortlistGroup(ctx context.Context, broadcastID int64, c brief.Cluster) (ShortlistItem, error) {
	db, _, err := a.storeBroadcast(ctx, broadcastID)
	if err != nil {
		return ShortlistItem{}, err
	}
	q := ShortlistItem{BroadcastID: broadcastID, MessageID: c.RepresentativeID, Text: c.Representative}
	for _, m := range c.Members {
		q.Members = append(q.Members, m.ID)
	}
	if err := db.AddBroadcastQuestion(ctx, &q); err != nil {
		return q, err
	}
	a.publish(Event{Kind: EventCounts})
	return q, nil
}

// ShortlistMessage puts one question (a message) on the shortlist.
func (a *App) ShortlistMessage(ctx context.Context, broadcastID int64, it brief.Item) (ShortlistItem, error) {
	db, _, err := a.storeBroadcast(ctx, broadcastID)
	if err != nil {
		return ShortlistItem{}, err
	}
	q := ShortlistItem{BroadcastID: broadcastID, MessageID: it.ID, Members: []int64{it.ID}, Text: trimQuote(it.Text, 240)}
	if err := db.AddBroadcastQuestion(ctx, &q); err != nil {
		return q, err
	}
	return q, nil
}

// Shortlist lists broadcastID's shortlist in its order.
func (a *App) Shortlist(ctx context.Context, broadcastID int64) ([]ShortlistItem, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return db.BroadcastQuestions(ctx, broadcastID)
}

// UpdateShortlistItem saves an item's wording, note, agency and the
// answered-on-air mark.
func (a *App) UpdateShortlistItem(ctx context.Context, it ShortlistItem) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	return db.UpdateBroadcastQuestion(ctx, it)
}

// MoveShortlistItem moves an item delta places (−1 up, +1 down).
func (a *App) MoveShortlistItem(ctx context.Context, id int64, delta int) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	return db.MoveBroadcastQuestion(ctx, id, delta)
}

// RemoveShortlistItem takes an item off the shortlist.
func (a *App) RemoveShortlistItem(ctx context.Context, id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	return db.DeleteBroadcastQuestion(ctx, id)
}

// CompleteBroadcast records the live stream as held: the shortlisted items
// in answered are marked answered on air, and every other item becomes a
// follow-up owned by owner and due at due — its messages get the tag
// FollowUpTag, the owner as assignee and the deadline, so they show in the
// inbox and in the district's next briefing. It returns the number of
// follow-ups made.
func (a *App) CompleteBroadcast(ctx context.Context, broadcastID int64, answered []int64, owner string, due time.Time) (int, error) {
	db, b, err := a.storeBroadcast(ctx, broadcastID)
	if err != nil {
		return 0, err
	}
	items, err := db.BroadcastQuestions(ctx, broadcastID)
	if err != nil {
		return 0, err
	}
	var rest []ShortlistItem
	for _, it := range items {
		if !slices.Contains(answered, it.ID) {
			rest = append(rest, it)
		}
	}
	owner = strings.TrimSpace(owner)
	if len(rest) > 0 && (owner == "" || due.IsZero()) {
		return 0, errors.New("the questions not answered on air need an owner and a deadline")
	}
	if len(rest) > 0 && !due.After(a.now()) {
		return 0, fmt.Errorf("the deadline %s has already passed", due.In(moscow).Format("02.01.2006"))
	}
	for _, it := range items {
		if slices.Contains(answered, it.ID) && !it.AnsweredOnAir {
			it.AnsweredOnAir = true
			if err := db.UpdateBroadcastQuestion(ctx, it); err != nil {
				return 0, err
			}
		}
	}
	for _, it := range rest {
		if err := db.SetFollowUp(ctx, it.ID, FollowUpTag, owner, due, a.now()); err != nil {
			return 0, err
		}
	}
	b.Status = "done"
	if err := db.SaveBroadcast(ctx, &b); err != nil {
		return 0, err
	}
	if len(rest) > 0 {
		a.publish(Event{Kind: EventMessages})
	}
	return len(rest), nil
}

// BriefingOptions shape an exported briefing.
type BriefingOptions struct {
	Pseudonymise bool // residents' names replaced, phones and e-mails hidden
}

// Briefing turns a panel into the document handed to the governor: the
// statistics, the shortlist with residents' quotes, the top question groups,
// the announcement questions and what is still unresolved, earlier
// follow-ups first.
func (a *App) Briefing(ctx context.Context, p Panel, opts BriefingOptions) (brief.Briefing, error) {
	db, err := a.store()
	if err != nil {
		return brief.Briefing{}, err
	}
	b := brief.Briefing{District: p.District, DistrictName: p.DistrictName, From: p.From, To: p.To,
		PrevFrom: p.PrevFrom, PrevTo: p.PrevTo, Generated: a.now().In(moscow),
		Categories: p.Categories, Platforms: p.Platforms, Sentiment: p.Sentiment, Timeline: p.Timeline,
		AnnouncementQuestions: p.Announcement, Pseudonymise: opts.Pseudonymise}
	if p.Broadcast != nil {
		b.BroadcastAt = p.Broadcast.PlannedAt.In(moscow)
	}
	b.Groups = p.Groups
	if len(b.Groups) > briefingGroups {
		b.Groups = b.Groups[:briefingGroups]
	}
	for _, s := range p.Shortlist {
		item := brief.ShortItem{Title: s.Text, Note: s.Note, Agency: s.Agency, Unanswered: s.Open, Size: len(s.Members)}
		for _, id := range quoteIDs(s, 3) {
			m, err := db.Message(ctx, id)
			if errors.Is(err, data.ErrNotFound) {
				continue // removed since it was shortlisted
			}
			if err != nil {
				return b, err
			}
			if q := trimQuote(m.Text, 320); q != "" && !slices.Contains(item.Quotes, q) {
				item.Quotes = append(item.Quotes, q)
			}
		}
		b.Shortlist = append(b.Shortlist, item)
	}
	for _, f := range p.FollowUps {
		overdue := !f.FollowUpDue.IsZero() && f.FollowUpDue.Before(a.now())
		b.Unresolved = append(b.Unresolved, brief.UnresolvedItem{
			Text: fmt.Sprintf("После эфира %s не отвечено: %s Поручение: %s, срок — %s; открыто обращений: %d.",
				f.BroadcastAt.In(moscow).Format("02.01.2006"), sentence(f.Text), f.FollowUpOwner,
				f.FollowUpDue.In(moscow).Format("02.01.2006"), f.Open),
			Author: "", Created: f.BroadcastAt.In(moscow), Overdue: overdue})
	}
	for i, m := range p.Overdue {
		if i == briefingOverdue {
			break
		}
		b.Unresolved = append(b.Unresolved, brief.UnresolvedItem{Text: m.Text, Author: m.AuthorName,
			Created: m.CreatedAt.In(moscow), Platform: string(m.Platform), Overdue: true})
	}
	return b, nil
}

// quoteIDs picks up to n messages to quote: the representative first, then
// the newest members.
func quoteIDs(s ShortlistItem, n int) []int64 {
	var ids []int64
	if s.MessageID != 0 {
		ids = append(ids, s.MessageID)
	}
	for i := len(s.Members) - 1; i >= 0 && len(ids) < n; i-- {
		if !slices.Contains(ids, s.Members[i]) {
			ids = append(ids, s.Members[i])
		}
	}
	return ids
}

// sentence ends s with a full stop unless it ends with punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if r, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(".!?…»", r) {
		s += "."
	}
	return s
}

// trimQuote collapses spaces and cuts a long text at a word boundary.
func trimQuote(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)[:max]
	cut := strings.LastIndexFunc(string(rs), unicode.IsSpace)
	if cut < len(string(rs))/2 {
		cut = len(string(rs))
	}
	return strings.TrimRight(string(rs)[:cut], " ,;:—-") + "…"
}

// Briefing formats.
const (
	FormatPDF  = "pdf"
	FormatDOCX = "docx"
	FormatHTML = "html"
)

// BriefingFormat picks the format from a file name's extension.
func BriefingFormat(path string) (string, error) {
	switch strings.ToLower(strings.TrimPrefix(filepath.Ext(path), ".")) {
	case "pdf":
		return FormatPDF, nil
	case "docx":
		return FormatDOCX, nil
	case "html", "htm":
		return FormatHTML, nil
	}
	return "", fmt.Errorf("cannot tell the format from %q: use .pdf, .docx or .html, or give the format", filepath.Base(path))
}

// WriteBriefing writes b in format (pdf, docx or html).
func WriteBriefing(w io.Writer, format string, b brief.Briefing) error {
	switch format {
	case FormatPDF:
		return brief.WritePDF(w, pdfSafe(b))
	case FormatDOCX:
		return brief.WriteDOCX(w, b)
	case FormatHTML:
		return brief.WriteHTML(w, b)
	}
	return fmt.Errorf("unknown briefing format %q (pdf, docx or html)", format)
}

// SaveBriefing writes b to path in format ("" takes it from the
// extension). The document is rendered in memory and renamed into place, so
// a failure never leaves a half-written file over an old one.
func SaveBriefing(path, format string, b brief.Briefing) error {
	if format == "" {
		f, err := BriefingFormat(path)
		if err != nil {
			return err
		}
		format = f
	}
	var buf bytes.Buffer
	if err := WriteBriefing(&buf, format, b); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".otklik-brief-*")
	if err != nil {
		return fmt.Errorf("saving the briefing: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the briefing: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the briefing: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("saving the briefing: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving the briefing: %w", err)
	}
	return nil
}

// bmpEmoji are the emoji inside the Basic Multilingual Plane
// (Emoji_Presentation) that DejaVu draws as an empty box.
const bmpEmoji = "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽✅✊✋✨❌❎❓❔❕❗➕➖➗➰➿⬛⬜⭐⭕"

// emojiRune reports whether r is an emoji or a part of an emoji sequence
// (variation selector, zero-width joiner).
func emojiRune(r rune) bool {
	return r > 0xFFFF || r == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) || strings.ContainsRune(bmpEmoji, r)
}

// pdfSafe drops emoji, which residents use a lot, from the briefing's
// texts: the PDF library measures text with a 65 536-entry width table and
// fails on characters beyond it, and the embedded DejaVu fonts have no
// glyphs for them anyway. HTML and DOCX keep them.
func pdfSafe(b brief.Briefing) brief.Briefing {
	clean := func(s string) string {
		if !strings.ContainsFunc(s, emojiRune) {
			return s
		}
		return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
			if emojiRune(r) {
				return ' '
			}
			return r
		}, s)), " ")
	}
	b.DistrictName = clean(b.DistrictName)
	b.Groups = slices.Clone(b.Groups)
	for i := range b.Groups {
		c := &b.Groups[i]
		c.Representative = clean(c.Representative)
		c.Quotes = slices.Clone(c.Quotes)
		for k := range c.Quotes {
			c.Quotes[k].Text, c.Quotes[k].Author = clean(c.Quotes[k].Text), clean(c.Quotes[k].Author)
		}
		c.Members = slices.Clone(c.Members)
		for k := range c.Members {
			c.Members[k].Text, c.Members[k].Author = clean(c.Members[k].Text), clean(c.Members[k].Author)
		}
	}
	b.Shortlist = slices.Clone(b.Shortlist)
	for i := range b.Shortlist {
		s := &b.Shortlist[i]
		s.Title, s.Note, s.Agency = clean(s.Title), clean(s.Note), clean(s.Agency)
		s.Quotes = slices.Clone(s.Quotes)
		for k := range s.Quotes {
			s.Quotes[k] = clean(s.Quotes[k])
		}
	}
	b.Unresolved = slices.Clone(b.Unresolved)
	for i := range b.Unresolved {
		b.Unresolved[i].Text, b.Unresolved[i].Author = clean(b.Unresolved[i].Text), clean(b.Unresolved[i].Author)
	}
	b.AnnouncementQuestions = slices.Clone(b.AnnouncementQuestions)
	for i := range b.AnnouncementQuestions {
		it := &b.AnnouncementQuestions[i]
		it.Text, it.Author = clean(it.Text), clean(it.Author)
	}
	return b
}

// ExportBriefing writes the briefing of panel p to path in format ("" takes
// it from the extension): the panel's «Экспорт» and `otklik brief` share it.
func (a *App) ExportBriefing(ctx context.Context, p Panel, opts BriefingOptions, format, path string) error {
	b, err := a.Briefing(ctx, p, opts)
	if err != nil {
		return err
	}
	return SaveBriefing(path, format, b)
}
