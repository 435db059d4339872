package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"otklik/assets"
)

// StyleFile is the канцелярит dictionary in the assets folder.
const StyleFile = "kantselyarit_ru.json"

// TextKind is the kind of a live-language finding.
type TextKind string

const (
	TextKantselyarit  TextKind = "kantselyarit"   // a bureaucratic phrase from the dictionary
	TextGenitiveChain TextKind = "genitive_chain" // three or more nouns in the genitive in a row
	TextPassive       TextKind = "passive"        // «проводится», «был проведён», «будет осуществлена»
	TextLongSentence  TextKind = "long_sentence"  // more than 25 words
	TextNumbers       TextKind = "numbers"        // a sentence crowded with numbers and abbreviations
	TextNoAddress     TextKind = "no_address"     // nothing speaks to the reader
)

// Band is the verdict class of a score.
type Band string

const (
	BandLive  Band = "live"  // «Живой язык»
	BandMixed Band = "mixed" // «Есть канцелярит»
	BandMemo  Band = "memo"  // «Читается как служебная записка»
	BandEmpty Band = "empty" // no words at all
)

// Score bands: at or above BandLiveMin is live language, below BandMemoBelow a memo.
const (
	BandLiveMin   = 70
	BandMemoBelow = 40
	// LongSentenceWords is the longest sentence that reads in one breath.
	LongSentenceWords = 25
)

// TextFinding is one flagged fragment of a draft.
type TextFinding struct {
	Start, End int // byte offsets into the checked text, on rune boundaries
	Kind       TextKind
	Text       string // the fragment, text[Start:End]
	Suggestion string // in Russian, like the text
	Penalty    int    // points the finding takes off before length scaling
}

// TextReport is the result of a live-language check.
type TextReport struct {
	Score     int // 0…100, 100 = live language
	Band      Band
	Verdict   string // «Живой язык», «Есть канцелярит», «Читается как служебная записка»
	VerdictEN string
	Words     int
	Sentences int
	Findings  []TextFinding // by Start, then End
}

// Style is a compiled канцелярит dictionary with the genitive heuristic.
type Style struct {
	entries     []styleEntry
	byFirst     map[rune][]int // entries by the first letter of their first word
	anyFirst    []int          // entries whose first word has no fixed first letter
	nounSuffix  []string
	adjSuffix   []string
	nouns       map[string]bool
	notGenitive map[string]bool
}

type styleEntry struct {
	toks    []patTok
	suggest string
	weight  int
	source  string
}

// patTok is one word of a pattern: an exact word, a stem with any ending
// (star) or a stem with one of the listed endings.
type patTok struct {
	stem string
	alts []string
	star bool
}

func (p patTok) matches(w string) bool {
	if !strings.HasPrefix(w, p.stem) {
		return false
	}
	rest := w[len(p.stem):]
	switch {
	case p.star:
		return true
	case p.alts != nil:
		for _, a := range p.alts {
			if rest == a {
				return true
			}
		}
		return false
	}
	return rest == ""
}

type styleJSON struct {
	About   string `json:"about"`
	Entries []struct {
		Pattern string `json:"pattern"`
		Suggest string `json:"suggest"`
		Weight  int    `json:"weight"`
	} `json:"entries"`
	Genitive struct {
		NounSuffixes []string `json:"noun_suffixes"`
		AdjSuffixes  []string `json:"adj_suffixes"`
		Nouns        []string `json:"nouns"`
		NotGenitive  []string `json:"not_genitive"`
	} `json:"genitive"`
}

// fold lower-cases and writes ё as е, as patterns are written.
func fold(s string) string {
	s = strings.ToLower(s)
	if strings.ContainsRune(s, 'ё') {
		s = strings.ReplaceAll(s, "ё", "е")
	}
	return s
}

func validPart(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '-' {
			return false
		}
	}
	return true
}

