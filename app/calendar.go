package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"otklik/app/plan"
	"otklik/app/textru"
	"otklik/data"
	"otklik/data/sqlite"
)

// Calendar item statuses, in workflow order.
const (
	CalendarIdea      = "idea"      // идея
	CalendarDraft     = "draft"     // черновик
	CalendarReview    = "review"    // на согласовании
	CalendarApproved  = "approved"  // согласовано
	CalendarScheduled = "scheduled" // запланировано: goes out through the outbox at its time
	CalendarPublished = "published" // опубликовано
	CalendarSkipped   = "skipped"   // пропущено
)

// CalendarStatuses lists the statuses in workflow order.
var CalendarStatuses = []string{CalendarIdea, CalendarDraft, CalendarReview, CalendarApproved, CalendarScheduled,
	CalendarPublished, CalendarSkipped}

// CalendarKinds lists the item kinds: post, photo post, video, live stream, story.
var CalendarKinds = []string{"post", "photo", "video", "live", "story"}

// EventCalendar tells the views that calendar items changed.
const EventCalendar = "calendar"

// settingPlanRules holds the regularity rules as edited by the office (the
// JSON of assets/plan_rules.json); the shipped file applies when it is unset.
const settingPlanRules = "plan.rules"

// PublishGrace is how late an approved item may still go out on its own.
// Later than that it is missed: a post about this morning's event published
// in the evening by a machine does more harm than good, so a person decides.
// The matcher uses the same window to recognise a planned post on the network.
const PublishGrace = 2 * time.Hour

// calendarFlow is every allowed status change. Returning to an earlier stage
// is allowed where a real office does it (a draft sent back from review, an
// approved item withdrawn); a published item is history and never changes.
var calendarFlow = map[string][]string{
	CalendarIdea:      {CalendarDraft, CalendarSkipped},
	CalendarDraft:     {CalendarReview, CalendarIdea, CalendarSkipped},
	CalendarReview:    {CalendarApproved, CalendarDraft, CalendarSkipped},
	CalendarApproved:  {CalendarScheduled, CalendarPublished, CalendarDraft, CalendarSkipped},
	CalendarScheduled: {CalendarPublished, CalendarApproved, CalendarSkipped},
	CalendarSkipped:   {CalendarDraft},
}

// CalendarTransitions lists the statuses an item in status from may move to.
func CalendarTransitions(from string) []string { return slices.Clone(calendarFlow[from]) }

// CalendarCanTransition reports whether from → to is an allowed change.
func CalendarCanTransition(from, to string) bool { return slices.Contains(calendarFlow[from], to) }

// Errors of the calendar's actions; the UI explains each one.
var (
	ErrCalendarTransition = errors.New("this status change is not allowed")
	ErrCalendarNoApprover = errors.New("approval needs the operator's name (Настройки)")
	ErrCalendarQueued     = errors.New("the item is already on its way to the network")
	ErrCalendarPublished  = errors.New("a published item cannot be changed")
	ErrCalendarInvalid    = errors.New("invalid calendar item")
)

// plannedStatus marks items that are still expected to go out.
func plannedStatus(s string) bool {
	return s == CalendarDraft || s == CalendarReview || s == CalendarApproved || s == CalendarScheduled
}

// CalendarMissed reports whether an item's time passed without publication:
// a draft or an item in review is missed at its time, an approved one once
// the outbox had PublishGrace to send it. The calendar shows it in red.
func CalendarMissed(it data.CalendarItem, now time.Time) bool {
	switch it.Status {
	case CalendarDraft, CalendarReview:
		return it.PlannedAt.Before(now)
	case CalendarApproved, CalendarScheduled:
		return it.PlannedAt.Add(PublishGrace).Before(now)
	}
	return false
}

// CalendarAccounts lists the accounts the office publishes to: every
// network account, not the feedback platform ПОС, which takes no posts.
func (a *App) CalendarAccounts(ctx context.Context) ([]data.Account, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	all, err := db.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, acc := range all {
		if acc.Platform != data.POS {
			out = append(out, acc)
		}
	}
	return out, nil
}

