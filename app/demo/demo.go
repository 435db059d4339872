// Package demo fills an empty store with a believable region: the press
// office's five accounts, 60 days of posts, resident comments with threads
// and office replies in every workflow state, an upcoming live stream with
// its questions, a content calendar and reply templates.
//
// Texts come from a phrase grammar in assets (demo_places_ru.json,
// demo_ru.json) and carry no topic, district or sentiment: the text core
// must find them the way it does for real comments. Output is a pure
// function of Options: the same Seed and Now give byte-identical records.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"otklik/data"
)

// Options control one generated region.
type Options struct {
	Seed     int64     // same seed + same Now → byte-identical output
	Comments int       // resident comments to produce (default 20000); office replies come on top
	Now      time.Time // the generated 60 days end here; calendar items run 30 days ahead
}

// DefaultComments is the volume used when Options.Comments is zero.
const DefaultComments = 20000

// Sink receives the region. Account must set a.ID (the store assigns it)
// before the generator uses it.
type Sink interface {
	Account(ctx context.Context, a *data.Account) error
	// Batch receives posts before the comments that reference them, at most
	// maxBatch messages at a time. The slices are not reused afterwards.
	Batch(ctx context.Context, posts []data.Post, msgs []data.Message) error
	Calendar(ctx context.Context, it *data.CalendarItem) error
	Broadcast(ctx context.Context, b *data.Broadcast) error
	Template(ctx context.Context, t *data.Template) error
}

const (
	maxBatch  = 5000
	days      = 60
	planDays  = 30
	replyRate = 0.25
	ringSize  = 128
)

// msk is the region's clock: posts go out in office hours Moscow time.
var msk = time.FixedZone("MSK", 3*3600)

// Generate streams a demo region into sink. Memory stays bounded whatever
// Comments is; a cancelled ctx stops it with ctx.Err().
func Generate(ctx context.Context, opts Options, sink Sink) error {
	g, err := newGen(opts, sink)
	if err != nil {
		return err
	}
	return g.run(ctx)
}

// label is what the generator meant a resident message to be about; tests
// use it to check coverage, the output never carries it.
type label struct {
	muni, topic string
	tone        tone
}

type accKind int

const (
	vkGov accKind = iota
	vkPage
	tgChan
	okGroup
	posPortal
)

type acct struct {
	data.Account
	kind     accKind
	gid      int64
	handle   string
	chat     int64
	nextPost int64
	nextMsg  int64
	postW    float64 // share of daily posts
	attract  float64 // comments per post relative to others
	idPrefix string  // prefix of post and comment external ids
}

type plannedPost struct {
	acct    *acct
	t       time.Time
	kind    string
	muni    int  // municipality the post is about, -1 region-wide
	n       int  // resident comments under it
	bq      bool // collects questions for the upcoming broadcast
	post    data.Post
	dayIdx  int
	horizon time.Duration
}

type parentRef struct {
	ext   string
	t     time.Time
	muni  int
	topic int
	first string
}

type author struct {
	first, name, city, id string
}

type gen struct {
	v        *vocab
	r        *rand.Rand
	seed     uint64
	now      time.Time
	start    time.Time // midnight MSK of the first generated day
	comments int
	sink     Sink
	e        expander
	scratch  []byte
	accts    []*acct
	pos      *acct
	posts    []data.Post
	msgs     []data.Message
	pool     []int
	ring     []parentRef
	observe  func(m *data.Message, l label)
	bqMuni   int
	pastMuni int
	bqAt     time.Time
	bqPost   *plannedPost
	pastAt   time.Time
	pastPost *plannedPost
	emitted  int
}

