package brief

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"otklik/app/textru"
)

// stopWords are dropped before stemming: function words, question words,
// politeness and greetings. They say how a resident asks, not what about, so
// two messages that share only them must not look alike.
var stopWords = setOf(`
а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы где да даже для до его ее её ей ему если есть еще ещё же за здесь и из или им их к как какая какие какой кто ли либо мне может можно мой мы на над нам нас не него нее неё ней нет ни нибудь них но ну о об один однако он она они оно от по под после при про раз с сам себе со так также такой там тебе то тогда того тоже только том ту тут ты у уже хотя чего чей чем что чтобы чье чья эта эти это этот я
будет будут будем буду когда почему зачем сколько куда откуда каким какое каких каком
очень просто вообще опять снова сейчас теперь наконец всё-таки пожалуйста спасибо
здравствуйте здравствуй добрый доброе доброго добрый день вечер утро привет подскажите скажите ответьте объясните уважаемый уважаемая уважаемые губернатор губернатора анохин василий николаевич
через этом этой этого этих этим этому свой свои своих наш наша наши нашем нашей нашу вопрос прошу просим помогите сделайте больше всем сих пор када кагда пачему щас
ул улица улице улицы д мкр г город городе деревне деревню деревня село селе район района районе
`)

// thesaurus folds stems that residents use interchangeably for the same
// municipal matter onto one token («починят» = «отремонтируют» = «ремонт»,
// «кровля» = «крыша», «ТКО» = «мусор»). It holds only synonyms that never
// separate two different questions; words that do (построить vs починить)
// stay apart on purpose.
var thesaurus = map[string]string{
	"почин": "ремонт", "отремонтир": "ремонт", "ремонтир": "ремонт", "отремонтирова": "ремонт", "подлата": "ремонт", "залата": "ремонт",
	"отоплен": "отоплен", "тепл": "отоплен", "батаре": "отоплен",
	"садик": "сад", "детсад": "сад",
	"глазн": "окулист", "офтальмолог": "окулист",
	"электричеств": "свет", "электроэнерг": "свет", "электроэнерги": "свет",
	"тко": "мусор", "отход": "мусор",
	"водокачк": "водонапорн",
	"кровл":    "крыш",
	"протека":  "теч", "протек": "теч", "течет": "теч", "теч": "теч", "протечк": "теч",
	"газификац": "газ", "газифицир": "газ", "газифицирова": "газ",
	"бездомн": "бродяч",
	"рейс":    "автобус",
	"постро":  "стро", "строительств": "стро", "стро": "стро", "построител": "стро",
	"пересчита": "перерасчет", "перерасчет": "перерасчет", "пересчет": "перерасчет",
	"тариф": "плат", "начисл": "плат", "начислен": "плат", "квитанц": "плат", "плат": "плат",
	"убира": "уборк", "убра": "уборк", "чист": "уборк", "почист": "уборк", "расчистк": "уборк", "очистк": "уборк",
	"отлов": "отлов", "отлавлива": "отлов",
	"микрорайон": "микрорайон", "мкр": "микрорайон",
	"расселен": "рассел", "рассел": "рассел", "переселя": "рассел", "переселен": "рассел",
	"анестез": "анестез", "обезболива": "анестез",
	"павильон": "остановк", "остановочн": "остановк",
	"фельдшер": "фап",
	"дк":       "клуб",
}