// CalendarItems lists items planned in [from, to) in time order, of one
// account or, with accountID 0, of all.
func (a *App) CalendarItems(ctx context.Context, from, to time.Time, accountID int64) ([]data.CalendarItem, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	items, err := db.CalendarItems(ctx, from, to)
	if err != nil || accountID == 0 {
		return items, err
	}
	out := items[:0]
	for _, it := range items {
		if it.AccountID == accountID {
			out = append(out, it)
		}
	}
	return out, nil
}

// CalendarItem returns one item.
func (a *App) CalendarItem(ctx context.Context, id int64) (data.CalendarItem, error) {
	db, err := a.store()
	if err != nil {
		return data.CalendarItem{}, err
	}
	return db.CalendarItem(ctx, id)
}

// onItsWay reports whether the outbox holds the item queued, sending or sent.
func onItsWay(ctx context.Context, db *sqlite.DB, id int64) (bool, error) {
	obs, err := db.CalendarOutbox(ctx, id)
	if err != nil {
		return false, err
	}
	for _, ob := range obs {
		if ob.State != data.OutboxFailed {
			return true, nil
		}
	}
	return false, nil
}

func (a *App) validItem(ctx context.Context, db *sqlite.DB, it *data.CalendarItem) error {
	it.Title = strings.TrimSpace(it.Title)
	it.Text = strings.TrimSpace(it.Text)
	if it.Title == "" && it.Text == "" {
		return fmt.Errorf("%w: a title or a text is needed", ErrCalendarInvalid)
	}
	if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Text) {
		return fmt.Errorf("%w: the text is not valid UTF-8", ErrCalendarInvalid)
	}
	if it.Kind == "" {
		it.Kind = "post"
	}
	if !slices.Contains(CalendarKinds, it.Kind) {
		return fmt.Errorf("%w: unknown kind %q", ErrCalendarInvalid, it.Kind)
	}
	if it.PlannedAt.IsZero() {
		return fmt.Errorf("%w: no planned time", ErrCalendarInvalid)
	}
	it.PlannedAt = it.PlannedAt.UTC().Truncate(time.Minute)
	if it.District != "" {
		if _, ok := a.tagger.Municipality(it.District); !ok {
			return fmt.Errorf("%w: unknown municipality %q", ErrCalendarInvalid, it.District)
		}
	}
	acc, err := db.Account(ctx, it.AccountID)
	if err != nil {
		return fmt.Errorf("%w: account %d: %w", ErrCalendarInvalid, it.AccountID, err)
	}
	if acc.Platform == data.POS {
		return fmt.Errorf("%w: ПОС takes no posts", ErrCalendarInvalid)
	}
	return nil
}

// SaveCalendarItem creates (ID 0) or edits an item and sets it to what was
// stored. A new item starts as an idea or a draft (a draft when Status is
// empty). An edit keeps the stored status and approver — statuses change
// only through SetCalendarStatus — except that new wording of an approved
// item sends it back to review: the approval was for the old text. An item
// already on its way to the network or published cannot be edited.
func (a *App) SaveCalendarItem(ctx context.Context, it *data.CalendarItem) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	v := *it
	if err := a.validItem(ctx, db, &v); err != nil {
		return err
	}
	if v.ID == 0 {
		switch v.Status {
		case "":
			v.Status = CalendarDraft
		case CalendarIdea, CalendarDraft:
		default:
			return fmt.Errorf("%w: a new item starts as an idea or a draft, not %q", ErrCalendarInvalid, v.Status)
		}
		v.Approver, v.PublishedAt, v.RemoteID = "", time.Time{}, ""
	} else {
		old, err := db.CalendarItem(ctx, v.ID)
		if err != nil {
			return err
		}
		if err := editable(ctx, db, old); err != nil {
			return err
		}
		v.Status, v.Approver, v.PublishedAt, v.RemoteID = old.Status, old.Approver, old.PublishedAt, old.RemoteID
		reworded := v.Title != old.Title || v.Text != old.Text || v.Kind != old.Kind || v.AccountID != old.AccountID
		if reworded && (old.Status == CalendarApproved || old.Status == CalendarScheduled) {
			v.Status, v.Approver = CalendarReview, ""
		}
	}
	if err := db.SaveCalendarItem(ctx, &v); err != nil {
		return err
	}
	*it = v
	a.publish(Event{Kind: EventCalendar})
	return nil
}