func compileTok(src string) (patTok, error) {
	src = fold(src)
	if strings.HasSuffix(src, "*") {
		stem := strings.TrimSuffix(src, "*")
		if len([]rune(stem)) < 2 || !validPart(stem) {
			return patTok{}, fmt.Errorf("%q: a stem before * needs two or more letters", src)
		}
		return patTok{stem: stem, star: true}, nil
	}
	if i := strings.IndexByte(src, '{'); i >= 0 {
		if !strings.HasSuffix(src, "}") || strings.Count(src, "{") != 1 || strings.Count(src, "}") != 1 {
			return patTok{}, fmt.Errorf("%q: endings go in one {…} at the end of the word", src)
		}
		stem := src[:i]
		alts := strings.Split(src[i+1:len(src)-1], ",")
		if !validPart(stem) {
			return patTok{}, fmt.Errorf("%q: only letters and hyphens allowed", src)
		}
		nonEmpty := false
		for k, a := range alts {
			alts[k] = strings.TrimSpace(a)
			if !validPart(alts[k]) {
				return patTok{}, fmt.Errorf("%q: only letters and hyphens allowed", src)
			}
			nonEmpty = nonEmpty || stem+alts[k] != ""
		}
		if !nonEmpty {
			return patTok{}, fmt.Errorf("%q: matches nothing", src)
		}
		return patTok{stem: stem, alts: alts}, nil
	}
	if src == "" || !validPart(src) || strings.ContainsAny(src, "*}") {
		return patTok{}, fmt.Errorf("%q: only letters and hyphens allowed", src)
	}
	return patTok{stem: src}, nil
}

// ParseStyle compiles a канцелярит dictionary.
func ParseStyle(b []byte) (*Style, error) {
	var raw styleJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("style dictionary: %w", err)
	}
	if len(raw.Entries) == 0 {
		return nil, errors.New("style dictionary: no entries")
	}
	s := &Style{nouns: map[string]bool{}, notGenitive: map[string]bool{}, byFirst: map[rune][]int{}}
	seen := map[string]bool{}
	for i, e := range raw.Entries {
		pat := strings.Join(strings.Fields(fold(e.Pattern)), " ")
		if pat == "" {
			return nil, fmt.Errorf("style dictionary: entry #%d has an empty pattern", i+1)
		}
		if seen[pat] {
			return nil, fmt.Errorf("style dictionary: pattern %q is listed twice", e.Pattern)
		}
		seen[pat] = true
		if strings.TrimSpace(e.Suggest) == "" {
			return nil, fmt.Errorf("style dictionary: pattern %q has no suggestion", e.Pattern)
		}
		if e.Weight < 1 || e.Weight > 3 {
			return nil, fmt.Errorf("style dictionary: pattern %q: weight must be 1, 2 or 3, got %d", e.Pattern, e.Weight)
		}
		se := styleEntry{suggest: e.Suggest, weight: e.Weight, source: e.Pattern}
		for _, w := range strings.Fields(pat) {
			t, err := compileTok(w)
			if err != nil {
				return nil, fmt.Errorf("style dictionary: pattern %q: %w", e.Pattern, err)
			}
			se.toks = append(se.toks, t)
		}
		if r, _ := utf8.DecodeRuneInString(se.toks[0].stem); se.toks[0].stem != "" {
			s.byFirst[r] = append(s.byFirst[r], len(s.entries))
		} else {
			s.anyFirst = append(s.anyFirst, len(s.entries))
		}
		s.entries = append(s.entries, se)
	}
	g := raw.Genitive
	if len(g.NounSuffixes) == 0 {
		return nil, errors.New("style dictionary: genitive.noun_suffixes is empty")
	}
	for _, x := range g.NounSuffixes {
		s.nounSuffix = append(s.nounSuffix, fold(x))
	}
	for _, x := range g.AdjSuffixes {
		s.adjSuffix = append(s.adjSuffix, fold(x))
	}
	for _, x := range g.Nouns {
		s.nouns[fold(x)] = true
	}
	for _, x := range g.NotGenitive {
		s.notGenitive[fold(x)] = true
	}
	return s, nil
}

// LoadStyle reads StyleFile from fsys.
func LoadStyle(fsys fs.FS) (*Style, error) {
	b, err := fs.ReadFile(fsys, StyleFile)
	if err != nil {
		return nil, fmt.Errorf("style dictionary: %w", err)
	}
	return ParseStyle(b)
}

var defaultStyle = sync.OnceValues(func() (*Style, error) { return LoadStyle(assets.FS) })

// DefaultStyle is the dictionary shipped in assets. The shipped file is
// covered by tests, so an error here means a broken build.
func DefaultStyle() *Style {
	s, err := defaultStyle()
	if err != nil {
		panic(err)
	}
	return s
}

// CheckText grades a draft with the shipped dictionary.
func CheckText(text string) TextReport { return DefaultStyle().Check(text) }

