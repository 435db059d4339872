package demo

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"otklik/assets"
)

// Vocabulary files in package assets. Another region ships its own files
// under the same names; nothing about Smolensk is hard-coded here.
const (
	placesFile = "demo_places_ru.json"
	langFile   = "demo_ru.json"
)

type pair struct{ nom, loc string }

func (p pair) pick(loc bool) string {
	if loc {
		return p.loc
	}
	return p.nom
}

func splitPairs(what string, src []string) ([]pair, error) {
	if len(src) == 0 {
		return nil, fmt.Errorf("%s: empty", what)
	}
	out := make([]pair, len(src))
	for i, s := range src {
		nom, loc, ok := strings.Cut(s, "|")
		if !ok || nom == "" || loc == "" || strings.ContainsAny(s, "{}[]") {
			return nil, fmt.Errorf("%s: %q is not «nominative|locative»", what, s)
		}
		out[i] = pair{nom, loc}
	}
	return out, nil
}

type muni struct {
	Code     string   `json:"code"`
	W        float64  `json:"w"`
	Town     string   `json:"town"`
	In       string   `json:"in"`
	Gen      string   `json:"gen"`
	People   string   `json:"people"`
	Adj      string   `json:"adj"`
	Dgen     string   `json:"dgen"`
	Dloc     string   `json:"dloc"`
	Admin    string   `json:"admin"`
	Cities   []string `json:"cities"`
	Hosp     []string `json:"hosp"`
	Streets  []string `json:"streets"`
	Villages []string `json:"villages"`

	hosp, streets, villages []pair
}

type tone uint8

const (
	toneNeg tone = iota
	toneNeu
	tonePos
)

type frame struct {
	s       seq
	tone    tone
	spam    bool
	capable bool // can be written without naming a place
}

type topic struct {
	code       string
	w          float64
	frames     []frame
	placeless  []int // indexes of capable frames
	formal     []frame
	agency     int // list id
	office     []seq
	nonSpamIdx []int
}

type bqTheme struct {
	cat    string
	w      float64
	frames []seq
}

type calEntry struct {
	kind        string
	title, text seq
	place       bool // names a municipality, so the item gets a District
}

type template struct{ name, cat, text string }

type vocab struct {
	munis     []muni
	muniCum   []float64
	lists     []list
	topics    []topic
	topicCum  []float64
	open      [3]int // list ids by tone
	close     [3]int
	emoji     [3][]string
	connect   int
	extra     int
	replyLead int
	posOpen   int
	posDetail int
	posClose  int

	officeGeneric, officeNoPlace, officeProgress, officeThanks []seq

	replyShort  []string
	replyFrames []seq

	bqTitle        seq
	bqDistrict     string
	bqPastDistrict string
	bqCalText      string
	bqPost         seq
	bqThemes       []bqTheme
	bqCum          []float64
	bqFollowups    []string

	posts map[string][]seq

	calendar  []calEntry
	kancTitle string
	kancText  string
	approvers []string
	staff     []string
	templates []template

	female, male      []string
	surM, surF        []string
	patrM, patrF      []string
	nicks             []string
	chatPre, chatPost []string
	months            []string
	muniByCode        map[string]int
	topicByCode       map[string]int
}

type rawTopic struct {
	Code   string   `json:"code"`
	W      float64  `json:"w"`
	Frames []string `json:"frames"`
	Formal []string `json:"formal"`
	Agency []string `json:"agency"`
	Office []string `json:"office"`
}