func editable(ctx context.Context, db *sqlite.DB, it data.CalendarItem) error {
	if it.Status == CalendarPublished {
		return ErrCalendarPublished
	}
	busy, err := onItsWay(ctx, db, it.ID)
	if err != nil {
		return err
	}
	if busy {
		return ErrCalendarQueued
	}
	return nil
}

// MoveCalendarItem plans an item for another time (a drag in the calendar).
func (a *App) MoveCalendarItem(ctx context.Context, id int64, at time.Time) (data.CalendarItem, error) {
	db, err := a.store()
	if err != nil {
		return data.CalendarItem{}, err
	}
	it, err := db.CalendarItem(ctx, id)
	if err != nil {
		return it, err
	}
	if err := editable(ctx, db, it); err != nil {
		return it, err
	}
	if at.IsZero() {
		return it, fmt.Errorf("%w: no planned time", ErrCalendarInvalid)
	}
	it.PlannedAt = at.UTC().Truncate(time.Minute)
	if err := db.SaveCalendarItem(ctx, &it); err != nil {
		return it, err
	}
	a.publish(Event{Kind: EventCalendar})
	return it, nil
}

// DuplicateCalendarItem copies an item to at (a day later when at is zero)
// as a new draft (an idea stays an idea) without approver or publication.
func (a *App) DuplicateCalendarItem(ctx context.Context, id int64, at time.Time) (data.CalendarItem, error) {
	src, err := a.CalendarItem(ctx, id)
	if err != nil {
		return src, err
	}
	if at.IsZero() {
		at = src.PlannedAt.AddDate(0, 0, 1)
	}
	cp := data.CalendarItem{AccountID: src.AccountID, Kind: src.Kind, Title: src.Title, Text: src.Text,
		District: src.District, PlannedAt: at, Status: CalendarDraft}
	if src.Status == CalendarIdea {
		cp.Status = CalendarIdea
	}
	err = a.SaveCalendarItem(ctx, &cp)
	return cp, err
}

// DeleteCalendarItem removes an item that has not gone to the network; one
// that has can only be skipped, so the outbox keeps its record.
func (a *App) DeleteCalendarItem(ctx context.Context, id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	obs, err := db.CalendarOutbox(ctx, id)
	if err != nil {
		return err
	}
	if len(obs) > 0 {
		return ErrCalendarQueued
	}
	if err := db.DeleteCalendarItem(ctx, id); err != nil {
		return err
	}
	a.publish(Event{Kind: EventCalendar})
	return nil
}

// outboxCancelled is the outbox's last error for a post withdrawn in the
// calendar before the sync engine took it.
const outboxCancelled = "отменено в календаре"

// SetCalendarStatus moves an item along the workflow. Approving records the
// operator (User) as the approver; going back before approval clears it.
// Withdrawing a scheduled item cancels its outbox entry if the sync engine
// has not taken it yet, and is refused once it is being sent.
func (a *App) SetCalendarStatus(ctx context.Context, id int64, to string) (data.CalendarItem, error) {
	db, err := a.store()
	if err != nil {
		return data.CalendarItem{}, err
	}
	it, err := db.CalendarItem(ctx, id)
	if err != nil {
		return it, err
	}
	if !CalendarCanTransition(it.Status, to) {
		return it, fmt.Errorf("%w: %s → %s", ErrCalendarTransition, it.Status, to)
	}
	var cancel []data.OutboxItem
	if to != CalendarPublished {
		obs, err := db.CalendarOutbox(ctx, id)
		if err != nil {
			return it, err
		}
		for _, ob := range obs {
			switch ob.State {
			case data.OutboxQueued:
				cancel = append(cancel, ob)
			case data.OutboxSending, data.OutboxSent:
				return it, ErrCalendarQueued
			}
		}
	}
	switch to {
	case CalendarApproved:
		if it.Status != CalendarScheduled {
			user := strings.TrimSpace(a.User(ctx))
			if user == "" {
				return it, ErrCalendarNoApprover
			}
			it.Approver = user
		}
	case CalendarIdea, CalendarDraft, CalendarReview:
		it.Approver = ""
	case CalendarPublished:
		if it.PublishedAt.IsZero() {
			it.PublishedAt = a.now().UTC().Truncate(time.Second)
		}
	}
	for _, ob := range cancel {
		ob.State, ob.LastError, ob.NextTry = data.OutboxFailed, outboxCancelled, time.Time{}
		if err := db.UpdateOutbox(ctx, &ob); err != nil {
			return it, err
		}
	}
	it.Status = to
	if err := db.SaveCalendarItem(ctx, &it); err != nil {
		return it, err
	}
	a.publish(Event{Kind: EventCalendar})
	return it, nil
}

