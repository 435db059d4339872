package textru

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Query is a parsed search box input.
type Query struct {
	// Match is an FTS5 MATCH expression over StemText output. Every term is
	// an FTS5 string ("…"), so no user input can reach the FTS5 grammar.
	Match string
	// Stems are the positive terms for Highlight; a prefix term ends in «*».
	Stems []string
	// Empty is true when the input has nothing to search for (blank, only
	// punctuation or emoji, or only exclusions): the caller must not filter.
	Empty bool
}

const (
	// maxQueryTerms caps the words in one query; FTS5 cost grows with each.
	maxQueryTerms = 32
	// maxQueryBytes caps the input scanned; nobody types more into a search box.
	maxQueryBytes = 4096
)

// queryStopWords are dropped from a query that has other words: every
// comment has them, so requiring them only hides results.
var queryStopWords = map[string]bool{
	"и": true, "в": true, "во": true, "на": true, "с": true, "со": true, "по": true,
	"к": true, "ко": true, "о": true, "об": true, "у": true, "за": true, "из": true,
	"от": true, "до": true, "а": true, "но": true, "же": true, "ли": true, "бы": true,
	"не": true, "что": true, "как": true, "это": true, "the": true, "a": true, "of": true,
	"and": true, "in": true, "on": true,
}

type queryItem struct {
	neg    bool
	prefix bool
	words  []string // normalised words; several make a phrase
	stop   bool     // a lone stop word
}

// ParseQuery turns what a user typed into a safe FTS5 expression over
// stemmed text. Supported: words (matched by stem, so «дорога» finds
// «дороги», «дорогу»), "quoted phrases", prefix «слово*», exclusion «-слово»
// or «NOT слово», alternatives with «или», «OR» or «|» (OR binds adjacent
// terms; groups combine with AND). Anything else is treated as text.
// Exclusion-only input gives Empty: FTS5 NOT needs a positive left side.
func ParseQuery(input string) Query {
	if len(input) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(input[cut]) {
			cut--
		}
		input = input[:cut]
	}
	input = strings.ToValidUTF8(input, " ")

	var items []queryItem
	orNext := []bool{} // orNext[k]: item k is joined to item k-1 by OR
	pendingOr, pendingNeg := false, false
	terms := 0
	add := func(it queryItem) {
		if len(it.words) == 0 || terms >= maxQueryTerms {
			return
		}
		if terms+len(it.words) > maxQueryTerms {
			it.words = it.words[:maxQueryTerms-terms]
		}
		terms += len(it.words)
		it.stop = len(it.words) == 1 && !it.prefix && queryStopWords[it.words[0]]
		items = append(items, it)
		orNext = append(orNext, pendingOr && !it.neg && len(items) > 1 && !items[len(items)-2].neg)
		pendingOr = false
	}

	for i := 0; i < len(input) && terms < maxQueryTerms; {
		r, size := utf8.DecodeRuneInString(input[i:])
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == '(' || r == ')':
			i += size
			continue
		case r == '"' || r == '«':
			closer := "\""
			if r == '«' {
				closer = "»"
			}
			body := input[i+size:]
			end := strings.Index(body, closer)
			next := len(input)
			if end >= 0 {
				next = i + size + end + len(closer)
				body = body[:end]
			}
			prefix := strings.HasPrefix(input[next:], "*")
			if prefix {
				next++
			}
			add(queryItem{neg: pendingNeg, prefix: prefix, words: Tokens(body)})
			pendingNeg = false
			i = next
			continue
		case r == '-' && i+1 < len(input) && !unicode.IsSpace(rune(input[i+1])):
			pendingNeg = true
			i += size
			continue
		}
		// A bare chunk runs to whitespace or a quote.
		j := i
		for j < len(input) {
			c, cs := utf8.DecodeRuneInString(input[j:])
			if unicode.IsSpace(c) || unicode.IsControl(c) || c == '"' || c == '«' || c == '(' || c == ')' {
				break
			}
			j += cs
		}
		chunk := input[i:j]
		i = j
		switch chunk {
		case "OR", "или", "ИЛИ", "Или", "|", "||":
			pendingOr = len(items) > 0
			continue
		case "AND", "&", "&&":
			continue
		case "NOT":
			pendingNeg = true
			continue
		}
		prefix := strings.HasSuffix(chunk, "*")
		add(queryItem{neg: pendingNeg, prefix: prefix, words: Tokens(chunk)})
		pendingNeg = false
	}

	// Lone stop words go when something more telling is in the query.
	keepStop := true
	for _, it := range items {
		if !it.neg && !it.stop {
			keepStop = false
			break
		}
	}

	var q Query
	var groups [][]string // positive groups, each an OR of terms
	var negs []string
	seen := map[string]bool{}
	for k, it := range items {
		if it.stop && !keepStop && !it.neg {
			continue
		}
		stems := make([]string, len(it.words))
		for n, w := range it.words {
			stems[n] = Stem(w)
			if it.prefix && n == len(it.words)-1 {
				stems[n] = prefixStem(w)
			}
		}
		term := ftsString(strings.Join(stems, " "))
		if it.prefix {
			term += " *"
		}
		if it.neg {
			negs = append(negs, term)
			continue
		}
		if orNext[k] && len(groups) > 0 {
			groups[len(groups)-1] = append(groups[len(groups)-1], term)
		} else {
			groups = append(groups, []string{term})
		}
		for n, st := range stems {
			if it.prefix && n == len(stems)-1 {
				st += "*"
			}
			if !seen[st] {
				seen[st] = true
				q.Stems = append(q.Stems, st)
			}
		}
	}
	if len(groups) == 0 {
		return Query{Empty: true}
	}
	var b strings.Builder
	for k, g := range groups {
		if k > 0 {
			b.WriteString(" AND ")
		}
		if len(g) == 1 {
			b.WriteString(g[0])
			continue
		}
		b.WriteString("(" + strings.Join(g, " OR ") + ")")
	}
	if len(negs) > 0 {
		q.Match = "(" + b.String() + ") NOT (" + strings.Join(negs, " OR ") + ")"
	} else {
		q.Match = b.String()
	}
	return q
}

// prefixStem is the stored form a typed prefix should match: the stem when
// the stemmer only cut an ending («дороги*» → «дорог»), the word otherwise.
func prefixStem(w string) string {
	st := Stem(w)
	if st != "" && strings.HasPrefix(w, st) {
		return st
	}
	return w
}

// ftsString quotes s as an FTS5 string literal.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Highlight returns the byte ranges in the original text of the words whose
// stem equals one of stems, or, for a stem ending in «*», whose normalised
// form or stem starts with it. Ranges are ordered and do not overlap.
func Highlight(text string, stems []string) [][2]int {
	if len(stems) == 0 || text == "" {
		return nil
	}
	exact := make(map[string]bool, len(stems))
	var prefixes []string
	for _, s := range stems {
		if p, ok := strings.CutSuffix(s, "*"); ok {
			if p != "" {
				prefixes = append(prefixes, p)
			}
			continue
		}
		if s != "" {
			exact[s] = true
		}
	}
	var out [][2]int
	scan(text, func(start, end int, w string) {
		st := Stem(w)
		hit := exact[st]
		for _, p := range prefixes {
			if hit {
				break
			}
			hit = strings.HasPrefix(w, p) || strings.HasPrefix(st, p)
		}
		if hit {
			out = append(out, [2]int{start, end})
		}
	})
	return out
}