func newGen(opts Options, sink Sink) (*gen, error) {
	if sink == nil {
		return nil, errors.New("demo: nil sink")
	}
	if opts.Comments < 0 {
		return nil, fmt.Errorf("demo: negative comment count %d", opts.Comments)
	}
	v, err := loadVocab()
	if err != nil {
		return nil, err
	}
	if opts.Comments == 0 {
		opts.Comments = DefaultComments
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	now := opts.Now.Truncate(time.Second)
	seed := uint64(opts.Seed)
	g := &gen{
		v:        v,
		r:        rand.New(rand.NewPCG(seed, 0x6f746b6c696b)), // "otklik"
		seed:     seed,
		now:      now,
		comments: opts.Comments,
		sink:     sink,
	}
	nowMSK := now.In(msk)
	g.start = time.Date(nowMSK.Year(), nowMSK.Month(), nowMSK.Day(), 0, 0, 0, 0, msk).AddDate(0, 0, -(days - 1))
	g.e = expander{v: v, r: g.r, base: now}
	var ok bool
	if g.bqMuni, ok = v.muniByCode[v.bqDistrict]; !ok {
		return nil, fmt.Errorf("demo vocabulary: broadcast district %q is not a municipality", v.bqDistrict)
	}
	if g.pastMuni, ok = v.muniByCode[v.bqPastDistrict]; !ok {
		return nil, fmt.Errorf("demo vocabulary: past broadcast district %q is not a municipality", v.bqPastDistrict)
	}
	// Author pools: about three messages per author on average, so active
	// residents recur while the crowd stays large.
	total := v.muniCum[len(v.muniCum)-1]
	for i := range v.munis {
		n := int(float64(g.comments) * v.munis[i].W / total / 3)
		g.pool = append(g.pool, min(max(n, 12), 1<<20-1))
	}
	return g, nil
}

func (g *gen) run(ctx context.Context) error {
	if err := g.accounts(ctx); err != nil {
		return err
	}
	plan := g.planPosts()
	posPerDay := g.planPOS()
	pi := 0
	for d := 0; d < days; d++ {
		for pi < len(plan) && plan[pi].dayIdx == d {
			if err := g.postComments(ctx, plan[pi]); err != nil {
				return err
			}
			pi++
		}
		if err := g.posDay(ctx, d, posPerDay[d]); err != nil {
			return err
		}
	}
	if err := g.flush(ctx); err != nil {
		return err
	}
	if err := g.broadcasts(ctx); err != nil {
		return err
	}
	if err := g.calendar(ctx); err != nil {
		return err
	}
	for _, t := range g.v.templates {
		if err := g.sink.Template(ctx, &data.Template{Name: t.name, Category: t.cat, Text: t.text}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (g *gen) accounts(ctx context.Context) error {
	created := g.start.AddDate(0, 0, -1).UTC()
	defs := []*acct{
		{Account: data.Account{Platform: data.VK, ExternalID: "-160132486", Name: "Правительство Смоленской области", Kind: "community",
			Config: `{"url":"https://vk.com/club160132486"}`}, kind: vkGov, gid: 160132486, nextPost: 48210, postW: 0.32, attract: 1.2},
		{Account: data.Account{Platform: data.VK, ExternalID: "-219004917", Name: "Губернатор Смоленской области", Kind: "page",
			Config: `{"url":"https://vk.com/public219004917"}`}, kind: vkPage, gid: 219004917, nextPost: 15530, postW: 0.24, attract: 1.0},
		{Account: data.Account{Platform: data.Telegram, ExternalID: "-1001764203958", Name: "Губернатор Смоленской области", Kind: "channel",
			Config: `{"username":"gubernator_smolensk","url":"https://t.me/gubernator_smolensk","linked_chat_id":-1001821309471}`},
			kind: tgChan, handle: "gubernator_smolensk", chat: -1001821309471, nextPost: 4120, postW: 0.30, attract: 0.9},
		{Account: data.Account{Platform: data.OK, ExternalID: "70000001234567", Name: "Смоленская область — официально", Kind: "group",
			Config: `{"url":"https://ok.ru/group/70000001234567"}`}, kind: okGroup, gid: 70000001234567, nextPost: 155402317790000, postW: 0.14, attract: 0.75},
		{Account: data.Account{Platform: data.POS, ExternalID: "smolensk-region-67", Name: "Госуслуги. Решаем вместе — Смоленская область", Kind: "portal",
			Config: `{"base_url":"https://pos.gosuslugi.ru","region_code":"67"}`}, kind: posPortal, nextMsg: 4150000},
	}
	for _, a := range defs {
		a.Demo = true
		a.CreatedAt = created
		switch a.kind {
		case vkGov, vkPage:
			a.idPrefix = "-" + strconv.FormatInt(a.gid, 10) + "_"
			a.nextMsg = a.nextPost // VK posts and comments share the wall counter
		case tgChan:
			a.idPrefix = strconv.FormatInt(a.chat, 10) + "_"
			a.nextMsg = 88000
		case okGroup:
			a.nextMsg = 7050000000000000
		}
		if err := g.sink.Account(ctx, &a.Account); err != nil {
			return err
		}
		if a.ID == 0 {
			return fmt.Errorf("demo: sink did not assign an ID to account %q", a.Name)
		}
		if a.kind == posPortal {
			g.pos = a
		} else {
			g.accts = append(g.accts, a)
		}
	}
	return nil
}

// planPosts lays out every post of the 60 days (a few hundred, so they fit
// in memory) and shares the comment budget among them.
func (g *gen) planPosts() []*plannedPost {
	v := g.v
	var plan []*plannedPost
	for d := 0; d < days; d++ {
		day := g.start.AddDate(0, 0, d)
		k := 2 + g.r.IntN(3)
		mins := make([]int, k)
		for i := range mins {
			mins[i] = 8*60 + g.r.IntN(13*60)
		}
		sort.Ints(mins)
		for _, mnt := range mins {
			t := day.Add(time.Duration(mnt) * time.Minute)
			if !t.Before(g.now.Add(-2 * time.Minute)) {
				continue
			}
			a := g.pickAcct()
			kind := pickKind(g.r.Float64())
			p := &plannedPost{acct: a, t: t, kind: kind, muni: g.r.IntN(len(v.munis)), dayIdx: d}
			if g.r.IntN(5) == 0 {
				p.muni = -1
			}
			plan = append(plan, p)
		}
	}
	// The announcement of the upcoming broadcast, three days ago, and the
	// past one with its live post.
	vkPageAcct := g.accts[1]
	nowDay := days - 1
	g.bqAt = g.start.AddDate(0, 0, nowDay+10).Add(12 * time.Hour)
	g.pastAt = g.start.AddDate(0, 0, nowDay-24).Add(12 * time.Hour)
	annT := g.start.AddDate(0, 0, nowDay-3).Add(11*time.Hour + 5*time.Minute)
	if !annT.Before(g.now) {
		annT = g.now.Add(-72 * time.Hour)
	}
	g.bqPost = &plannedPost{acct: vkPageAcct, t: annT, kind: "post", muni: g.bqMuni, bq: true}
	pastAnn := g.pastAt.AddDate(0, 0, -5).Add(-time.Hour)
	g.pastPost = &plannedPost{acct: vkPageAcct, t: pastAnn, kind: "post", muni: g.pastMuni}
	live1 := &plannedPost{acct: vkPageAcct, t: g.pastAt, kind: "live", muni: g.pastMuni}
	live2 := &plannedPost{acct: g.accts[2], t: g.pastAt.Add(time.Minute), kind: "live", muni: g.pastMuni}
	for _, p := range []*plannedPost{g.bqPost, g.pastPost, live1, live2} {
		if p.t.Before(g.start) {
			continue
		}
		p.dayIdx = int(p.t.Sub(g.start) / (24 * time.Hour))
		plan = append(plan, p)
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].t.Before(plan[j].t) })

	// Texts and ids in time order, so ids grow with time as on the networks.
	for _, p := range plan {
		g.postRecord(p)
	}

	// Comment budget: ПОС appeals and the broadcast questions first, the
	// rest by post attractiveness and how long the post has been up.
	budget := g.comments - g.posBudget()
	bqN := 0
	if g.bqPost.post.ExternalID != "" {
		bqN = min(30, budget/50)
		if budget > 0 && bqN == 0 {
			bqN = min(budget, 3)
		}
		g.bqPost.n = bqN
	}
	budget -= bqN
	w := make([]float64, 0, len(plan))
	var regular []*plannedPost
	for _, p := range plan {
		if p.bq {
			continue
		}
		p.horizon = min(g.now.Sub(p.t)-time.Minute, 5*24*time.Hour)
		if p.horizon <= 0 {
			continue
		}
		kw := map[string]float64{"post": 1, "photo": 0.9, "video": 1.2, "live": 1.6}[p.kind]
		age := min(float64(p.horizon)/float64(36*time.Hour), 1)
		jit := 0.3 + 1.4*g.r.Float64()
		if g.r.IntN(20) == 0 {
			jit *= 4 // the odd post goes viral
		}
		regular = append(regular, p)
		w = append(w, kw*p.acct.attract*age*jit)
	}
	for i, n := range allocate(w, budget) {
		regular[i].n = n
	}
	return plan
}

func pickKind(u float64) string {
	switch {
	case u < 0.5:
		return "post"
	case u < 0.75:
		return "photo"
	case u < 0.9:
		return "video"
	}
	return "live"
}

func (g *gen) pickAcct() *acct {
	u := g.r.Float64()
	for _, a := range g.accts {
		if u < a.postW {
			return a
		}
		u -= a.postW
	}
	return g.accts[0]
}

// postRecord fixes a post's ids, URL and text.
func (g *gen) postRecord(p *plannedPost) {
	a := p.acct
	v := g.v
	mi := p.muni
	if mi < 0 {
		mi = g.r.IntN(len(v.munis))
	}
	e := &g.e
	e.reset(&v.munis[mi], false)
	e.first = ""
	e.base = p.t
	e.buf = e.buf[:0]
	switch {
	case p.bq:
		e.bdate = g.bqAt
		e.seq(v.bqPost)
	case p == g.pastPost:
		e.bdate = g.pastAt
		e.seq(v.bqPost)
	default:
		frames := v.posts[p.kind]
		e.seq(frames[g.r.IntN(len(frames))])
	}
	g.scratch = normalize(g.scratch[:0], e.buf)
	text := string(g.scratch)

	var ext, url string
	switch a.kind {
	case vkGov, vkPage:
		a.nextMsg += int64(1 + g.r.IntN(40))
		id := strconv.FormatInt(a.nextMsg, 10)
		ext = a.idPrefix + id
		url = "https://vk.com/wall" + ext
	case tgChan:
		a.nextPost += int64(1 + g.r.IntN(3))
		id := strconv.FormatInt(a.nextPost, 10)
		ext = a.ExternalID + "_" + id
		url = "https://t.me/" + a.handle + "/" + id
	case okGroup:
		a.nextPost += int64(1000 + g.r.IntN(90000))
		id := strconv.FormatInt(a.nextPost, 10)
		ext = id
		url = "https://ok.ru/group/" + strconv.FormatInt(a.gid, 10) + "/topic/" + id
	}
	p.post = data.Post{AccountID: a.ID, Platform: a.Platform, ExternalID: ext, Text: text, URL: url, Kind: p.kind, CreatedAt: p.t.UTC()}
}

func (g *gen) posBudget() int {
	if g.comments < 20 {
		return 0
	}
	return g.comments * 8 / 100
}

// planPOS spreads ПОС appeals over the days, fewer at weekends.
func (g *gen) planPOS() []int {
	w := make([]float64, days)
	for d := range w {
		day := g.start.AddDate(0, 0, d)
		w[d] = 1
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w[d] = 0.35
		}
		if d == days-1 {
			w[d] *= min(float64(g.now.Sub(day))/float64(24*time.Hour), 1)
		}
	}
	return allocate(w, g.posBudget())
}

// allocate splits total in proportion to w with the largest-remainder
// method, so the parts sum to total exactly.
func allocate(w []float64, total int) []int {
	out := make([]int, len(w))
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	if total <= 0 || sum <= 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rs := make([]rem, len(w))
	given := 0
	for i, x := range w {
		q := x / sum * float64(total)
		out[i] = int(q)
		given += out[i]
		rs[i] = rem{i, q - float64(out[i])}
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].f > rs[b].f })
	for k := 0; given < total; k++ {
		out[rs[k%len(rs)].i]++
		given++
	}
	return out
}