// PlanRules returns the regularity rules in force: the office's edited
// rules (setting "plan.rules") or the shipped ones, with municipality codes
// reconciled to the gazetteer's so that the tagger's mentions count.
func (a *App) PlanRules(ctx context.Context) (plan.Rules, error) {
	db, err := a.store()
	if err != nil {
		return plan.Rules{}, err
	}
	raw, err := setting(ctx, db, settingPlanRules)
	if err != nil {
		return plan.Rules{}, err
	}
	rules := plan.DefaultRules()
	if strings.TrimSpace(raw) != "" {
		if rules, err = plan.ParseRules([]byte(raw)); err != nil {
			return plan.Rules{}, fmt.Errorf("regularity rules in the store: %w", err)
		}
	}
	reconcileMunicipalities(&rules, a.tagger)
	return rules, nil
}

// SetPlanRules stores edited regularity rules after checking them; an empty
// string returns to the shipped rules.
func (a *App) SetPlanRules(ctx context.Context, raw string) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	if strings.TrimSpace(raw) != "" {
		if _, err := plan.ParseRules([]byte(raw)); err != nil {
			return err
		}
	}
	if err := db.SetSetting(ctx, settingPlanRules, raw); err != nil {
		return err
	}
	a.publish(Event{Kind: EventCalendar})
	return nil
}

func foldName(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "ё", "е")
}

// reconcileMunicipalities rewrites rule codes the gazetteer does not know
// to the gazetteer's code of the same place, matched by name («Сычёвка» is
// sychyovka there), so rule codes, item districts and the tagger agree.
func reconcileMunicipalities(r *plan.Rules, t *textru.Tagger) {
	munis := t.Municipalities()
	for i, m := range r.Municipalities {
		if _, ok := t.Municipality(m.Code); ok {
			continue
		}
		name := foldName(m.Name)
		for _, g := range munis {
			if foldName(g.Short) == name || foldName(g.Name) == name ||
				strings.HasPrefix(foldName(g.Short), name+"-") {
				r.Municipalities[i].Code = g.Code
				break
			}
		}
	}
}

// checkWindow is how far back and ahead Check reads the calendar and feed:
// the evaluator's four-week lookback plus a margin for the week in progress.
const checkWindow = 42 * 24 * time.Hour

// CheckHorizon is how far ahead the calendar warns about gaps: two weeks,
// so a hole planned in the week after next shows while there is time.
const CheckHorizon = 14 * 24 * time.Hour