// features returns the distinct content stems of text in first-seen order,
// before typo and synonym folding.
// Greetings and stop words are dropped (the governor's name and patronymic
// among them); numbers stay, since «школа №2» and «дом 14» are different
// places. Other patronymics are not guessed away: village names share their
// endings («Астапковичи», «Волковичи»).
func features(text string, buf []string) []string {
	out := buf[:0]
	for _, tok := range textru.Tokens(text) {
		if stopWords[tok] {
			continue
		}
		n := utf8.RuneCountInString(tok)
		if n < 2 && !isNumber(tok) {
			continue
		}
		st := textru.Stem(tok)
		if stopWords[st] {
			continue
		}
		dup := false
		for _, o := range out {
			if o == st {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, st)
		}
	}
	return out
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// typoCanon maps misspelt stems onto the spelling most residents use. Two
// stems are neighbours when they are one edit apart (a deletion on either
// side covers substitution, insertion, deletion and most transpositions), at
// least four letters long (five for the longer one) and share the first
// letter, where typos are rare. It also joins stems that Snowball leaves
// apart for a fleeting vowel («рынок», «рынк»).
// Each stem maps to its most frequent neighbour, if that is more frequent.
// The vocabulary is small next to the messages, so this is cheap.
func typoCanon(df map[string]int) map[string]string {
	keys := make(map[string][]string, len(df)*4)
	for st := range df {
		r := []rune(st)
		if len(r) < 4 || isNumber(st) {
			continue
		}
		keys[st] = append(keys[st], st)
		if len(r) < 5 {
			continue // a four-letter stem is only matched by a longer one («рынк» ← «рынок»)
		}
		for i := 1; i < len(r); i++ { // the first letter is never deleted
			k := string(r[:i]) + string(r[i+1:])
			keys[k] = append(keys[k], st)
		}
	}
	// a is a better spelling than b only when more residents write it so and
	// at least two do: two one-off words a letter apart («поезд», «проезд»)
	// are more likely two words than a typo.
	better := func(a, b string) bool { return df[a] >= 2 && df[a] > df[b] }
	canon := map[string]string{}
	for _, group := range keys {
		if len(group) < 2 {
			continue
		}
		for _, s := range group {
			for _, o := range group {
				if o == s {
					continue
				}
				if better(o, s) {
					// among several better spellings: the most frequent, then the first alphabetically
					if c, ok := canon[s]; !ok || better(o, c) || df[o] == df[c] && o < c {
						canon[s] = o
					}
				}
			}
		}
	}
	// Follow chains (a→b→c) so every stem lands on one spelling.
	for s := range canon {
		c := canon[s]
		for i := 0; i < 4; i++ {
			n, ok := canon[c]
			if !ok {
				break
			}
			c = n
		}
		canon[s] = c
	}
	return canon
}

// greetingPrefixes are openings trimmed off a representative wording.
var greetingPrefixes = []string{
	"здравствуйте", "добрый день", "добрый вечер", "доброе утро", "доброго дня", "привет",
	"подскажите пожалуйста", "подскажите", "скажите пожалуйста", "скажите", "пожалуйста",
}

// readable returns the sentence of text whose stems weigh most (weight is
// the cluster's centroid, so shared words count) without greetings and
// addresses, capitalised, at most max runes. A sentence with «?» counts
// half as much again: residents put the actual question there.
func readable(text string, weight func(stem string) float64, max int) string {
	sentences := splitSentences(text)
	best, bestScore := "", -1.0
	for _, s := range sentences {
		s = stripGreeting(s)
		if s == "" {
			continue
		}
		score := 0.0
		for _, f := range features(s, nil) {
			score += weight(f)
		}
		if strings.ContainsRune(s, '?') {
			score *= 1.5 // residents put the actual question in the sentence with «?»
		}
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	if best == "" {
		best = strings.TrimSpace(collapseSpace(text))
	}
	best = squashPunct(best)
	return capitalise(truncate(best, max))
}

func splitSentences(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if s := strings.TrimSpace(b.String()); s != "" {
			out = append(out, collapseSpace(s))
		}
		b.Reset()
	}
	rs := []rune(text)
	for i, r := range rs {
		if r == '\n' {
			flush()
			continue
		}
		b.WriteRune(r)
		if r == '?' || r == '!' || r == '…' || (r == '.' && !(i+1 < len(rs) && (unicode.IsDigit(rs[i+1]) || unicode.IsLetter(rs[i+1])))) {
			// a run of terminators («??», «!!!», «?!») ends the sentence once
			if i+1 < len(rs) && strings.ContainsRune("?!.…", rs[i+1]) {
				continue
			}
			// «ул. Ленина», «д. 5», «г. Рославль»: a short word before a dot is an abbreviation
			if r == '.' && endsWithAbbrev(b.String()) {
				continue
			}
			flush()
		}
	}
	flush()
	return out
}

func endsWithAbbrev(s string) bool {
	s = strings.TrimSuffix(s, ".")
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	w := strings.ToLower(s[i+1:])
	switch w {
	case "ул", "д", "г", "пер", "пр", "кв", "мкр", "им", "т", "к", "с", "дер", "пос", "обл", "р", "ст", "тыс", "руб":
		return true
	}
	return false
}

// stripGreeting removes a leading greeting or address («Уважаемый Василий
// Николаевич!», «Здравствуйте,») and reports "" when nothing else is left.
func stripGreeting(s string) string {
	for changed := true; changed; {
		changed = false
		low := strings.ToLower(s)
		for _, g := range greetingPrefixes {
			if strings.HasPrefix(low, g) {
				rest := s[len(g):]
				if r, _ := utf8.DecodeRuneInString(rest); rest == "" || !unicode.IsLetter(r) {
					s = strings.TrimLeft(rest, " ,!.:;—-")
					changed = true
					break
				}
			}
		}
		if strings.HasPrefix(low, "уважаем") {
			if i := strings.IndexAny(s, "!,."); i >= 0 && utf8.RuneCountInString(s[:i]) < 60 {
				s = strings.TrimLeft(s[i:], " ,!.:;—-")
				changed = true
			}
		}
	}
	if len(features(s, nil)) == 0 {
		return ""
	}
	return strings.TrimSpace(s)
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// squashPunct turns «??», «!!!» and «?!!» into a single mark.
func squashPunct(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if (r == '?' || r == '!') && (prev == '?' || prev == '!') {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// truncate cuts s to at most max runes at a word boundary, adding «…».
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	cut := max - 1
	for i := cut; i > max/2; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(rs[:cut]), " ,;:—-") + "…"
}
