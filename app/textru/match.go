package textru

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Pattern syntax shared by gazetteer.json, rubricator.json and sentiment.json:
// words separated by spaces, each matched against one token of the text —
//
//	слово    by stem, so every case and number matches («дорога» ~ «дорогу»);
//	=слово   by exact normalised form («=смоленске» only);
//	слово*   by prefix of the normalised word («мусор*» ~ «мусоровоз»).
//
// Hyphenated words are split like the text is («холм-жирковский» is two
// tokens). At each position of the text the longest matching pattern wins and
// its tokens are consumed, so «горячая вода» is not also counted as «вода».

type tokKind byte

const (
	byStem tokKind = iota
	byWord
	byPrefix
)

type ptok struct {
	kind tokKind
	val  string
}

// target is what a pattern points to: a municipality, category or sentiment
// slot (idx) with a weight.
type target struct {
	idx int
	w   float64
}

type cpattern struct {
	src     string
	toks    []ptok
	targets []target
}

type matcher struct {
	pats     []cpattern
	bySrc    map[string]int      // compiled tokens → pattern
	first    [3]map[string][]int // first token value → pattern indexes, per kind
	maxRunes int                 // longest prefix pattern token, in runes
}

func newMatcher() *matcher {
	m := &matcher{bySrc: map[string]int{}}
	for k := range m.first {
		m.first[k] = map[string][]int{}
	}
	return m
}

// compilePattern parses one pattern into tokens.
func compilePattern(src string) ([]ptok, error) {
	var toks []ptok
	for _, f := range strings.Fields(src) {
		kind := byStem
		if rest, ok := strings.CutPrefix(f, "="); ok {
			kind, f = byWord, rest
		} else if rest, ok := strings.CutSuffix(f, "*"); ok {
			kind, f = byPrefix, rest
		}
		words := Tokens(f)
		if len(words) == 0 {
			return nil, fmt.Errorf("pattern %q: %q has no letters", src, f)
		}
		for n, w := range words {
			k := kind
			if kind == byPrefix && n < len(words)-1 {
				k = byStem
			}
			switch k {
			case byStem:
				toks = append(toks, ptok{byStem, Stem(w)})
			default:
				toks = append(toks, ptok{k, w})
			}
		}
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty pattern")
	}
	return toks, nil
}

// add registers src pointing at t. Patterns that compile to the same tokens
// («дорога», «дороги») are one pattern; a second weight for the same target
// keeps the stronger one, so listing word forms never double-counts.
func (m *matcher) add(src string, t target) error {
	toks, err := compilePattern(src)
	if err != nil {
		return err
	}
	var kb strings.Builder
	for _, tk := range toks {
		kb.WriteByte(byte('0' + tk.kind))
		kb.WriteString(tk.val)
		kb.WriteByte(' ')
	}
	key := kb.String()
	if i, ok := m.bySrc[key]; ok {
		p := &m.pats[i]
		for k := range p.targets {
			if p.targets[k].idx == t.idx {
				if math.Abs(t.w) > math.Abs(p.targets[k].w) {
					p.targets[k].w = t.w
				}
				return nil
			}
		}
		p.targets = append(p.targets, t)
		return nil
	}
	i := len(m.pats)
	m.pats = append(m.pats, cpattern{src: src, toks: toks, targets: []target{t}})
	m.bySrc[key] = i
	f := toks[0]
	m.first[f.kind][f.val] = append(m.first[f.kind][f.val], i)
	if f.kind == byPrefix {
		m.maxRunes = max(m.maxRunes, utf8.RuneCountInString(f.val))
	}
	return nil
}

func (p ptok) matches(word, stem string) bool {
	switch p.kind {
	case byWord:
		return word == p.val
	case byPrefix:
		return strings.HasPrefix(word, p.val)
	}
	return stem == p.val
}

// longestAt returns the patterns of the longest match starting at token i
// and its length in tokens (0 when nothing matches).
func (m *matcher) longestAt(words, stems []string, i int, buf []int) ([]int, int) {
	buf = buf[:0]
	best := 0
	try := func(cands []int) {
		for _, pi := range cands {
			toks := m.pats[pi].toks
			n := len(toks)
			if n < best || i+n > len(words) {
				continue
			}
			ok := true
			for k := 1; k < n; k++ {
				if !toks[k].matches(words[i+k], stems[i+k]) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if n > best {
				best = n
				buf = buf[:0]
			}
			buf = append(buf, pi)
		}
	}
	try(m.first[byWord][words[i]])
	try(m.first[byStem][stems[i]])
	if m.maxRunes > 0 {
		w := words[i]
		runes := 0
		for k := range w {
			if k > 0 {
				try(m.first[byPrefix][w[:k]])
			}
			runes++
			if runes > m.maxRunes {
				break
			}
		}
		if runes <= m.maxRunes {
			try(m.first[byPrefix][w])
		}
	}
	return buf, best
}

// hit is one match in a text.
type hit struct {
	pat   int
	start int // token index
	end   int
}

// findAll scans the text left to right taking the longest match at each
// position and skipping the tokens it covers.
func (m *matcher) findAll(words, stems []string) []hit {
	var out []hit
	var buf []int
	for i := 0; i < len(words); {
		var n int
		buf, n = m.longestAt(words, stems, i, buf)
		if n == 0 {
			i++
			continue
		}
		for _, pi := range buf {
			out = append(out, hit{pat: pi, start: i, end: i + n})
		}
		i += n
	}
	return out
}