// CheckCalendar evaluates the plan and the published feed against the
// regularity rules at now: violations already there, warnings before they
// happen with free slots that fix them, and the live-stream rotation.
// Messages are in lang ("ru" or "en").
func (a *App) CheckCalendar(ctx context.Context, now time.Time, lang string) (plan.Report, error) {
	db, err := a.store()
	if err != nil {
		return plan.Report{}, err
	}
	rules, err := a.PlanRules(ctx)
	if err != nil {
		return plan.Report{}, err
	}
	accs, err := a.CalendarAccounts(ctx)
	if err != nil {
		return plan.Report{}, err
	}
	byID := make(map[int64]data.Account, len(accs))
	for _, acc := range accs {
		byID[acc.ID] = acc
	}
	// Every network account is tracked, so one with nothing planned at all
	// is warned about instead of being silently skipped.
	if len(rules.Accounts) == 0 {
		rules.Accounts = make(map[int64]plan.AccountRules, len(accs))
		for _, acc := range accs {
			rules.Accounts[acc.ID] = rules.Default
		}
	}
	items, err := db.CalendarItems(ctx, now.Add(-checkWindow), now.Add(checkWindow))
	if err != nil {
		return plan.Report{}, err
	}
	posts, err := db.PostsBetween(ctx, 0, now.Add(-checkWindow), now.Add(time.Second))
	if err != nil {
		return plan.Report{}, err
	}
	published := make([]plan.PublishedPost, 0, len(posts))
	for _, p := range posts {
		if _, ok := byID[p.AccountID]; ok {
			published = append(published, plan.FromPost(p))
		}
	}
	rep := plan.Evaluate(items, published, rules, now, plan.Options{
		Lang:          lang,
		Horizon:       CheckHorizon,
		FindDistricts: a.findDistricts,
		Accounts:      byID,
	})
	// An approved item still within the outbox's grace is being sent, not missed.
	byItem := make(map[int64]data.CalendarItem, len(items))
	for _, it := range items {
		byItem[it.ID] = it
	}
	kept := rep.Violations[:0]
	for _, v := range rep.Violations {
		if v.Kind == plan.KindMissed {
			if it, ok := byItem[v.ItemID]; ok && !CalendarMissed(it, now) {
				continue
			}
		}
		kept = append(kept, v)
	}
	rep.Violations = kept
	return rep, nil
}

// findDistricts is the evaluator's hook into the text core: the
// municipality a text is about, as the inbox's tagger sees it.
func (a *App) findDistricts(text string) []string {
	if d := a.tagger.Tag(text, "").District; d != "" {
		return []string{d}
	}
	return nil
}

// CheckText grades a draft's language: score, verdict and the flagged
// fragments (канцелярит, genitive chains, passives, long sentences) with
// suggestions and byte spans into text.
func (a *App) CheckText(text string) plan.TextReport { return plan.CheckText(text) }

// ExportICS writes the items planned in [from, to) as an iCalendar file
// (RFC 5545) for Outlook or Thunderbird.
func (a *App) ExportICS(ctx context.Context, w io.Writer, from, to time.Time) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	items, err := db.CalendarItems(ctx, from, to)
	if err != nil {
		return err
	}
	accs, err := db.Accounts(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]data.Account, len(accs))
	for _, acc := range accs {
		byID[acc.ID] = acc
	}
	return plan.WriteICS(w, items, byID, a.now())
}

// PlanSuggestion carries out a suggestion of the rules panel: with ItemID
// set it changes that item (time, kind, municipality); otherwise it creates
// a draft at the suggested slot. It returns the item as stored.
func (a *App) PlanSuggestion(ctx context.Context, s plan.Suggestion) (data.CalendarItem, error) {
	if s.ItemID != 0 {
		it, err := a.CalendarItem(ctx, s.ItemID)
		if err != nil {
			return it, err
		}
		if s.Kind != "" {
			it.Kind = s.Kind
		}
		if s.District != "" {
			it.District = s.District
		}
		if !s.At.IsZero() {
			it.PlannedAt = s.At
		}
		err = a.SaveCalendarItem(ctx, &it)
		return it, err
	}
	it := data.CalendarItem{AccountID: s.AccountID, Kind: s.Kind, District: s.District, PlannedAt: s.At,
		Status: CalendarDraft, Title: a.suggestedTitle(s.Kind, s.District)}
	err := a.SaveCalendarItem(ctx, &it)
	return it, err
}

// suggestedTitle names a draft made from a suggestion so it reads as a task
// in the calendar: «Прямой эфир: Рудня», «Пост про Ельню».
func (a *App) suggestedTitle(kind, district string) string {
	name := ""
	if m, ok := a.tagger.Municipality(district); ok {
		name = m.Short
	}
	noun := map[string]string{"photo": "Фоторепортаж", "video": "Видео", "live": "Прямой эфир", "story": "История"}[kind]
	if noun == "" {
		noun = "Пост"
	}
	if name == "" {
		return noun + " — тема не выбрана"
	}
	return noun + ": " + name
}

// similarityMin is the share of the shorter text's content words the other
// must contain for a network post to be recognised as a planned item; the
// office edits wording before publishing, so an exact match is too strict.
const similarityMin = 0.6

