package textru

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"otklik/assets"
	"otklik/data"
)

// File names LoadTagger reads from the file system it is given.
const (
	GazetteerFile  = "gazetteer.json"
	RubricatorFile = "rubricator.json"
	SentimentFile  = "sentiment.json"
)

// OtherCategory is the topic of a comment no rubric matches.
const OtherCategory = "other"

// Municipality is one municipal formation of the region.
type Municipality struct {
	Code   string // stable code stored in messages: «roslavl»
	Name   string // official name: «Рославльский район»
	Short  string // display name: «Рославль»
	Center string // administrative centre: «г. Рославль»
	in     string
}

// In returns the prepositional phrase for reply templates and notifications:
// «в Рославле», «в Смоленске», «в Смоленском районе».
func (m Municipality) In() string { return m.in }

// Category is one topic of the rubricator.
type Category struct {
	Code   string
	Name   string // «Дороги»
	NameEN string // «Roads»
}

// Tags is what the tagger infers for one comment.
type Tags struct {
	District   string // municipality code, "" when unknown
	Category   string // the main topic, OtherCategory when none matched
	Sentiment  data.Sentiment
	Categories []string // every matched topic, strongest first; empty for «other»
}

// Tagger assigns municipality, topic and sentiment. It is immutable after
// loading and safe for concurrent use.
type Tagger struct {
	munis      []Municipality
	byCode     map[string]int
	cityIndex  map[string]int // normalised place name → municipality
	capital    int            // index of the regional centre, demoted when another place is named
	places     *matcher       // targets: municipality index, -1 for blocked phrases; w<0 marks a weak mention
	directions map[string]bool
	shortKeys  []string // cityKey of each Short, for intoForm
	categories []Category
	rubrics    *matcher // targets: category index with weight
	firstBonus float64
	sentiment  *matcher // targets: idx 0 with signed weight, idx 1 for request cues
	negators   map[string]bool
	threshold  float64
	requestK   float64
	negOther   float64
}

type gazetteerFile struct {
	Region  string `json:"region"`
	Capital string `json:"capital"`
	// Blocks are phrases that look like a place but are not one
	// («Смоленская область», «улица Гагарина», «река Угра»).
	Blocks []string `json:"blocks"`
	// Directions are prepositions that make a mention a destination or an
	// origin («автобус на Смоленск», «до Сычёвки») rather than where the
	// problem is.
	Directions []string `json:"directions"`
	Munis      []struct {
		Code     string   `json:"code"`
		Name     string   `json:"name"`
		Short    string   `json:"short"`
		Center   string   `json:"center"`
		In       string   `json:"in"`
		Aliases  []string `json:"aliases"`
		Places   []string `json:"places"`
		Patterns []string `json:"patterns"`
		Weak     []string `json:"weak"` // destination forms («=в =смоленск»)
	} `json:"municipalities"`
}

type rubricatorFile struct {
	// FirstBonus is added to the topic mentioned first: people open with
	// what they write about.
	FirstBonus float64 `json:"first_bonus"`
	Categories []struct {
		Code     string             `json:"code"`
		Name     string             `json:"name"`
		NameEN   string             `json:"name_en"`
		Keywords map[string]float64 `json:"keywords"`
	} `json:"categories"`
}

