// Package textru is the Russian text core: normalisation, tokens and stems for
// full-text search, a safe search-query parser, highlighting, and the tagger
// that assigns a municipality, a topic and a sentiment to residents' comments.
//
// Everything here is pure and safe for concurrent use: ingest runs it in
// worker goroutines on every comment.
package textru

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Normalize returns s in the form the tagger and the search index see it:
// valid UTF-8, lower case, ё→е, VK mention markup reduced to the visible name
// (other square brackets dropped too),
// URLs removed (they carry no topic or place and would pollute the index with
// «https», «vk», «com»; the original text keeps them), emoji, pictographs and
// control characters removed, whitespace collapsed. Punctuation stays so that
// the result is still readable.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a separator is pending
	emit := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	for i := 0; i < len(s); {
		if atChunkStart(s, i) {
			if end := chunkEnd(s, i); isURL(s[i:end]) {
				i = end
				space = true
				continue
			}
		}
		if s[i] == '[' {
			if n := mentionPrefix(s[i:]); n > 0 {
				i += n
				space = true
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			space = true
		case r == '[' || r == ']':
			// Brackets carry nothing for search or tags; dropping them
			// also keeps leftovers from ever forming a mention again.
			space = true
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
		case unicode.Is(unicode.Mn, r):
			composeMark(&b, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.Is(unicode.Sm, r) || unicode.Is(unicode.Sc, r):
			emit(foldRune(r))
		default:
			// So, Sk, Cf, Co, Cs…: emoji, skin tones, joiners, private use.
			space = true
		}
	}
	return b.String()
}

// foldRune lower-cases r and folds ё into е.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	if r == 'ё' {
		return 'е'
	}
	return r
}

// composeMark applies a combining mark to the last written rune where Russian
// text needs it (и + breve = й, е + diaeresis = е) and drops it otherwise.
func composeMark(b *strings.Builder, mark rune) {
	if mark != '\u0306' {
		return
	}
	s := b.String()
	if strings.HasSuffix(s, "и") {
		t := s[:len(s)-len("и")] + "й"
		b.Reset()
		b.WriteString(t)
	}
}

// atChunkStart reports whether byte i begins a whitespace-delimited chunk.
func atChunkStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r) || r == '(' || r == '«' || r == '"'
}

func chunkEnd(s string, i int) int {
	for j, r := range s[i:] {
		if unicode.IsSpace(r) || r == ')' || r == '»' || r == '"' {
			return i + j
		}
	}
	return len(s)
}

// urlTLDs are the domains residents paste without a scheme.
var urlTLDs = []string{".ru", ".com", ".рф", ".org", ".net", ".me", ".su", ".io", ".info"}

// isURL reports whether a whitespace-delimited chunk is a link.
func isURL(c string) bool {
	// Most chunks are plain words: reject them before allocating.
	if len(c) < 5 || strings.IndexByte(c, '.') < 0 && !strings.Contains(c, "://") {
		return false
	}
	lc := strings.ToLower(c)
	if strings.Contains(lc, "://") || strings.HasPrefix(lc, "www.") {
		return true
	}
	host := lc
	if k := strings.IndexByte(host, '/'); k > 0 {
		host = host[:k]
	} else if k == 0 {
		return false
	}
	host = strings.TrimRight(host, ".,;:!?")
	for _, t := range urlTLDs {
		if strings.HasSuffix(host, t) && len(host) > len(t) && !strings.ContainsAny(host[:len(host)-len(t)], " ,") {
			// «т.ч.ru» style garbage is rare; require a letter before the dot.
			r, _ := utf8.DecodeLastRuneInString(host[:len(host)-len(t)])
			return unicode.IsLetter(r) || unicode.IsDigit(r)
		}
	}
	return false
}

// mentionPrefix returns the length of a VK mention head «[id123|» or
// «[club45|», «[public6|», «[event7|» at the start of s, or 0. Only markup
// closed by «]» with no «[» in between is a mention. Case is ignored so that
// lower-casing never turns text into a mention (Normalize is idempotent).
func mentionPrefix(s string) int {
	if len(s) < 4 || s[0] != '[' {
		return 0
	}
	j := 0
	for _, k := range [...]string{"id", "club", "public", "event"} {
		if len(s) > len(k) && strings.EqualFold(s[1:1+len(k)], k) {
			j = 1 + len(k)
			break
		}
	}
	if j == 0 {
		return 0
	}
	digits := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
		digits++
	}
	if digits == 0 || j >= len(s) || s[j] != '|' {
		return 0
	}
	k := strings.IndexByte(s[j:], ']')
	if k < 0 || strings.IndexByte(s[j:j+k], '[') >= 0 {
		return 0
	}
	return j + 1
}

// cyrillic and latin word characters; everything else separates words.
func isCyr(r rune) bool   { return r >= 0x0400 && r <= 0x04FF }
func isLatin(r rune) bool { return r < 0x250 && unicode.IsLetter(r) }
func isDigit(r rune) bool { return r >= '0' && r <= '9' }
func isWordRune(r rune) bool {
	switch {
	case r >= 'а' && r <= 'я' || r >= 'А' && r <= 'Я' || r == 'ё' || r == 'Ё':
		return true // the common case without a table look-up
	case r < 0x80:
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || isDigit(r)
	}
	return isCyr(r) && unicode.IsLetter(r) || isLatin(r)
}
func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

// particles after a hyphen that add nothing to a search or a tag:
// «кто-то», «где-нибудь», «скажите-ка», «всё-таки».
var hyphenParticles = map[string]bool{"то": true, "либо": true, "нибудь": true, "ка": true, "таки": true, "де": true}