type token struct {
	start, end int
	w          string // folded
	runes      int
	num        bool // contains a digit
	abbr       bool // two or more letters, all capitals: ЖКХ, МФЦ
}

type sentence struct {
	start, end int // byte span
	t0, t1     int // token range [t0, t1)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits text into words with byte spans; a hyphen or an apostrophe
// between letters stays inside a word («Холм-Жирковский», «из-за»).
func tokenize(text string) []token {
	var toks []token
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		letters, upper, digits, runes := 0, 0, 0, 0
		for i < len(text) {
			r, n = utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				runes++
				if unicode.IsDigit(r) {
					digits++
				} else {
					letters++
					if unicode.IsUpper(r) {
						upper++
					}
				}
				i += n
				continue
			}
			if r == '-' || r == '\u2011' {
				if r2, _ := utf8.DecodeRuneInString(text[i+n:]); i+n < len(text) && isWordRune(r2) {
					runes++
					i += n
					continue
				}
			}
			break
		}
		toks = append(toks, token{start: start, end: i, w: fold(text[start:i]), runes: runes,
			num: digits > 0, abbr: letters >= 2 && upper == letters && digits == 0})
	}
	return toks
}

// shortAbbr are words that end with a dot without ending a sentence:
// «г. Рославль», «ул. Кирова», «т. е.», «тыс. руб.».
var shortAbbr = map[string]bool{"г": true, "гг": true, "ул": true, "д": true, "т": true, "е": true, "п": true, "им": true,
	"руб": true, "тыс": true, "млн": true, "млрд": true, "см": true, "стр": true, "пр": true, "св": true, "пос": true,
	"дер": true, "обл": true, "р-н": true, "пер": true, "кв": true, "т.е": true, "др": true, "пл": true}

// sentences splits at . ! ? … and line breaks; a dot after a short
// abbreviation, or followed by a lower-case letter or a digit, does not split.
func sentences(text string, toks []token) []sentence {
	var out []sentence
	t0 := 0
	flush := func(end, t1 int) {
		if t1 > t0 {
			out = append(out, sentence{start: toks[t0].start, end: end, t0: t0, t1: t1})
		}
		t0 = t1
	}
	for k := 0; k < len(toks); k++ {
		gapEnd := len(text)
		if k+1 < len(toks) {
			gapEnd = toks[k+1].start
		}
		gap := text[toks[k].end:gapEnd]
		cut := -1
		for j, r := range gap {
			switch r {
			case '!', '?', '…', '\n':
				cut = j
			case '.':
				if shortAbbr[toks[k].w] || toks[k].runes == 1 && !toks[k].num {
					continue
				}
				if k+1 < len(toks) {
					nr, _ := utf8.DecodeRuneInString(text[toks[k+1].start:])
					if unicode.IsLower(nr) || unicode.IsDigit(nr) {
						continue
					}
				}
				cut = j
			}
			if cut >= 0 {
				break
			}
		}
		if cut >= 0 {
			end := toks[k].end + cut
			_, n := utf8.DecodeRuneInString(gap[cut:])
			if gap[cut] != '\n' {
				end += n
			}
			flush(end, k+1)
		}
	}
	if t0 < len(toks) {
		flush(toks[len(toks)-1].end, len(toks))
	}
	return out
}

// onlySpace reports whether the text between two words is plain spacing, so
// a phrase never matches across punctuation.
func onlySpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return s != ""
}

// Intransitive reflexive verbs end in -ся like the passive but are live
// language («удалось», «начинается», «встретились»); their stems are skipped.
var notPassive = []string{"нрав", "кажет", "казал", "оста", "начина", "начал", "нача", "получа", "получил", "собира", "собрал",
	"собра", "улыба", "стрем", "наде", "боит", "боят", "боял", "случ", "уда", "станов", "стал", "наход", "нашл", "занима",
	"занял", "заня", "готов", "встреч", "встрет", "учит", "учил", "приход", "пришл", "хочет", "хотел", "рад", "продолжа",
	"продолжил", "заканчива", "закончил", "открыва", "открыл", "каса", "косну", "верн", "смея", "смеял", "появ", "состоя",
	"дожд", "сложил", "обраща", "обратил", "жалу", "жалова", "разобрал", "справ", "взял", "отправ", "добрал", "добира",
	"прошл", "держ", "весел", "сомнева", "стара", "пыта", "называ", "нужда", "договор", "беспоко", "волну", "интересу", "горд",
	"извиня", "отказ", "познаком", "подели", "дели", "развива", "развил", "собер", "прослав", "переезжа", "переехал",
	"вернул", "возвраща", "улучш", "гуля", "кат", "труд", "молит", "ложит", "ляжет", "садит", "просып", "проснул", "одева",
	"оказал", "оказыва", "помн", "сбыва", "сбыл", "справл", "здорова", "увидим", "видит", "видел", "слыш", "дружат", "дружил"}