type sentimentFile struct {
	Negators  []string           `json:"negators"`
	Threshold float64            `json:"threshold"`
	Terms     map[string]float64 `json:"terms"`
	// RequestCues («подскажите», «просим», «будет ли») mark a question or a
	// request: its negative words describe the problem, not the tone, so
	// the negative part of the score is multiplied by RequestFactor.
	RequestCues   []string `json:"request_cues"`
	RequestFactor float64  `json:"request_factor"`
	// NegatedOther is subtracted for «не» before a word outside the
	// lexicon («не ремонтировали», «не справляется»).
	NegatedOther float64 `json:"negated_other"`
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// LoadTagger reads gazetteer.json, rubricator.json and sentiment.json from
// fsys, so that another region can ship its own files.
func LoadTagger(fsys fs.FS) (*Tagger, error) {
	var g gazetteerFile
	var r rubricatorFile
	var s sentimentFile
	for _, f := range []struct {
		name string
		v    any
	}{{GazetteerFile, &g}, {RubricatorFile, &r}, {SentimentFile, &s}} {
		if err := readJSON(fsys, f.name, f.v); err != nil {
			return nil, err
		}
	}
	t := &Tagger{
		byCode:     map[string]int{},
		cityIndex:  map[string]int{},
		capital:    -1,
		places:     newMatcher(),
		rubrics:    newMatcher(),
		sentiment:  newMatcher(),
		negators:   map[string]bool{},
		directions: map[string]bool{},
		threshold:  s.Threshold,
		requestK:   s.RequestFactor,
		negOther:   s.NegatedOther,
		firstBonus: r.FirstBonus,
	}
	for _, d := range g.Directions {
		for _, w := range Tokens(d) {
			t.directions[w] = true
		}
	}
	if len(g.Munis) == 0 {
		return nil, errors.New(GazetteerFile + ": no municipalities")
	}
	for i, m := range g.Munis {
		if m.Code == "" || m.Name == "" || m.Short == "" || m.In == "" {
			return nil, fmt.Errorf("%s: municipality %d: code, name, short and in are required", GazetteerFile, i)
		}
		if _, dup := t.byCode[m.Code]; dup {
			return nil, fmt.Errorf("%s: duplicate code %q", GazetteerFile, m.Code)
		}
		t.byCode[m.Code] = i
		t.munis = append(t.munis, Municipality{Code: m.Code, Name: m.Name, Short: m.Short, Center: m.Center, in: m.In})
		t.shortKeys = append(t.shortKeys, cityKey(m.Short))
		if m.Code == g.Capital {
			t.capital = i
		}
		for _, p := range m.Places {
			if err := t.places.add(p, target{idx: i}); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", GazetteerFile, m.Code, err)
			}
		}
		for _, p := range m.Patterns {
			if err := t.places.add(p, target{idx: i}); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", GazetteerFile, m.Code, err)
			}
		}
		for _, p := range m.Weak {
			if err := t.places.add(p, target{idx: i, w: -1}); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", GazetteerFile, m.Code, err)
			}
		}
		// A profile city is a place name by itself, so even ambiguous
		// names («Красный», «Угра») are safe to look up there.
		// The centre is left out: «г. Смоленск» is also the seat of the
		// Смоленский район, and every other centre repeats the short name.
		names := append([]string{m.Short, m.Name}, m.Aliases...)
		names = append(names, m.Places...)
		for _, n := range names {
			if k := cityKey(n); k != "" {
				if prev, ok := t.cityIndex[k]; ok && prev != i {
					return nil, fmt.Errorf("%s: name %q belongs to both %s and %s", GazetteerFile, n, g.Munis[prev].Code, m.Code)
				}
				t.cityIndex[k] = i
			}
		}
	}
	if g.Capital != "" && t.capital < 0 {
		return nil, fmt.Errorf("%s: capital %q is not a municipality", GazetteerFile, g.Capital)
	}
	for _, b := range g.Blocks {
		if err := t.places.add(b, target{idx: -1}); err != nil {
			return nil, fmt.Errorf("%s: block: %w", GazetteerFile, err)
		}
	}

	seen := map[string]bool{}
	for i, c := range r.Categories {
		if c.Code == "" || c.Name == "" || seen[c.Code] {
			return nil, fmt.Errorf("%s: category %d: empty or duplicate code or name", RubricatorFile, i)
		}
		seen[c.Code] = true
		t.categories = append(t.categories, Category{Code: c.Code, Name: c.Name, NameEN: c.NameEN})
		// Sorted so that compiled order, and so any tie, never depends on map order.
		keys := make([]string, 0, len(c.Keywords))
		for k := range c.Keywords {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := t.rubrics.add(k, target{idx: i, w: c.Keywords[k]}); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", RubricatorFile, c.Code, err)
			}
		}
	}
	if !seen[OtherCategory] {
		return nil, fmt.Errorf("%s: category %q is required", RubricatorFile, OtherCategory)
	}

	if s.Threshold <= 0 || s.RequestFactor < 0 || s.RequestFactor > 1 {
		return nil, fmt.Errorf("%s: threshold must be positive and request_factor within [0, 1]", SentimentFile)
	}
	for _, c := range s.RequestCues {
		if err := t.sentiment.add(c, target{idx: 1}); err != nil {
			return nil, fmt.Errorf("%s: request cue: %w", SentimentFile, err)
		}
	}
	for _, n := range s.Negators {
		for _, w := range Tokens(n) {
			t.negators[w] = true
		}
	}
	keys := make([]string, 0, len(s.Terms))
	for k := range s.Terms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := t.sentiment.add(k, target{w: s.Terms[k]}); err != nil {
			return nil, fmt.Errorf("%s: %w", SentimentFile, err)
		}
	}
	return t, nil
}