// Comment delays follow a Lomax law: most within hours of the post, a
// long tail over the following days.
const (
	lomaxScale = 3 * float64(time.Hour)
	lomaxShape = 1.3
)

func lomaxCDF(d time.Duration) float64 {
	return 1 - math.Pow(1+float64(d)/lomaxScale, -lomaxShape)
}

func lomaxInv(f float64) time.Duration {
	return time.Duration(lomaxScale * (math.Pow(1-f, -1/lomaxShape) - 1))
}

func (g *gen) postComments(ctx context.Context, p *plannedPost) error {
	g.addPost(p.post)
	if p.n == 0 {
		return nil
	}
	horizon := p.horizon
	if p.bq {
		horizon = min(g.now.Sub(p.t)-time.Minute, 5*24*time.Hour)
	}
	fh := lomaxCDF(horizon)
	ring := g.ring[:0]
	head := 0
	x := 0.0
	for i := 0; i < p.n; i++ {
		if i&511 == 511 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// Ascending order statistics of n uniforms, drawn one by one, so
		// times come out sorted without storing them.
		x += (1 - x) * (1 - math.Pow(g.r.Float64(), 1/float64(p.n-i)))
		t := p.t.Add(30*time.Second + lomaxInv(x*fh))
		if t.After(g.now) {
			t = g.now
		}
		var parent *parentRef
		if len(ring) > 0 && g.r.Float64() < replyRate {
			// Recent comments draw most replies.
			k := len(ring) - 1 - int(float64(len(ring))*g.r.Float64()*g.r.Float64())
			parent = &ring[(head+k)%len(ring)]
			if !t.After(parent.t) {
				t = parent.t.Add(time.Second)
			}
		}
		ref, err := g.resident(ctx, p, t, parent)
		if err != nil {
			return err
		}
		if len(ring) < ringSize {
			ring = append(ring, ref)
		} else {
			ring[head] = ref
			head = (head + 1) % ringSize
		}
	}
	g.ring = ring
	return nil
}