// contentStems are the stems of a text's words of four letters or more:
// prepositions and particles say nothing about which post it is.
func contentStems(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range textru.Tokens(text) {
		if utf8.RuneCountInString(w) >= 4 {
			out[textru.Stem(w)] = true
		}
	}
	return out
}

// textSimilarity is the share of the smaller stem set found in the larger.
// Fewer than three shared words count only when they are the whole of the
// shorter text (a title-only item such as «Итоги недели»).
func textSimilarity(a, b map[string]bool) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return 0
	}
	common := 0
	for s := range a {
		if b[s] {
			common++
		}
	}
	if common < min(3, len(a)) {
		return 0
	}
	return float64(common) / float64(len(a))
}

// matchWindow is how far back MarkPublishedFromPosts looks for planned items.
const matchWindow = 14 * 24 * time.Hour

// MarkPublishedFromPosts marks planned items as published when a post pulled
// from the network matches them: the same account, published within
// PublishGrace of the planned time and with similar wording. Each post
// matches one item at most, the most similar pair first. Run it after every
// ingest; it returns how many items it marked.
func (a *App) MarkPublishedFromPosts(ctx context.Context) (int, error) {
	db, err := a.store()
	if err != nil {
		return 0, err
	}
	now := a.now()
	items, err := db.CalendarItems(ctx, now.Add(-matchWindow-PublishGrace), now.Add(24*time.Hour))
	if err != nil {
		return 0, err
	}
	posts, err := db.PostsBetween(ctx, 0, now.Add(-matchWindow-2*PublishGrace), now.Add(24*time.Hour+PublishGrace))
	if err != nil {
		return 0, err
	}
	claimed := map[int64]map[string]bool{}
	for _, it := range items {
		if it.Status == CalendarPublished && it.RemoteID != "" {
			if claimed[it.AccountID] == nil {
				claimed[it.AccountID] = map[string]bool{}
			}
			claimed[it.AccountID][it.RemoteID] = true
		}
	}
	type pair struct {
		item, post int
		sim        float64
		dt         time.Duration
	}
	var pairs []pair
	postStems := make([]map[string]bool, len(posts))
	for i, it := range items {
		if !plannedStatus(it.Status) {
			continue
		}
		var stems map[string]bool
		for j, p := range posts {
			if p.AccountID != it.AccountID || claimed[p.AccountID][p.ExternalID] {
				continue
			}
			dt := p.CreatedAt.Sub(it.PlannedAt)
			if dt < 0 {
				dt = -dt
			}
			if dt > PublishGrace {
				continue
			}
			if stems == nil {
				stems = contentStems(it.Title + "\n" + it.Text)
			}
			if postStems[j] == nil {
				postStems[j] = contentStems(p.Text)
			}
			if sim := textSimilarity(stems, postStems[j]); sim >= similarityMin {
				pairs = append(pairs, pair{item: i, post: j, sim: sim, dt: dt})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].sim != pairs[j].sim {
			return pairs[i].sim > pairs[j].sim
		}
		if pairs[i].dt != pairs[j].dt {
			return pairs[i].dt < pairs[j].dt
		}
		return items[pairs[i].item].ID < items[pairs[j].item].ID
	})
	usedItem, usedPost := map[int]bool{}, map[int]bool{}
	n := 0
	for _, p := range pairs {
		if usedItem[p.item] || usedPost[p.post] {
			continue
		}
		usedItem[p.item], usedPost[p.post] = true, true
		it := items[p.item]
		it.Status, it.PublishedAt, it.RemoteID = CalendarPublished, posts[p.post].CreatedAt, posts[p.post].ExternalID
		if err := db.SaveCalendarItem(ctx, &it); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		a.publish(Event{Kind: EventCalendar})
	}
	return n, nil
}

// postPayload is what the connectors read from a calendar post's outbox
// entry: VK wall.post takes text as message, Telegram sendMessage as text.
type postPayload struct {
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
	Kind     string `json:"kind"`
	District string `json:"district,omitempty"`
}

// publishable reports whether an item's kind goes out as a network post; a
// live stream is run from the studio and a story from the phone.
func publishable(kind string) bool { return kind == "post" || kind == "photo" || kind == "video" }