var (
	defaultOnce   sync.Once
	defaultTagger *Tagger
)

// DefaultTagger returns the tagger built from the files shipped in assets.
// It panics only if those files are broken, which a test guards against.
func DefaultTagger() *Tagger {
	defaultOnce.Do(func() {
		t, err := LoadTagger(assets.FS)
		if err != nil {
			panic("textru: shipped tagger data is broken: " + err.Error())
		}
		defaultTagger = t
	})
	return defaultTagger
}

// Municipalities returns the municipalities with the regional centre first,
// then alphabetically by short name.
func (t *Tagger) Municipalities() []Municipality {
	out := append([]Municipality(nil), t.munis...)
	capital := ""
	if t.capital >= 0 {
		capital = t.munis[t.capital].Code
	}
	sort.SliceStable(out, func(a, b int) bool {
		if (out[a].Code == capital) != (out[b].Code == capital) {
			return out[a].Code == capital
		}
		return sortKey(out[a].Short) < sortKey(out[b].Short)
	})
	return out
}

// sortKey orders Russian names alphabetically: ё sorts with е, not after я.
func sortKey(s string) string {
	return strings.NewReplacer("ё", "е", "Ё", "Е").Replace(s)
}

// Municipality returns the municipality with the given code.
func (t *Tagger) Municipality(code string) (Municipality, bool) {
	i, ok := t.byCode[code]
	if !ok {
		return Municipality{}, false
	}
	return t.munis[i], true
}

// Categories returns the topics in the rubricator's order.
func (t *Tagger) Categories() []Category {
	return append([]Category(nil), t.categories...)
}

// cityPrefixes are settlement-type words people put before a name.
var cityPrefixes = map[string]bool{
	"г": true, "город": true, "гор": true, "пгт": true, "п": true, "пос": true, "поселок": true,
	"с": true, "село": true, "д": true, "дер": true, "деревня": true, "ст": true, "станция": true,
	"city": true, "of": true,
}

// cityKey is the look-up form of a place name: tokens without settlement
// prefixes, region or country tails.
func cityKey(name string) string {
	if k := strings.IndexAny(name, ",("); k >= 0 {
		name = name[:k]
	}
	toks := Tokens(name)
	for len(toks) > 0 && cityPrefixes[toks[0]] {
		toks = toks[1:]
	}
	return strings.Join(toks, " ")
}

// MunicipalityByCity maps a profile city («Рославль», «Smolensk», «пгт
// Кардымово», «Печерск») to a municipality code, "" when unknown.
func (t *Tagger) MunicipalityByCity(city string) string {
	if i, ok := t.cityIndex[cityKey(city)]; ok {
		return t.munis[i].Code
	}
	return ""
}

// Tag infers the municipality, topic and sentiment of a comment.
//
// Municipality: places named in the text (towns, villages, inflected and
// adjectival forms, residents' names) are found by longest match. The rule,
// in order: the first place named as where something is («в Рославле»,
// «рославльские дороги», «Остёр»); then the regional centre named that way —
// it ranks below any district because district residents routinely mention
// Smolensk (trips, hospitals) while the problem is at home; then the
// author's profile city; then places named only as a destination or origin
// («автобус на Смоленск», «до Сычёвки», «из Починка»).
//
// Topic: each rubric sums the weights of its matched keywords (negative cues
// subtract), the topic mentioned first gets a small bonus; the highest score
// wins, ties go to the earliest mention.
//
// Sentiment: lexicon weights are summed; a negator («не», «нет») just before
// a term flips it (a flipped negative is halved: «не плохо» is mildly
// positive), «не» before any other word counts as mildly negative, and in a
// question or request («подскажите», «просим») the negative part is damped.
// A sum at or beyond ±threshold decides, otherwise neutral.
func (t *Tagger) Tag(text, authorCity string) Tags {
	words := Tokens(text)
	stems := make([]string, len(words))
	for i, w := range words {
		stems[i] = Stem(w)
	}
	cats := t.topics(words, stems)
	tags := Tags{
		District:   t.district(words, stems, authorCity),
		Category:   OtherCategory,
		Sentiment:  t.tone(words, stems),
		Categories: cats,
	}
	if len(cats) > 0 {
		tags.Category = cats[0]
	}
	return tags
}