var passiveEnds = []string{"ется", "ются", "ится", "ятся", "лся", "лась", "лось", "лись"}

var participleEnds = []string{"ен", "ена", "ено", "ены", "ан", "ана", "ано", "аны", "ян", "яна", "яно", "яны",
	"ит", "ита", "ито", "иты", "ут", "ута", "уто", "уты", "ыт", "ыта", "ыто", "ыты"}

var auxBe = map[string]bool{"был": true, "была": true, "было": true, "были": true, "будет": true, "будут": true}

var auxFiller = map[string]bool{"уже": true, "также": true, "еще": true, "тоже": true, "полностью": true, "успешно": true,
	"своевременно": true, "досрочно": true}

func hasAnySuffix(w string, sfx []string) bool {
	for _, s := range sfx {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

func hasAnyPrefix(w string, pfx []string) bool {
	for _, p := range pfx {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

func isReflexivePassive(t token) bool {
	if t.runes < 6 || t.num || !hasAnySuffix(t.w, passiveEnds) {
		return false
	}
	return !hasAnyPrefix(t.w, notPassive)
}

func isParticiple(t token) bool { return t.runes >= 5 && !t.num && hasAnySuffix(t.w, participleEnds) }

// genClass classifies a word for the genitive-chain heuristic: 2 is a noun in
// the genitive, 1 an adjective or pronoun that may agree with one (it neither
// counts nor breaks a chain), 0 anything else.
func (s *Style) genClass(t token) int {
	if t.num || t.abbr || s.notGenitive[t.w] {
		return 0
	}
	if s.nouns[t.w] {
		return 2
	}
	if t.runes >= 4 && hasAnySuffix(t.w, s.nounSuffix) {
		return 2
	}
	if t.runes >= 4 && hasAnySuffix(t.w, s.adjSuffix) {
		return 1
	}
	return 0
}

var addressWords = map[string]bool{"вы": true, "вас": true, "вам": true, "вами": true, "друзья": true, "земляки": true,
	"смоляне": true, "дорогие": true, "уважаемые": true, "коллеги": true, "спасибо": true, "давайте": true,
	"благодарю": true, "поздравляю": true, "поздравляем": true}

func isAddress(t token) bool {
	if addressWords[t.w] || strings.HasPrefix(t.w, "ваш") {
		return true
	}
	// Imperative and second person plural: «пишите», «приходите», «делитесь».
	return t.runes >= 5 && (hasAnySuffix(t.w, []string{"ите", "йте", "итесь", "йтесь"}))
}

// Check grades text. Findings carry byte spans into text; penalties add up
// and, for texts longer than 80 words, are scaled by √(80/words) so a long
// live post with two stock phrases is not graded like a short memo.
func (s *Style) Check(text string) TextReport {
	toks := tokenize(text)
	sents := sentences(text, toks)
	rep := TextReport{Words: len(toks), Sentences: len(sents)}
	if len(toks) == 0 {
		rep.Score, rep.Band, rep.Verdict, rep.VerdictEN = 100, BandEmpty, "Текста нет", "No text"
		return rep
	}
	var out []TextFinding
	add := func(a, b int, kind TextKind, sugg string, pen int) {
		out = append(out, TextFinding{Start: a, End: b, Kind: kind, Text: text[a:b], Suggestion: sugg, Penalty: pen})
	}
	// Dictionary phrases: the longest match at each word wins, and matches never overlap.
	covered := make([]bool, len(toks))
	for i := 0; i < len(toks); i++ {
		best, bestLen := -1, 0
		r, _ := utf8.DecodeRuneInString(toks[i].w)
		for _, group := range [2][]int{s.byFirst[r], s.anyFirst} {
			for _, k := range group {
				e := s.entries[k]
				n := len(e.toks)
				if n <= bestLen || i+n > len(toks) {
					continue
				}
				ok := true
				for j := 0; j < n && ok; j++ {
					ok = e.toks[j].matches(toks[i+j].w) && (j == 0 || onlySpace(text[toks[i+j-1].end:toks[i+j].start]))
				}
				if ok {
					best, bestLen = k, n
				}
			}
		}
		if best < 0 {
			continue
		}
		e := s.entries[best]
		add(toks[i].start, toks[i+bestLen-1].end, TextKantselyarit, "Проще: "+e.suggest, 6*e.weight)
		for j := i; j < i+bestLen; j++ {
			covered[j] = true
		}
		i += bestLen - 1
	}
	// Passive voice, unless the word is already flagged as канцелярит.
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if auxBe[t.w] && i+1 < len(toks) {
			j := i + 1
			if auxFiller[toks[j].w] && j+1 < len(toks) && !isParticiple(toks[j]) {
				j++
			}
			if isParticiple(toks[j]) && !covered[j] && onlySpace(text[toks[j-1].end:toks[j].start]) {
				add(t.start, toks[j].end, TextPassive, "Скажите, кто сделал: «мы отремонтировали», «строители закончат»", 5)
				i = j
				continue
			}
		}
		if !covered[i] && isReflexivePassive(t) {
			add(t.start, t.end, TextPassive, "Назовите, кто действует: не «проводится проверка», а «мы проверяем»", 4)
		}
	}
	// Genitive chains: three or more genitive nouns with only agreeing
	// adjectives between them and no punctuation.
	for i := 0; i < len(toks); {
		if s.genClass(toks[i]) == 0 {
			i++
			continue
		}
		j, nouns, lastNoun := i, 0, -1
		for j < len(toks) {
			c := s.genClass(toks[j])
			if c == 0 || j > i && !onlySpace(text[toks[j-1].end:toks[j].start]) {
				break
			}
			if c == 2 {
				nouns++
				lastNoun = j
			}
			j++
		}
		if nouns >= 3 {
			first := i
			for s.genClass(toks[first]) != 2 {
				first++
			}
			add(toks[first].start, toks[lastNoun].end, TextGenitiveChain,
				"Цепочка из "+nRU(nouns, "слова", "слов", "слов")+" в родительном падеже — разверните глаголом: «чтобы дороги ремонтировали быстрее»",
				8+3*(nouns-3))
		}
		if j == i {
			j++
		}
		i = j
	}
	// Sentence-level checks.
	addressed := strings.ContainsRune(text, '?')
	for _, t := range toks {
		addressed = addressed || isAddress(t)
	}
	for _, st := range sents {
		n := st.t1 - st.t0
		if n > LongSentenceWords {
			pen := 6 + 2*((n-LongSentenceWords)/5)
			if pen > 16 {
				pen = 16
			}
			add(st.start, st.end, TextLongSentence,
				"В предложении "+nRU(n, "слово", "слова", "слов")+" — разбейте на два-три коротких", pen)
		}
		nums, abbrs := 0, 0
		for _, t := range toks[st.t0:st.t1] {
			if t.num {
				nums++
			} else if t.abbr {
				abbrs++
			}
		}
		if nums+abbrs >= 5 || abbrs >= 3 {
			add(st.start, st.end, TextNumbers,
				"Много цифр и сокращений ("+itoa(nums+abbrs)+") — оставьте одну-две главные, сокращения расшифруйте", 6)
		}
	}
	if !addressed && len(toks) >= 20 {
		add(0, 0, TextNoAddress, "Обратитесь к людям: «друзья», «вы», «приходите», задайте вопрос", 15)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End < out[j].End
	})
	pen := 0
	for _, f := range out {
		pen += f.Penalty
	}
	scaled := float64(pen)
	if len(toks) > 80 {
		scaled *= math.Sqrt(80 / float64(len(toks)))
	}
	rep.Score = 100 - int(math.Round(scaled))
	if rep.Score < 0 {
		rep.Score = 0
	}
	rep.Findings = out
	switch {
	case rep.Score >= BandLiveMin:
		rep.Band, rep.Verdict, rep.VerdictEN = BandLive, "Живой язык", "Live language"
	case rep.Score >= BandMemoBelow:
		rep.Band, rep.Verdict, rep.VerdictEN = BandMixed, "Есть канцелярит", "Some officialese"
	default:
		rep.Band, rep.Verdict, rep.VerdictEN = BandMemo, "Читается как служебная записка", "Reads like an office memo"
	}
	return rep
}