// CalendarOutboxKey is the idempotency key of an item's post: the same item
// at the same time is queued once however often PublishDue runs; moved to
// another time it is a new publication.
func CalendarOutboxKey(it data.CalendarItem) string {
	return "cal-" + strconv.FormatInt(it.ID, 10) + "-" + strconv.FormatInt(it.PlannedAt.Unix(), 10)
}

// PublishDue queues every approved or scheduled item whose time has come
// (within PublishGrace) in the outbox for the sync engine to send, and marks
// it «запланировано». Queuing is idempotent. The engine reports the result
// through MarkCalendarPublished. It returns how many items it queued now.
func (a *App) PublishDue(ctx context.Context, now time.Time) (int, error) {
	db, err := a.store()
	if err != nil {
		return 0, err
	}
	items, err := db.CalendarItems(ctx, now.Add(-PublishGrace), now.Add(time.Second))
	if err != nil {
		return 0, err
	}
	n, changed := 0, false
	for _, it := range items {
		if (it.Status != CalendarApproved && it.Status != CalendarScheduled) || it.PlannedAt.After(now) ||
			it.AccountID == 0 || !publishable(it.Kind) {
			continue
		}
		text := it.Text
		if text == "" {
			text = it.Title
		}
		payload, err := json.Marshal(postPayload{Text: text, Title: it.Title, Kind: it.Kind, District: it.District})
		if err != nil {
			return n, err
		}
		ob := data.OutboxItem{AccountID: it.AccountID, Kind: "post", CalendarItemID: it.ID,
			IdempotencyKey: CalendarOutboxKey(it), Payload: string(payload), CreatedAt: now.UTC().Truncate(time.Second)}
		switch err := db.EnqueueOutbox(ctx, &ob, ""); {
		case errors.Is(err, sqlite.ErrDuplicate):
		case err != nil:
			return n, err
		default:
			n++
		}
		if it.Status == CalendarApproved {
			it.Status = CalendarScheduled
			if err := db.SaveCalendarItem(ctx, &it); err != nil {
				return n, err
			}
			changed = true
		}
	}
	if changed || n > 0 {
		a.publish(Event{Kind: EventCalendar})
		a.publish(Event{Kind: EventSync})
	}
	return n, nil
}

// MarkCalendarPublished is the sync engine's hook: call it when the outbox
// entry of a calendar post (OutboxItem.CalendarItemID) is sent, with the
// network's id of the new post and the time it went out. The item becomes
// «опубликовано» whatever its status, since the post is on the network.
func (a *App) MarkCalendarPublished(ctx context.Context, itemID int64, remoteID string, at time.Time) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	it, err := db.CalendarItem(ctx, itemID)
	if err != nil {
		return err
	}
	if at.IsZero() {
		at = a.now()
	}
	it.Status, it.RemoteID, it.PublishedAt = CalendarPublished, remoteID, at.UTC().Truncate(time.Second)
	if err := db.SaveCalendarItem(ctx, &it); err != nil {
		return err
	}
	a.publish(Event{Kind: EventCalendar})
	return nil
}

// AlertAhead is how far ahead a warning is announced by a notification.
const AlertAhead = 24 * time.Hour

// CalendarAlerts returns, in Russian, the warnings that break within
// AlertAhead of now and were not announced before (each once, remembered in
// the store). The notification watcher calls it on its tick and shows each
// text through the same notifier as overdue replies, titled «Календарь».
func (a *App) CalendarAlerts(ctx context.Context, now time.Time) ([]string, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	rep, err := a.CheckCalendar(ctx, now, "ru")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range rep.Warnings {
		if w.BreaksAt.After(now.Add(AlertAhead)) {
			continue
		}
		// A warning already due (an account with nothing planned) is keyed
		// by the day, so it repeats at most daily rather than every tick.
		at := w.BreaksAt
		if !at.After(now) {
			d := now.In(plan.Moscow)
			at = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, plan.Moscow)
		}
		key := fmt.Sprintf("%s.%d.%s.%d.%d", w.Kind, w.AccountID, w.District, w.ItemID, at.Unix())
		first, err := db.MarkCalendarAlert(ctx, key, now)
		if err != nil {
			return out, err
		}
		if first {
			out = append(out, w.Message)
		}
	}
	return out, nil
}