func (t *Tagger) district(words, stems []string, authorCity string) string {
	// Mentions in order of preference; -1 while none is seen.
	strong, capital, weak, weakCapital := -1, -1, -1, -1
	for _, h := range t.places.findAll(words, stems) {
		for _, tg := range t.places.pats[h.pat].targets {
			if tg.idx < 0 {
				continue
			}
			isWeak := tg.w < 0 || t.directions[words[h.start]] || (h.start > 0 && t.directions[words[h.start-1]]) ||
				t.intoForm(words, h.start, tg.idx)
			isCapital := tg.idx == t.capital
			switch {
			case !isWeak && !isCapital && strong < 0:
				strong = tg.idx
			case !isWeak && isCapital && capital < 0:
				capital = tg.idx
			case isWeak && !isCapital && weak < 0:
				weak = tg.idx
			case isWeak && isCapital && weakCapital < 0:
				weakCapital = tg.idx
			}
		}
		if strong >= 0 {
			break
		}
	}
	for _, i := range []int{strong, capital} {
		if i >= 0 {
			return t.munis[i].Code
		}
	}
	if code := t.MunicipalityByCity(authorCity); code != "" {
		return code
	}
	for _, i := range []int{weak, weakCapital} {
		if i >= 0 {
			return t.munis[i].Code
		}
	}
	return ""
}

// intoForm reports whether the mention at token i reads as motion «в X»
// (accusative) rather than location «в X» (prepositional): a feminine
// accusative ending («в Вязьму», «в Глинку») or the bare name of a town
// whose locative differs («в Смоленск», «в Рославль»; «в Сафоново» is
// ambiguous and stays a location).
func (t *Tagger) intoForm(words []string, i, muni int) bool {
	if i == 0 || (words[i-1] != "в" && words[i-1] != "во") {
		return false
	}
	w := words[i]
	if strings.HasSuffix(w, "у") || strings.HasSuffix(w, "ю") {
		return true
	}
	short := t.shortKeys[muni]
	return w == short && !strings.HasSuffix(w, "о")
}

func (t *Tagger) topics(words, stems []string) []string {
	type score struct {
		idx   int
		sum   float64
		first int
	}
	scores := make([]score, len(t.categories))
	for i := range scores {
		scores[i] = score{idx: i, first: len(words)}
	}
	firstCat, firstPos := -1, len(words)
	for _, h := range t.rubrics.findAll(words, stems) {
		for _, tg := range t.rubrics.pats[h.pat].targets {
			s := &scores[tg.idx]
			s.sum += tg.w
			if tg.w > 0 && h.start < s.first {
				s.first = h.start
				if h.start < firstPos {
					firstCat, firstPos = tg.idx, h.start
				}
			}
		}
	}
	if firstCat >= 0 && scores[firstCat].sum > 0 {
		scores[firstCat].sum += t.firstBonus
	}
	sort.SliceStable(scores, func(a, b int) bool {
		if scores[a].sum != scores[b].sum {
			return scores[a].sum > scores[b].sum
		}
		return scores[a].first < scores[b].first
	})
	var out []string
	for _, s := range scores {
		if s.sum <= 0 {
			break
		}
		if code := t.categories[s.idx].Code; code != OtherCategory {
			out = append(out, code)
		}
	}
	return out
}

func (t *Tagger) tone(words, stems []string) data.Sentiment {
	var pos, neg float64
	request := false
	covered := make([]bool, len(words)+1)
	for _, h := range t.sentiment.findAll(words, stems) {
		for k := h.start; k < h.end; k++ {
			covered[k] = true
		}
		w := 0.0
		for _, tg := range t.sentiment.pats[h.pat].targets {
			if tg.idx == 1 {
				request = true
			}
			w += tg.w
		}
		if !t.negators[words[h.start]] {
			for k := h.start - 1; k >= 0 && k >= h.start-2; k-- {
				if t.negators[words[k]] {
					covered[k] = true
					if w > 0 {
						w = -w
					} else {
						w = -w / 2
					}
					break
				}
			}
		}
		if w > 0 {
			pos += w
		} else {
			neg -= w
		}
	}
	for i, w := range words {
		if w == "не" && i+1 < len(words) && !covered[i] && !covered[i+1] && !t.negators[words[i+1]] {
			neg += t.negOther
		}
	}
	if request {
		neg *= t.requestK
	}
	switch sum := pos - neg; {
	case sum <= -t.threshold:
		return data.Negative
	case sum >= t.threshold:
		return data.Positive
	}
	return data.Neutral
}