type rawLang struct {
	Lists  map[string][]string `json:"lists"`
	Open   map[string][]string `json:"open"`
	Close  map[string][]string `json:"close"`
	Emoji  map[string][]string `json:"emoji"`
	Conn   []string            `json:"connect"`
	Topics []rawTopic          `json:"topics"`
	POS    struct {
		Open   []string `json:"open"`
		Detail []string `json:"detail"`
		Close  []string `json:"close"`
	} `json:"pos"`
	OfficeGeneric  []string `json:"office_generic"`
	OfficeNoPlace  []string `json:"office_noplace"`
	OfficeProgress []string `json:"office_progress"`
	OfficeThanks   []string `json:"office_thanks"`
	Replies        struct {
		Short  []string `json:"short"`
		Frames []string `json:"frames"`
	} `json:"replies"`
	Broadcast struct {
		Title        string `json:"title"`
		Post         string `json:"post"`
		District     string `json:"district"`
		PastDistrict string `json:"past_district"`
		CalText      string `json:"calendar_text"`
		Questions    []struct {
			Cat    string   `json:"cat"`
			W      float64  `json:"w"`
			Frames []string `json:"frames"`
		} `json:"questions"`
		Followups []string `json:"followups"`
	} `json:"broadcast"`
	Posts    map[string][]string `json:"posts"`
	Calendar []struct {
		Kind  string `json:"kind"`
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"calendar"`
	Kanc struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"kanc"`
	Approvers []string `json:"approvers"`
	Staff     []string `json:"staff"`
	Templates []struct {
		Name string `json:"name"`
		Cat  string `json:"cat"`
		Text string `json:"text"`
	} `json:"templates"`
	Names struct {
		Female      []string `json:"female"`
		Male        []string `json:"male"`
		Surnames    []string `json:"surnames"`
		Patronymics []string `json:"patronymics"`
		Nicks       []string `json:"nicks"`
	} `json:"names"`
	Chat struct {
		Pre  []string `json:"pre"`
		Post []string `json:"post"`
	} `json:"chat"`
	Dates struct {
		Months []string `json:"months"`
	} `json:"dates"`
}

var (
	vocabOnce sync.Once
	vocabVal  *vocab
	vocabErr  error
)

// loadVocab compiles the embedded vocabulary once per process.
func loadVocab() (*vocab, error) {
	vocabOnce.Do(func() { vocabVal, vocabErr = compileVocab(assets.FS) })
	return vocabVal, vocabErr
}

func compileVocab(fsys fs.FS) (*vocab, error) {
	pb, err := fs.ReadFile(fsys, placesFile)
	if err != nil {
		return nil, fmt.Errorf("demo vocabulary: %w", err)
	}
	lb, err := fs.ReadFile(fsys, langFile)
	if err != nil {
		return nil, fmt.Errorf("demo vocabulary: %w", err)
	}
	var places struct {
		Munis []muni `json:"munis"`
	}
	if err := json.Unmarshal(pb, &places); err != nil {
		return nil, fmt.Errorf("demo vocabulary %s: %w", placesFile, err)
	}
	var raw rawLang
	if err := json.Unmarshal(lb, &raw); err != nil {
		return nil, fmt.Errorf("demo vocabulary %s: %w", langFile, err)
	}
	v, err := buildVocab(places.Munis, &raw)
	if err != nil {
		return nil, fmt.Errorf("demo vocabulary: %w", err)
	}
	return v, nil
}

func buildVocab(munis []muni, raw *rawLang) (*vocab, error) {
	v := &vocab{munis: munis, muniByCode: map[string]int{}, topicByCode: map[string]int{}, posts: map[string][]seq{}}
	if len(munis) == 0 {
		return nil, fmt.Errorf("no municipalities")
	}
	sum := 0.0
	for i := range v.munis {
		m := &v.munis[i]
		var err error
		if m.Code == "" || m.W <= 0 || m.Town == "" || m.In == "" || m.Gen == "" || m.Dgen == "" || m.Dloc == "" || m.Admin == "" || len(m.Cities) == 0 {
			return nil, fmt.Errorf("municipality %d (%q) lacks a required form or weight", i, m.Code)
		}
		if _, dup := v.muniByCode[m.Code]; dup {
			return nil, fmt.Errorf("municipality %q listed twice", m.Code)
		}
		v.muniByCode[m.Code] = i
		if m.hosp, err = splitPairs(m.Code+" hosp", m.Hosp); err != nil {
			return nil, err
		}
		if m.streets, err = splitPairs(m.Code+" streets", m.Streets); err != nil {
			return nil, err
		}
		if m.villages, err = splitPairs(m.Code+" villages", m.Villages); err != nil {
			return nil, err
		}
		sum += m.W
		v.muniCum = append(v.muniCum, sum)
	}

	c := newCompiler()
	// Declare every named list first so lists may refer to each other.
	names := make([]string, 0, len(raw.Lists))
	for name := range raw.Lists {
		names = append(names, name)
	}
	sort.Strings(names) // map order must not leak into list ids
	for _, n := range names {
		c.declare(n)
	}
	for _, n := range names {
		if _, err := c.addList(n, raw.Lists[n]); err != nil {
			return nil, err
		}
	}
	var err error
	add := func(name string, src []string) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = c.addList(name, src)
		return id
	}
	phrases := func(what string, src []string) []seq {
		if err != nil {
			return nil
		}
		if len(src) == 0 {
			err = fmt.Errorf("%s: empty", what)
			return nil
		}
		out := make([]seq, 0, len(src))
		for _, s := range src {
			q, e := c.parse(s)
			if e != nil {
				err = fmt.Errorf("%s: %w", what, e)
				return nil
			}
			out = append(out, q)
		}
		return out
	}
	for i, t := range [3]string{"neg", "neu", "pos"} {
		v.open[i] = add("open."+t, raw.Open[t])
		v.close[i] = add("close."+t, raw.Close[t])
		v.emoji[i] = raw.Emoji[t]
		if len(v.emoji[i]) == 0 && err == nil {
			err = fmt.Errorf("emoji.%s: empty", t)
		}
	}
	v.connect = add("connect", raw.Conn)
	v.extra = c.listIDs["extra"]
	v.replyLead = c.listIDs["reply_lead"]
	if _, ok := c.listIDs["extra"]; !ok && err == nil {
		err = fmt.Errorf("lists.extra required")
	}
	if _, ok := c.listIDs["reply_lead"]; !ok && err == nil {
		err = fmt.Errorf("lists.reply_lead required")
	}
	v.posOpen = add("pos.open", raw.POS.Open)
	v.posDetail = add("pos.detail", raw.POS.Detail)
	v.posClose = add("pos.close", raw.POS.Close)
	v.officeGeneric = phrases("office_generic", raw.OfficeGeneric)
	v.officeNoPlace = phrases("office_noplace", raw.OfficeNoPlace)
	v.officeProgress = phrases("office_progress", raw.OfficeProgress)
	v.officeThanks = phrases("office_thanks", raw.OfficeThanks)
	v.replyFrames = phrases("replies.frames", raw.Replies.Frames)
	v.replyShort = raw.Replies.Short
	if err != nil {
		return nil, err
	}

	tsum := 0.0
	for _, rt := range raw.Topics {
		t := topic{code: rt.Code, w: rt.W}
		if t.code == "" || t.w <= 0 {
			return nil, fmt.Errorf("topic %q: code and weight required", rt.Code)
		}
		if _, dup := v.topicByCode[t.code]; dup {
			return nil, fmt.Errorf("topic %q listed twice", t.code)
		}
		for _, s := range rt.Frames {
			f, e := parseFrame(c, s)
			if e != nil {
				return nil, fmt.Errorf("topic %s: %w", t.code, e)
			}
			t.frames = append(t.frames, f)
		}
		for _, s := range rt.Formal {
			f, e := parseFrame(c, s)
			if e != nil {
				return nil, fmt.Errorf("topic %s formal: %w", t.code, e)
			}
			t.formal = append(t.formal, f)
		}
		if len(t.frames) < 20 || len(t.formal) == 0 {
			return nil, fmt.Errorf("topic %s: needs at least 20 frames and one formal appeal", t.code)
		}
		t.agency = add("agency."+t.code, rt.Agency)
		t.office = phrases("office."+t.code, rt.Office)
		if err != nil {
			return nil, err
		}
		v.topicByCode[t.code] = len(v.topics)
		v.topics = append(v.topics, t)
		tsum += t.w
		v.topicCum = append(v.topicCum, tsum)
	}
	if len(v.topics) == 0 {
		return nil, fmt.Errorf("no topics")
	}

	bq := raw.Broadcast
	if v.bqTitle, err = c.parse(bq.Title); err != nil {
		return nil, err
	}
	if v.bqPost, err = c.parse(bq.Post); err != nil {
		return nil, err
	}
	v.bqDistrict, v.bqPastDistrict, v.bqCalText = bq.District, bq.PastDistrict, bq.CalText
	bsum := 0.0
	for _, q := range bq.Questions {
		if _, ok := v.topicByCode[q.Cat]; !ok || q.W <= 0 {
			return nil, fmt.Errorf("broadcast theme %q: unknown category or no weight", q.Cat)
		}
		th := bqTheme{cat: q.Cat, w: q.W, frames: phrases("broadcast."+q.Cat, q.Frames)}
		if err != nil {
			return nil, err
		}
		v.bqThemes = append(v.bqThemes, th)
		bsum += q.W
		v.bqCum = append(v.bqCum, bsum)
	}
	v.bqFollowups = bq.Followups
	if len(v.bqTitle) == 0 || v.bqCalText == "" || len(v.bqThemes) == 0 || len(v.bqFollowups) == 0 {
		return nil, fmt.Errorf("broadcast: title, calendar text, questions and follow-ups required")
	}
	for _, k := range []string{"post", "photo", "video", "live"} {
		v.posts[k] = phrases("posts."+k, raw.Posts[k])
	}
	for _, ce := range raw.Calendar {
		title, e1 := c.parse(ce.Title)
		text, e2 := c.parse(ce.Text)
		if e1 != nil || e2 != nil || ce.Kind == "" {
			return nil, fmt.Errorf("calendar %q: %v %v", ce.Title, e1, e2)
		}
		v.calendar = append(v.calendar, calEntry{kind: ce.Kind, title: title, text: text})
	}
	v.kancTitle, v.kancText = raw.Kanc.Title, raw.Kanc.Text
	v.approvers, v.staff = raw.Approvers, raw.Staff
	for _, t := range raw.Templates {
		v.templates = append(v.templates, template{t.Name, t.Cat, t.Text})
	}
	n := raw.Names
	v.female, v.male, v.nicks = n.Female, n.Male, n.Nicks
	for _, s := range n.Surnames {
		v.surM = append(v.surM, s)
		v.surF = append(v.surF, femaleSurname(s))
	}
	for _, p := range n.Patronymics {
		m, f, ok := strings.Cut(p, "|")
		if !ok {
			return nil, fmt.Errorf("patronymic %q is not «male|female»", p)
		}
		v.patrM = append(v.patrM, m)
		v.patrF = append(v.patrF, f)
	}
	v.chatPre, v.chatPost = raw.Chat.Pre, raw.Chat.Post
	v.months = raw.Dates.Months
	switch {
	case len(v.calendar) == 0 || v.kancText == "" || len(v.approvers) == 0 || len(v.staff) == 0:
		return nil, fmt.Errorf("calendar, канцелярит draft, approvers and staff required")
	case len(v.templates) < 8:
		return nil, fmt.Errorf("at least 8 reply templates required")
	case len(v.female) == 0 || len(v.male) == 0 || len(v.surM) == 0 || len(v.patrM) == 0 || len(v.nicks) == 0:
		return nil, fmt.Errorf("names: every list required")
	case len(v.chatPre) == 0 || len(v.chatPost) == 0 || len(v.months) != 12 || len(v.replyShort) == 0:
		return nil, fmt.Errorf("chat fillers, 12 months and short replies required")
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	// Capability needs finished lists; compute it for frames and entries now.
	for ti := range v.topics {
		t := &v.topics[ti]
		for fi := range t.frames {
			ok, e := c.capable(t.frames[fi].s)
			if e != nil {
				return nil, e
			}
			t.frames[fi].capable = ok
			if ok {
				t.placeless = append(t.placeless, fi)
			}
			if !t.frames[fi].spam {
				t.nonSpamIdx = append(t.nonSpamIdx, fi)
			}
		}
		if len(t.placeless) == 0 {
			return nil, fmt.Errorf("topic %s: no frame can be written without a place", t.code)
		}
		for _, s := range append(append([]seq{}, t.office...), v.officeGeneric...) {
			if _, e := c.capable(s); e != nil {
				return nil, e
			}
		}
	}
	for _, group := range [][]seq{v.officeNoPlace, v.officeProgress, v.officeThanks, v.replyFrames} {
		for _, s := range group {
			if _, e := c.capable(s); e != nil {
				return nil, e
			}
		}
	}
	// Texts that may be written without a place must have a way to do so.
	for _, s := range append(append(append([]seq{}, v.officeNoPlace...), v.officeProgress...), v.officeThanks...) {
		if ok, _ := c.capable(s); !ok {
			return nil, fmt.Errorf("office_noplace, office_progress and office_thanks must not need a place")
		}
	}
	always := []int{v.open[0], v.open[1], v.open[2], v.close[0], v.close[1], v.close[2], v.connect, v.extra, v.replyLead}
	for _, t := range v.topics {
		always = append(always, t.agency)
	}
	for _, id := range always {
		if len(c.lists[id].caps) == 0 {
			return nil, fmt.Errorf("list %q must have an item without a place", c.lists[id].name)
		}
	}
	for i := range v.calendar {
		a, _ := c.capable(v.calendar[i].title)
		b, _ := c.capable(v.calendar[i].text)
		v.calendar[i].place = !a || !b
	}
	v.lists = c.lists
	return v, nil
}

// parseFrame reads a frame with its tone marker: "+" praise, "?" a neutral
// question, "$" spam; unmarked frames are complaints.
func parseFrame(c *compiler, s string) (frame, error) {
	f := frame{tone: toneNeg}
	switch {
	case strings.HasPrefix(s, "+"):
		f.tone, s = tonePos, s[1:]
	case strings.HasPrefix(s, "?"):
		f.tone, s = toneNeu, s[1:]
	case strings.HasPrefix(s, "$"):
		f.tone, f.spam, s = toneNeu, true, s[1:]
	}
	q, err := c.parse(s)
	f.s = q
	return f, err
}

// femaleSurname gives the feminine form of a Russian surname; surnames in
// -ко, -ук, -ец and the like do not change.
func femaleSurname(s string) string {
	switch {
	case strings.HasSuffix(s, "ский"), strings.HasSuffix(s, "цкий"):
		return strings.TrimSuffix(s, "ий") + "ая"
	case strings.HasSuffix(s, "ой"):
		return strings.TrimSuffix(s, "ой") + "ая"
	case strings.HasSuffix(s, "ов"), strings.HasSuffix(s, "ев"), strings.HasSuffix(s, "ёв"),
		strings.HasSuffix(s, "ин"), strings.HasSuffix(s, "ын"):
		return s + "а"
	}
	return s
}