// homoglyphs maps Latin letters that look like Cyrillic ones; residents and
// spammers mix them («мaшина» with a Latin a).
var homoglyphs = map[rune]rune{
	'a': 'а', 'c': 'с', 'e': 'е', 'o': 'о', 'p': 'р', 'x': 'х', 'y': 'у',
	'k': 'к', 'm': 'м', 't': 'т', 'b': 'в', 'h': 'н', 'u': 'и',
}

// scan calls fn for every word in s with its byte range in s and its
// normalised form. It skips URLs and VK mention heads, splits hyphenated words
// into parts (the FTS5 tokenizer splits them too) and drops particles such as
// «-то». Invalid UTF-8 is a separator.
func scan(s string, fn func(start, end int, word string)) {
	var buf []rune
	afterHyphen := false
	for i := 0; i < len(s); {
		if atChunkStart(s, i) {
			if end := chunkEnd(s, i); isURL(s[i:end]) {
				i = end
				afterHyphen = false
				continue
			}
		}
		if s[i] == '[' {
			if n := mentionPrefix(s[i:]); n > 0 {
				i += n
				afterHyphen = false
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			afterHyphen = false
			continue
		}
		start := i
		buf = buf[:0]
		hasCyr, hasLat := false, false
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				r = foldRune(r)
				if isCyr(r) {
					hasCyr = true
				} else if !isDigit(r) {
					hasLat = true
				}
				buf = append(buf, r)
				i += size
				continue
			}
			if r >= 0x300 && unicode.Is(unicode.Mn, r) {
				if r == '\u0306' && len(buf) > 0 && buf[len(buf)-1] == 'и' {
					buf[len(buf)-1] = 'й'
				}
				i += size
				continue
			}
			break
		}
		if hasCyr && hasLat {
			for k, c := range buf {
				if g, ok := homoglyphs[c]; ok {
					buf[k] = g
				}
			}
		}
		word := string(buf)
		if !(afterHyphen && hyphenParticles[word]) {
			fn(start, i, word)
		}
		// A hyphen directly between two word characters joins a compound.
		afterHyphen = false
		if i < len(s) {
			if h, hs := utf8.DecodeRuneInString(s[i:]); isHyphen(h) {
				if n, _ := utf8.DecodeRuneInString(s[i+hs:]); isWordRune(n) {
					afterHyphen = true
					i += hs
				}
			}
		}
	}
}

// Tokens returns the word tokens of s: lower-case runs of Cyrillic, Latin
// letters and digits, ё folded to е, URLs and mention markup skipped,
// hyphenated words split into their parts without particles («-то»).
// Tokens(s) equals Tokens(Normalize(s)).
func Tokens(s string) []string {
	out := make([]string, 0, len(s)/6+1)
	scan(s, func(_, _ int, w string) { out = append(out, w) })
	return out
}

// maxStemRunes bounds the words worth stemming and caching; longer runs are
// garbage (keyboard mashing, base64) and are indexed as they are.
const maxStemRunes = 40

// Stem returns the Snowball stem of one word: the Russian stemmer for
// Cyrillic words, the English one for ASCII Latin words, the word itself for
// numbers and anything else. The word is lower-cased and ё is folded first.
func Stem(word string) string {
	if st, ok := stemCache.get(word); ok {
		return st
	}
	st := stemUncached(word)
	stemCache.put(word, st)
	return st
}

func stemUncached(word string) string {
	w := strings.ToLower(word)
	if strings.ContainsRune(w, 'ё') {
		w = strings.ReplaceAll(w, "ё", "е")
	}
	n := utf8.RuneCountInString(w)
	if n > maxStemRunes || n < 3 {
		return w
	}
	cyr, ascii := true, true
	for _, r := range w {
		if !(isCyr(r) && unicode.IsLetter(r)) {
			cyr = false
		}
		if r >= utf8.RuneSelf || !(r >= 'a' && r <= 'z') {
			ascii = false
		}
	}
	switch {
	case cyr:
		return russian.Stem(w, true)
	case ascii:
		return english.Stem(w, true)
	}
	return w
}

// StemText returns the space-joined stems of Tokens(s): the text the store
// indexes in FTS5 (unicode61 tokenizer on top).
func StemText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	scan(s, func(_, _ int, w string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Stem(w))
	})
	return b.String()
}

// stemCache remembers word→stem. Comments reuse a small vocabulary, so most
// look-ups hit; each shard is simply emptied when it grows past its limit,
// which keeps memory bounded without bookkeeping on the hot path.
var stemCache = newShardedCache(16, 8192)

type cacheShard struct {
	mu sync.RWMutex
	m  map[string]string
}

type shardedCache struct {
	shards []cacheShard
	limit  int
}

func newShardedCache(n, limit int) *shardedCache {
	c := &shardedCache{shards: make([]cacheShard, n), limit: limit}
	for i := range c.shards {
		c.shards[i].m = make(map[string]string, 256)
	}
	return c
}

func (c *shardedCache) shard(k string) *cacheShard {
	// FNV-1a over the key; cheap and good enough to spread words.
	h := uint32(2166136261)
	for i := 0; i < len(k); i++ {
		h ^= uint32(k[i])
		h *= 16777619
	}
	return &c.shards[h%uint32(len(c.shards))]
}

func (c *shardedCache) get(k string) (string, bool) {
	s := c.shard(k)
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

func (c *shardedCache) put(k, v string) {
	if len(k) > maxStemRunes*4 {
		return
	}
	s := c.shard(k)
	s.mu.Lock()
	if len(s.m) >= c.limit {
		s.m = make(map[string]string, 256)
	}
	s.m[k] = v
	s.mu.Unlock()
}