func (g *gen) posDay(ctx context.Context, d, n int) error {
	day := g.start.AddDate(0, 0, d)
	end := earlier(day.Add(23*time.Hour), g.now.Add(-time.Minute))
	from := day.Add(7 * time.Hour)
	if n == 0 || !end.After(from) {
		return nil
	}
	span := float64(end.Sub(from))
	x := 0.0
	for i := 0; i < n; i++ {
		if i&511 == 511 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		x += (1 - x) * (1 - math.Pow(g.r.Float64(), 1/float64(n-i)))
		if _, err := g.resident(ctx, nil, from.Add(time.Duration(x*span)), nil); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) pickMuni() int {
	u := g.r.Float64() * g.v.muniCum[len(g.v.muniCum)-1]
	return sort.SearchFloat64s(g.v.muniCum, u)
}

func (g *gen) pickTopic() int {
	u := g.r.Float64() * g.v.topicCum[len(g.v.topicCum)-1]
	return sort.SearchFloat64s(g.v.topicCum, u)
}

// resident writes one resident message (with the office's reply when the
// workflow says so). p is nil for ПОС appeals.
func (g *gen) resident(ctx context.Context, p *plannedPost, t time.Time, parent *parentRef) (parentRef, error) {
	v := g.v
	a := g.pos
	if p != nil {
		a = p.acct
	}
	// Who writes and about what.
	mi := g.pickMuni()
	ti := g.pickTopic()
	switch {
	case p != nil && p.bq:
		mi = g.bqMuni
	case parent != nil:
		ti = parent.topic
		if g.r.IntN(4) != 0 {
			mi = parent.muni
		}
	case p != nil && p.muni >= 0 && g.r.IntN(3) == 0:
		mi = p.muni
	}
	au := g.author(mi, a.Platform)

	e := &g.e
	e.first = au.first
	e.base = t
	e.agency = v.topics[ti].agency
	placeless := a.kind != posPortal && parent == nil && (p == nil || !p.bq) && g.r.IntN(10) < 3
	e.reset(&v.munis[mi], placeless)
	e.buf = e.buf[:0]

	var tn tone
	spam, short := false, false
	switch {
	case p != nil && p.bq:
		if parent != nil && g.r.IntN(2) == 0 {
			e.buf = append(e.buf, v.bqFollowups[g.r.IntN(len(v.bqFollowups))]...)
			short = true
			ti = parent.topic
		} else {
			u := g.r.Float64() * v.bqCum[len(v.bqCum)-1]
			th := &v.bqThemes[sort.SearchFloat64s(v.bqCum, u)]
			ti = v.topicByCode[th.cat]
			e.seq(th.frames[g.r.IntN(len(th.frames))])
		}
		tn = toneNeu
	case parent != nil:
		tn = toneNeg
		switch r := g.r.IntN(100); {
		case r < 3:
			e.buf = append(e.buf, v.replyShort[g.r.IntN(len(v.replyShort))]...)
			short = true
		case r < 10:
			e.buf = append(e.buf, v.replyShort[g.r.IntN(len(v.replyShort))]...)
			e.buf = append(e.buf, ". "...)
			e.list(v.extra)
		default:
			switch {
			case parent.first != "" && g.r.IntN(4) == 0:
				e.buf = append(e.buf, parent.first...)
				e.buf = append(e.buf, ", "...)
			case g.r.IntN(4) == 0:
				e.list(v.replyLead)
				e.buf = append(e.buf, ' ')
			}
			e.seqAfter(v.replyFrames[g.r.IntN(len(v.replyFrames))])
			if g.r.IntN(2) == 0 {
				e.buf = append(e.buf, ' ')
				e.list(v.extra)
			}
		}
	case a.kind == posPortal:
		tn = toneNeg
		tp := &v.topics[ti]
		f := &tp.formal[g.r.IntN(len(tp.formal))]
		e.list(v.posOpen)
		e.buf = append(e.buf, ' ')
		e.seq(f.s)
		if g.r.IntN(2) == 0 {
			e.buf = append(e.buf, ' ')
			e.list(v.posDetail)
		}
		e.buf = append(e.buf, ' ')
		e.list(v.posClose)
	default:
		tn, spam = g.composeComment(ti, a.kind)
	}
	g.scratch = normalize(g.scratch[:0], e.buf)
	if a.kind != posPortal {
		g.scratch = g.restyle(g.scratch, a.kind, tn, short)
	}

	// The message is built in place in the batch: a Message is large and
	// copying it twice costs more than writing its text.
	m, err := g.newMsg(ctx)
	if err != nil {
		return parentRef{}, err
	}
	*m = data.Message{
		Platform:         a.Platform,
		AccountID:        a.ID,
		AuthorExternalID: au.id,
		AuthorName:       au.name,
		AuthorCity:       au.city,
		Text:             string(g.scratch),
		CreatedAt:        t.UTC(),
	}
	if p != nil {
		m.PostExternalID = p.post.ExternalID
	}
	if parent != nil {
		m.ParentExternalID = parent.ext
	}
	m.ExternalID, m.URL = g.msgIDs(a, p, parent)
	if a.kind == posPortal && g.r.IntN(4) == 0 || a.kind != posPortal && !short && tn == toneNeg && g.r.IntN(14) == 0 {
		m.Attachments = g.attachment(a.kind, m.ExternalID)
	}
	reply := g.workflow(m, a, spam, short, p != nil && p.bq, parent != nil)
	if g.observe != nil {
		g.observe(m, label{muni: v.munis[mi].Code, topic: v.topics[ti].code, tone: tn})
	}
	ref := parentRef{ext: m.ExternalID, t: t, muni: mi, topic: ti, first: au.first}
	if reply != replyNone {
		// m stays valid if this flushes: the sink owns that batch now and
		// the generator only reads m.
		if err := g.officeReply(ctx, m, a, ti, tn, placeless, reply); err != nil {
			return ref, err
		}
	}
	return ref, nil
}

// composeComment writes a top-level comment into g.e.buf: an opening, the
// problem, sometimes a second problem, a closing.
func (g *gen) composeComment(ti int, k accKind) (tone, bool) {
	v := g.v
	e := &g.e
	t := &v.topics[ti]
	var f *frame
	if e.placeless {
		f = &t.frames[t.placeless[g.r.IntN(len(t.placeless))]]
	} else {
		f = &t.frames[g.r.IntN(len(t.frames))]
	}
	if f.spam {
		e.seq(f.s)
		return f.tone, true
	}
	openP, closeP := 35, 30
	if k == okGroup {
		openP, closeP = 55, 40
	} else if k == tgChan {
		openP, closeP = 15, 20
	}
	if e.placeless {
		openP, closeP = openP+25, closeP+25
	}
	if g.r.IntN(100) < openP {
		e.list(v.open[f.tone])
		e.buf = append(e.buf, ' ')
	}
	e.seqAfter(f.s)
	// Details make the same complaint read differently; comments without a
	// place lean on them more.
	if f.tone == toneNeg && (g.r.IntN(100) < 30 || e.placeless && g.r.IntN(100) < 50) {
		e.buf = append(e.buf, ' ')
		e.list(v.extra)
	}
	if f.tone == toneNeg && g.r.IntN(9) == 0 {
		t2 := &v.topics[g.pickTopic()]
		var f2 *frame
		for try := 0; try < 4; try++ {
			if e.placeless {
				f2 = &t2.frames[t2.placeless[g.r.IntN(len(t2.placeless))]]
			} else {
				f2 = &t2.frames[g.r.IntN(len(t2.frames))]
			}
			if f2.tone == toneNeg {
				break
			}
		}
		if f2.tone == toneNeg {
			e.buf = append(e.buf, ' ')
			e.list(v.connect)
			e.buf = append(e.buf, ' ')
			e.seqLower(f2.s)
		}
	}
	if g.r.IntN(100) < closeP {
		e.buf = append(e.buf, ' ')
		e.list(v.close[f.tone])
	}
	return f.tone, false
}

// restyle gives a text the look of its network: chat lower case, typos,
// capitals in anger, emoji.
func (g *gen) restyle(b []byte, k accKind, tn tone, short bool) []byte {
	v := g.v
	chatP, typoP, capsP, emojiP := 15, 8, 3, 12
	switch k {
	case tgChan:
		chatP, typoP, capsP, emojiP = 30, 10, 2, 15
	case okGroup:
		chatP, typoP, capsP, emojiP = 4, 12, 7, 20
	}
	if short {
		if g.r.IntN(4) == 0 {
			b = append(b, ' ')
			b = append(b, v.emoji[tn][g.r.IntN(len(v.emoji[tn]))]...)
		}
		return b
	}
	switch {
	case tn == toneNeg && g.r.IntN(100) < capsP:
		b = mapCase(b, true, false)
	case g.r.IntN(100) < chatP:
		b = mapCase(b, false, true)
		if g.r.IntN(3) == 0 {
			pre := v.chatPre[g.r.IntN(len(v.chatPre))]
			b = append(b, pre...)
			copy(b[len(pre):], b[:len(b)-len(pre)])
			copy(b, pre)
		}
		if g.r.IntN(5) == 0 {
			b = append(b, v.chatPost[g.r.IntN(len(v.chatPost))]...)
		}
	}
	if g.r.IntN(100) < typoP && len(b) > 0 {
		b = typo(b, g.r.IntN(len(b)), g.r.IntN(3) == 0)
	}
	if k == okGroup && tn != toneNeu && g.r.IntN(6) == 0 && len(b) > 0 && b[len(b)-1] == '.' {
		b = append(b[:len(b)-1], "!!!"...)
	}
	if g.r.IntN(100) < emojiP {
		b = append(b, ' ')
		b = append(b, v.emoji[tn][g.r.IntN(len(v.emoji[tn]))]...)
	}
	return b
}

func (g *gen) msgIDs(a *acct, p *plannedPost, parent *parentRef) (ext, url string) {
	var buf [24]byte
	switch a.kind {
	case vkGov, vkPage:
		a.nextMsg += int64(1 + g.r.IntN(3))
		id := strconv.AppendInt(buf[:0], a.nextMsg, 10)
		ext = a.idPrefix + string(id)
		url = p.post.URL + "?reply=" + string(id)
		if parent != nil {
			url += "&thread=" + parent.ext[len(a.idPrefix):]
		}
	case tgChan:
		a.nextMsg += int64(1 + g.r.IntN(2))
		id := strconv.AppendInt(buf[:0], a.nextMsg, 10)
		ext = a.idPrefix + string(id)
		url = p.post.URL + "?comment=" + string(id)
	case okGroup:
		a.nextMsg += int64(1 + g.r.IntN(5000))
		ext = string(strconv.AppendInt(buf[:0], a.nextMsg, 10))
		url = p.post.URL
	case posPortal:
		a.nextMsg += int64(1 + g.r.IntN(30))
		ext = string(strconv.AppendInt(buf[:0], a.nextMsg, 10))
		url = "https://pos.gosuslugi.ru/lkp/appeals/" + ext + "/"
	}
	return ext, url
}

func (g *gen) attachment(k accKind, ext string) []data.Attachment {
	video := g.r.IntN(6) == 0
	switch k {
	case vkGov, vkPage:
		if video {
			return []data.Attachment{{Type: "video", Title: "Видео", URL: "https://vk.com/video" + strconv.Itoa(100000000+g.r.IntN(800000000)) + "_" + strconv.Itoa(456239000+g.r.IntN(9000))}}
		}
		return []data.Attachment{{Type: "photo", Title: "Фото", URL: "https://sun9-" + strconv.Itoa(10+g.r.IntN(80)) + ".userapi.com/impg/" + strconv.FormatUint(g.r.Uint64(), 36) + ".jpg"}}
	case tgChan:
		if video {
			return []data.Attachment{{Type: "video", Title: "video.mp4"}}
		}
		return []data.Attachment{{Type: "photo", Title: "photo.jpg"}}
	case okGroup:
		return []data.Attachment{{Type: "photo", Title: "Фото", URL: "https://i.mycdn.me/i?r=" + strconv.FormatUint(g.r.Uint64(), 36)}}
	}
	return []data.Attachment{{Type: "photo", Title: "Фото_" + ext + ".jpg", URL: "https://pos.gosuslugi.ru/lkp/appeals/" + ext + "/files/1"}}
}

type replyKind uint8

const (
	replyNone replyKind = iota
	replyFull
	replyProgress
)

// workflow sets status, deadlines and the office's response as of Now:
// the older the comment, the likelier it is handled.
func (g *gen) workflow(m *data.Message, a *acct, spam, short, bq, isReply bool) replyKind {
	age := g.now.Sub(m.CreatedAt)
	r := g.r.IntN(1000)
	if !bq && !spam && !short {
		m.FirstResponseDue = m.CreatedAt.Add(24 * time.Hour)
		m.AnswerDue = m.CreatedAt.Add(72 * time.Hour)
		if a.kind == posPortal {
			m.AnswerDue = m.CreatedAt.Add(10 * 24 * time.Hour)
		}
	}
	m.UpdatedAt = m.CreatedAt
	switch {
	case spam:
		if age > 6*time.Hour || r < 500 {
			m.Status = data.StatusSpam
			m.Deleted = r%5 == 0
		} else {
			m.Status = data.StatusNew
		}
		return replyNone
	case bq:
		m.Status = data.StatusNew
		if r < 250 {
			m.Status = data.StatusInProgress
			m.Assignee = g.v.staff[r%len(g.v.staff)]
		}
		return replyNone
	case short:
		m.Status = data.StatusNew
		if age > 24*time.Hour || r < 300 {
			m.Status = data.StatusClosed
		}
		return replyNone
	}
	// Cumulative per-mille thresholds: new, in progress, answered, forwarded; rest closed.
	var th [4]int
	switch {
	case age < 2*time.Hour:
		th = [4]int{850, 950, 1000, 1000}
	case age < 24*time.Hour:
		th = [4]int{450, 700, 950, 1000}
	case age < 72*time.Hour:
		th = [4]int{30, 120, 650, 810}
	default:
		th = [4]int{2, 8, 515, 665}
	}
	switch {
	case r < th[0]:
		m.Status = data.StatusNew
	case r < th[1]:
		m.Status = data.StatusInProgress
	case r < th[2]:
		m.Status = data.StatusAnswered
	case r < th[3]:
		m.Status = data.StatusForwarded
	default:
		m.Status = data.StatusClosed
	}
	if m.Status == data.StatusNew {
		if r%250 == 7 {
			m.Deleted = true
		}
		return replyNone
	}
	staff := g.v.staff
	if m.Status == data.StatusInProgress || g.r.IntN(10) < 7 {
		m.Assignee = staff[g.r.IntN(len(staff))]
	}
	// Response delay: usually within the working day, sometimes late.
	delay := time.Duration(float64(20*time.Minute) + g.r.ExpFloat64()*float64(5*time.Hour))
	if limit := age - time.Minute; delay > limit {
		delay = max(limit, 0)
	}
	kind := replyNone
	switch m.Status {
	case data.StatusInProgress:
		if g.r.IntN(3) == 0 {
			kind = replyProgress
		}
	case data.StatusAnswered, data.StatusForwarded:
		if g.r.IntN(10) < 9 {
			kind = replyFull
		}
	case data.StatusClosed:
		if g.r.IntN(2) == 0 {
			kind = replyFull
		}
	}
	if isReply && g.r.IntN(8) != 0 {
		kind = replyNone // the office rarely joins side threads
	}
	if kind != replyNone || m.Status != data.StatusInProgress {
		m.FirstResponseAt = m.CreatedAt.Add(delay)
		m.UpdatedAt = m.FirstResponseAt
	}
	if m.Status == data.StatusClosed || m.Status == data.StatusForwarded {
		m.UpdatedAt = earlier(m.UpdatedAt.Add(time.Duration(g.r.IntN(48))*time.Hour), g.now).UTC()
	}
	if r%300 == 11 {
		m.Deleted = true // the resident removed it after the answer
	}
	return kind
}

// officeReply answers m in the thread, naming the agency and the place the
// resident wrote about; it reuses the expander state of m's text.
func (g *gen) officeReply(ctx context.Context, m *data.Message, a *acct, ti int, tn tone, placeless bool, kind replyKind) error {
	v := g.v
	e := &g.e
	e.buf = e.buf[:0]
	e.base = m.FirstResponseAt
	t := &v.topics[ti]
	e.placeless = placeless
	switch {
	case kind == replyProgress:
		e.seq(v.officeProgress[g.r.IntN(len(v.officeProgress))])
	case tn == tonePos:
		e.seq(v.officeThanks[g.r.IntN(len(v.officeThanks))])
	case placeless:
		e.seq(v.officeNoPlace[g.r.IntN(len(v.officeNoPlace))])
	case m.Status == data.StatusForwarded || g.r.IntN(10) < 3:
		e.seq(v.officeGeneric[g.r.IntN(len(v.officeGeneric))])
	default:
		e.seq(t.office[g.r.IntN(len(t.office))])
	}
	g.scratch = normalize(g.scratch[:0], e.buf)
	r, err := g.newMsg(ctx)
	if err != nil {
		return err
	}
	*r = data.Message{
		Platform:         m.Platform,
		AccountID:        a.ID,
		PostExternalID:   m.PostExternalID,
		ParentExternalID: m.ExternalID,
		AuthorExternalID: a.ExternalID,
		AuthorName:       a.Name,
		Text:             string(g.scratch),
		CreatedAt:        m.FirstResponseAt,
		FromOffice:       true,
		Status:           data.StatusAnswered,
		Assignee:         m.Assignee,
		UpdatedAt:        m.FirstResponseAt,
	}
	var p *plannedPost
	if m.PostExternalID != "" {
		p = &plannedPost{post: data.Post{URL: postURLOf(m.URL)}}
	}
	r.ExternalID, r.URL = g.msgIDs(a, p, &parentRef{ext: m.ExternalID})
	return nil
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// postURLOf strips the comment part of a comment URL.
func postURLOf(u string) string {
	for i := 0; i < len(u); i++ {
		if u[i] == '?' {
			return u[:i]
		}
	}
	return u
}

// author derives a resident from (municipality, rank) alone, so the same
// person reappears with the same name and ids and nothing is stored.
func (g *gen) author(mi int, pl data.Platform) author {
	v := g.v
	u := g.r.Float64()
	rank := int(float64(g.pool[mi]) * u * u)
	key := uint64(mi)<<20 | uint64(rank)
	h := mix(g.seed ^ key*0x9E3779B97F4A7C15)
	female := h%100 < 56
	var first, sur, patr string
	if female {
		first = v.female[(h>>8)%uint64(len(v.female))]
		sur = v.surF[(h>>16)%uint64(len(v.surF))]
		patr = v.patrF[(h>>28)%uint64(len(v.patrF))]
	} else {
		first = v.male[(h>>8)%uint64(len(v.male))]
		sur = v.surM[(h>>16)%uint64(len(v.surM))]
		patr = v.patrM[(h>>28)%uint64(len(v.patrM))]
	}
	au := author{first: first}
	style := (h >> 36) % 100
	switch pl {
	case data.Telegram:
		switch {
		case style < 15:
			au.first = ""
			au.name = v.nicks[(h>>44)%uint64(len(v.nicks))]
		case style < 50:
			au.name = first
		case style < 75:
			au.name = first + " " + firstRune(sur) + "."
		default:
			au.name = first + " " + sur
		}
	case data.POS:
		au.name = first + " " + patr + " " + firstRune(sur) + "."
	case data.OK:
		au.name = first + " " + sur
		if female && style < 12 {
			maiden := v.surF[(h>>44)%uint64(len(v.surF))]
			if maiden != sur {
				au.name += " (" + maiden + ")"
			}
		}
	default:
		au.name = first + " " + sur
	}
	cityRoll := (h >> 50) % 100
	m := &v.munis[mi]
	switch {
	case pl == data.POS && cityRoll < 90, cityRoll < 58:
		au.city = m.Cities[(h>>56)%uint64(len(m.Cities))]
	case cityRoll < 60:
		au.city = "Москва" // moved away, still writes home
	}
	var salt, base, mul uint64
	switch pl {
	case data.VK:
		salt, base, mul = 0x5a17, 100000000, 23
	case data.Telegram:
		salt, base, mul = 0x7e1e, 5000000000, 61
	case data.OK:
		salt, base, mul = 0x0c0c, 500000000000, 1009
	default:
		salt, base, mul = 0x9055, 1000000000, 37
	}
	au.id = strconv.FormatUint(base+perm25(key^(g.seed*salt))*mul, 10)
	return au
}

func firstRune(s string) string {
	for i := range s {
		if i > 0 {
			return s[:i]
		}
	}
	return s
}

// mix is the SplitMix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}

// perm25 is a bijection on 25-bit keys (municipality and author rank), so
// two residents never share a network id.
func perm25(x uint64) uint64 {
	const mask = 1<<25 - 1
	x &= mask
	x = (x * 0x2545F491) & mask
	x ^= x >> 11
	x = (x * 0x9E3779B1) & mask
	x ^= x >> 13
	return x
}

func (g *gen) addPost(p data.Post) {
	g.posts = append(g.posts, p)
}

// newMsg returns the next free message of the current batch, sending the
// batch first when it is full.
func (g *gen) newMsg(ctx context.Context) (*data.Message, error) {
	if len(g.msgs) >= maxBatch {
		if err := g.flush(ctx); err != nil {
			return nil, err
		}
	}
	if g.msgs == nil {
		g.msgs = make([]data.Message, 0, maxBatch)
	}
	g.msgs = g.msgs[:len(g.msgs)+1]
	return &g.msgs[len(g.msgs)-1], nil
}

func (g *gen) flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(g.posts) == 0 && len(g.msgs) == 0 {
		return nil
	}
	err := g.sink.Batch(ctx, g.posts, g.msgs)
	g.emitted += len(g.msgs)
	// Fresh slices: a sink may keep what it was given.
	g.posts, g.msgs = nil, nil
	return err
}

func (g *gen) broadcasts(ctx context.Context) error {
	v := g.v
	e := &g.e
	title := func(mi int) string {
		e.reset(&v.munis[mi], false)
		e.buf = e.buf[:0]
		e.seq(v.bqTitle)
		return string(normalize(nil, e.buf))
	}
	if g.pastPost.post.ExternalID != "" {
		b := &data.Broadcast{District: v.munis[g.pastMuni].Code, PlannedAt: g.pastAt.UTC(), Title: title(g.pastMuni),
			AnnouncementPostExternalID: g.pastPost.post.ExternalID, Status: "done"}
		if err := g.sink.Broadcast(ctx, b); err != nil {
			return err
		}
	}
	b := &data.Broadcast{District: v.munis[g.bqMuni].Code, PlannedAt: g.bqAt.UTC(), Title: title(g.bqMuni),
		AnnouncementPostExternalID: g.bqPost.post.ExternalID, Status: "planned"}
	return g.sink.Broadcast(ctx, b)
}

// calendar plans 30 days ahead for every network account, leaving one
// deliberate gap on OK and one канцелярит draft for the editors to catch.
func (g *gen) calendar(ctx context.Context) error {
	v := g.v
	e := &g.e
	first := g.start.AddDate(0, 0, days) // tomorrow, MSK midnight
	gapAcct, gapFrom, gapLen := okGroup, 8, 3
	for _, a := range g.accts {
		for d := 0; d < planDays; d++ {
			if a.kind == gapAcct && d >= gapFrom && d < gapFrom+gapLen {
				continue
			}
			n := 1
			if (a.kind == vkGov || a.kind == tgChan) && g.r.IntN(2) == 0 {
				n = 2
			}
			for k := 0; k < n; k++ {
				ce := &v.calendar[g.r.IntN(len(v.calendar))]
				mi := g.r.IntN(len(v.munis))
				e.reset(&v.munis[mi], false)
				e.base = first.AddDate(0, 0, d)
				e.buf = e.buf[:0]
				e.seq(ce.title)
				titleText := string(normalize(nil, e.buf))
				e.buf = e.buf[:0]
				e.seq(ce.text)
				it := &data.CalendarItem{
					AccountID: a.ID, Kind: ce.kind, Title: titleText, Text: string(normalize(nil, e.buf)),
					PlannedAt: first.AddDate(0, 0, d).Add(time.Duration(9*60+g.r.IntN(11*60)) * time.Minute).UTC(),
					Status:    planStatus(d, g.r.IntN(100)),
				}
				if ce.place {
					it.District = v.munis[mi].Code
				}
				if a.kind == vkGov && d == 4 && k == 0 {
					it.Kind, it.Title, it.Text, it.District, it.Status = "post", v.kancTitle, v.kancText, "", "draft"
				}
				if it.Status == "approved" || it.Status == "scheduled" {
					it.Approver = v.approvers[g.r.IntN(len(v.approvers))]
				}
				if err := g.sink.Calendar(ctx, it); err != nil {
					return err
				}
			}
		}
	}
	// The live stream itself, on the governor's page and channel.
	for _, a := range g.accts[1:3] {
		e.reset(&v.munis[g.bqMuni], false)
		e.buf = e.buf[:0]
		e.seq(v.bqTitle)
		it := &data.CalendarItem{AccountID: a.ID, Kind: "live", Title: string(normalize(nil, e.buf)),
			Text: v.bqCalText, District: v.munis[g.bqMuni].Code,
			PlannedAt: g.bqAt.UTC(), Status: "approved", Approver: v.approvers[0]}
		if err := g.sink.Calendar(ctx, it); err != nil {
			return err
		}
	}
	return nil
}

// planStatus: near items are ready, far ones are still ideas.
func planStatus(d, r int) string {
	switch {
	case d < 3:
		return [...]string{"scheduled", "scheduled", "approved", "approved", "review"}[r%5]
	case d < 8:
		return [...]string{"approved", "review", "review", "draft", "scheduled"}[r%5]
	case d < 15:
		return [...]string{"draft", "draft", "review", "idea", "idea"}[r%5]
	}
	return [...]string{"idea", "idea", "idea", "draft"}[r%4]
}
