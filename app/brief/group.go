// Package brief prepares the governor's monthly live stream with one
// municipality: it groups residents' questions that ask the same thing,
// and renders the press office's briefing as PDF, DOCX and HTML.
//
// Everything here is headless and pure: the panel UI gathers the messages
// from the store and calls Group and the writers.
package brief

import (
	"container/heap"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Item is one resident's question or message to be grouped.
type Item struct {
	ID       int64
	Text     string
	Category string // topic code, "" when unknown
	Open     bool   // still waits for an answer from the office
	Author   string
	Created  time.Time
	Platform string // data.Platform value; "" when unknown
}

// Quote is a member of a cluster shown as a resident's own words.
type Quote struct {
	ID      int64
	Text    string
	Author  string
	Created time.Time
}

// Cluster is a group of messages asking essentially the same thing.
type Cluster struct {
	Members          []Item // newest first
	Size             int
	Representative   string // the most typical member's question, trimmed to read well
	RepresentativeID int64
	Quotes           []Quote // 2–3 members worded as differently as possible
	Category         string  // the most common non-empty category of the members
	Unanswered       int     // members still open
	Latest           time.Time
}

// Options tune Group. The zero value uses the defaults.
type Options struct {
	// Threshold is the mean similarity (cosine of √IDF-weighted stem sets)
	// over all cross pairs that two groups must reach to merge;
	// 0 means DefaultThreshold.
	Threshold float64
	// MinSize drops groups smaller than this (0 or 1 keeps singletons).
	MinSize int
	// MaxQuotes bounds the quotes per group; 0 means 3.
	MaxQuotes int
	// MaxRepresentative bounds the representative wording in runes; 0 means 180.
	MaxRepresentative int
}

// DefaultThreshold was tuned on the «tune» half of testdata/questions.jsonl
// (see TestGroupingQuality) and checked on the other half.
const DefaultThreshold = 0.28

// centralSample bounds the members scored for centrality in a big group: the
// most typical wording of 40 members is as good as of 4 000 and costs O(n).
const centralSample = 40

// Fixed after tuning on the «tune» half of the labelled set.
const (
	// idfPower is the exponent on IDF in vector components; see Group.
	idfPower = 0.5
	// coreLink is the similarity from which messages are joined by single
	// link before average linkage (never below the threshold). Results on
	// the labelled set are the same anywhere from 0.5 to 0.8; lower is
	// faster, higher is closer to pure average linkage.
	coreLink = 0.60
)

// vec is a message as a sparse unit vector over stem ids, ids ascending.
type vec struct {
	ids []int32
	w   []float32
}

func dot(a, b vec) float64 {
	s := 0.0
	i, j := 0, 0
	for i < len(a.ids) && j < len(b.ids) {
		switch {
		case a.ids[i] == b.ids[j]:
			s += float64(a.w[i]) * float64(b.w[j])
			i++
			j++
		case a.ids[i] < b.ids[j]:
			i++
		default:
			j++
		}
	}
	return s
}

// Group clusters items that ask the same question. Each message becomes a
// set of content stems (stop words and greetings removed, typos folded onto
// the common spelling, synonyms onto one term), weighted by inverse document
// frequency within items, as a unit vector whose components are √IDF, so that
// the cosine of two messages is their shared IDF mass over the geometric mean
// of their own masses.
//
// Clustering is average linkage (UPGMA) at opts.Threshold: two groups merge
// while the mean cosine over all their cross pairs is at least the threshold,
// which keeps «когда починят мост» apart from «когда построят новый мост»
// even though single messages of the two touch. To scale, near-identical
// messages (cosine ≥ coreLink) are first joined by single link through an
// AllPairs prefix index, which never compares two messages that cannot reach
// that similarity, and average linkage then runs on these cores using their
// mean vectors. 20 000 messages of one district take about 0.4 s of CPU on
// one core (BenchmarkGroup20000).
//
// Groups are ordered by size, then unanswered count, then the latest message.
func Group(items []Item, opts Options) []Cluster {
	if len(items) == 0 {
		return nil
	}
	t := opts.Threshold
	if !(t > 0 && t <= 1) { // also catches NaN
		t = DefaultThreshold
	}
	maxQuotes := opts.MaxQuotes
	if maxQuotes <= 0 {
		maxQuotes = 3
	}
	maxRep := opts.MaxRepresentative
	if maxRep <= 0 {
		maxRep = 180
	}

	// 1. Stems per item and document frequencies.
	// Tokenising and stemming is a third of the work and independent per
	// item, so it runs on every core.
	feats := make([][]string, len(items))
	workers := runtime.GOMAXPROCS(0)
	if len(items) < 500 {
		workers = 1
	}
	var wg sync.WaitGroup
	chunk := (len(items) + workers - 1) / workers
	for lo := 0; lo < len(items); lo += chunk {
		hi := min(lo+chunk, len(items))
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []string
			for i := lo; i < hi; i++ {
				buf = features(items[i].Text, buf)
				feats[i] = slices.Clone(buf)
			}
		}()
	}
	wg.Wait()
	df := map[string]int{}
	for _, f := range feats {
		for _, s := range f {
			df[s]++
		}
	}
	// Typos first (on the stems as written), then synonyms.
	canon := typoCanon(df)
	{
		for i, f := range feats {
			out := f[:0]
			for _, s := range f {
				if c, ok := canon[s]; ok {
					s = c
				}
				if c, ok := thesaurus[s]; ok {
					s = c
				}
				if !contains(out, s) {
					out = append(out, s)
				}
			}
			feats[i] = out
		}
		df = map[string]int{}
		for _, f := range feats {
			for _, s := range f {
				df[s]++
			}
		}
	}

	// 2. Stem ids in rarity order (rarest = smallest id) and IDF weights.
	vocab := make([]string, 0, len(df))
	for s := range df {
		vocab = append(vocab, s)
	}
	sort.Slice(vocab, func(i, j int) bool {
		if df[vocab[i]] != df[vocab[j]] {
			return df[vocab[i]] < df[vocab[j]]
		}
		return vocab[i] < vocab[j]
	})
	id := make(map[string]int32, len(vocab))
	idf := make([]float64, len(vocab))
	n := float64(len(items))
	for i, s := range vocab {
		id[s] = int32(i)
		idf[i] = math.Log(1 + n/float64(df[s]))
	}
	// Vector components are √idf, so the cosine of two messages is their
	// shared IDF mass over the geometric mean of their own masses. Squared
	// IDF would let one rare filler word («куртки», «страшно») outweigh the
	// topic words the residents share.
	comp := make([]float64, len(idf))
	for i, w := range idf {
		comp[i] = math.Pow(w, idfPower)
	}
	// termID maps a stem as written to its vector id, -1 when unknown.
	termID := func(stem string) int32 {
		if c, ok := canon[stem]; ok {
			stem = c
		}
		if c, ok := thesaurus[stem]; ok {
			stem = c
		}
		if i, ok := id[stem]; ok {
			return i
		}
		return -1
	}

	// 3. Unit vectors; identical stem sets share one node.
	vecs := make([]vec, len(items))
	node := make([]int, len(items)) // item → first item with the same stem set
	seen := map[string]int{}
	var key strings.Builder
	for i, f := range feats {
		ids := make([]int32, len(f))
		for k, s := range f {
			ids[k] = id[s]
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		w := make([]float32, len(ids))
		norm := 0.0
		for k, x := range ids {
			norm += comp[x] * comp[x]
			w[k] = float32(comp[x])
		}
		if norm > 0 {
			inv := 1 / math.Sqrt(norm)
			for k := range w {
				w[k] = float32(float64(w[k]) * inv)
			}
		}
		vecs[i] = vec{ids: ids, w: w}
		node[i] = i
		if len(ids) == 0 {
			continue // nothing to compare: a singleton
		}
		key.Reset()
		for _, x := range ids {
			key.Write([]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
		}
		if j, ok := seen[key.String()]; ok {
			node[i] = j
		} else {
			seen[key.String()] = i
		}
	}

	// 4. Cores: single link at the core threshold, where it is safe.
	uf := newUnionFind(len(items))
	for i := range items {
		if node[i] != i {
			uf.union(i, node[i])
		}
	}
	allPairs(vecs, func(i int) bool { return node[i] == i && len(vecs[i].ids) > 0 },
		math.Max(t, coreLink), func(i, j int) bool { return uf.find(i) == uf.find(j) },
		func(i, j int, _ float64) { uf.union(i, j) })

	// 5. Average linkage of the cores (UPGMA): the mean similarity of all
	// cross pairs of two groups is the dot product of their mean vectors, so
	// it is exact and costs nothing per pair of messages.
	averageLink(uf, vecs, t)

	// 6. Components → clusters.
	comps := map[int][]int{}
	order := []int{}
	for i := range items {
		r := uf.find(i)
		if _, ok := comps[r]; !ok {
			order = append(order, r)
		}
		comps[r] = append(comps[r], i)
	}
	out := make([]Cluster, 0, len(order))
	for _, r := range order {
		m := comps[r]
		if len(m) < opts.MinSize {
			continue
		}
		out = append(out, buildCluster(items, vecs, m, termID, maxQuotes, maxRep))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Size != b.Size {
			return a.Size > b.Size
		}
		if a.Unanswered != b.Unanswered {
			return a.Unanswered > b.Unanswered
		}
		if !a.Latest.Equal(b.Latest) {
			return a.Latest.After(b.Latest)
		}
		return a.RepresentativeID < b.RepresentativeID
	})
	return out
}

func buildCluster(items []Item, vecs []vec, m []int, termID func(string) int32, maxQuotes, maxRep int) Cluster {
	c := Cluster{Size: len(m)}
	cats := map[string]int{}
	for _, i := range m {
		it := items[i]
		c.Members = append(c.Members, it)
		if it.Open {
			c.Unanswered++
		}
		if it.Category != "" {
			cats[it.Category]++
		}
		if it.Created.After(c.Latest) {
			c.Latest = it.Created
		}
	}
	sort.SliceStable(c.Members, func(a, b int) bool {
		if !c.Members[a].Created.Equal(c.Members[b].Created) {
			return c.Members[a].Created.After(c.Members[b].Created)
		}
		return c.Members[a].ID < c.Members[b].ID
	})
	best := 0
	for k, v := range cats {
		if v > best || v == best && k < c.Category {
			c.Category, best = k, v
		}
	}

	// Centrality: similarity to the centroid of a sample of members. Ties go
	// to the shorter text, which reads better as a heading.
	sample := m
	if len(m) > centralSample {
		sample = make([]int, centralSample)
		for k := range sample {
			sample[k] = m[k*len(m)/centralSample]
		}
	}
	centroid := map[int32]float64{}
	for _, i := range sample {
		for k, x := range vecs[i].ids {
			centroid[x] += float64(vecs[i].w[k])
		}
	}
	score := func(i int) float64 {
		s := 0.0
		for k, x := range vecs[i].ids {
			s += float64(vecs[i].w[k]) * centroid[x]
		}
		return s
	}
	rep := sample[0]
	repScore := score(rep)
	for _, i := range sample[1:] {
		s := score(i)
		if s > repScore+1e-9 || math.Abs(s-repScore) <= 1e-9 && len(items[i].Text) < len(items[rep].Text) {
			rep, repScore = i, s
		}
	}
	c.RepresentativeID = items[rep].ID
	// The sentence of the representative that carries most of what the
	// group has in common is its heading.
	c.Representative = readable(items[rep].Text, func(stem string) float64 {
		if x := termID(stem); x >= 0 {
			return centroid[x]
		}
		return 0
	}, maxRep)

	// Quotes: greedy max–min diversity, preferring new authors and texts of a
	// readable length; the representative itself is quoted only when alone.
	chosen := []int{}
	authors := map[string]bool{}
	for len(chosen) < maxQuotes && len(chosen) < len(m) {
		pick, pickScore := -1, math.Inf(-1)
		for _, i := range sample {
			if containsInt(chosen, i) || (i == rep && len(m) > 1) {
				continue
			}
			s := 1.0
			for _, j := range chosen {
				s = math.Min(s, 1-dot(vecs[i], vecs[j]))
			}
			if len(chosen) == 0 {
				s = 1 - dot(vecs[i], vecs[rep])
			}
			if a := items[i].Author; a != "" && authors[a] {
				s -= 0.5
			}
			if l := len([]rune(strings.TrimSpace(items[i].Text))); l < 15 || l > 400 {
				s -= 0.2
			}
			if s > pickScore {
				pick, pickScore = i, s
			}
		}
		if pick < 0 {
			break
		}
		chosen = append(chosen, pick)
		authors[items[pick].Author] = true
	}
	for _, i := range chosen {
		it := items[i]
		c.Quotes = append(c.Quotes, Quote{ID: it.ID, Text: truncate(collapseSpace(it.Text), 300), Author: it.Author, Created: it.Created})
	}
	return c
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func containsInt(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// allPairs calls link(i, j, s) for every pair of nodes (node(i) true) whose
// vectors have dot product s ≥ t, unless skip(i, j) says the pair is already
// settled. Vectors need not be unit length, only of norm ≤ 1. Candidates come
// from an AllPairs prefix index (Bayardo et al., 2007): ids are in rarity
// order, and only the shortest prefix whose remaining norm is still ≥ t is
// indexed, so a pair reaching t always shares an indexed id. Frequent stems
// («дорога», «Рославль») are at the end and almost never indexed.
func allPairs(vecs []vec, node func(int) bool, t float64, skip func(i, j int) bool, link func(i, j int, s float64)) {
	terms := int32(0)
	for _, v := range vecs {
		if n := len(v.ids); n > 0 && v.ids[n-1] >= terms {
			terms = v.ids[n-1] + 1
		}
	}
	// Term ids are dense, so the index is a slice; v is scattered into a
	// dense array once, and each candidate's dot product is a walk over its
	// own ids. The products are added in the same ascending id order as in
	// dot, so the scores are the same to the bit. (Scoring on two cores
	// was measured slower: skip, which needs the links made so far, saves
	// more dot products than the second core computes.)
	index := make([][]int32, terms)
	dense := make([]float64, terms)
	seen := make([]int32, len(vecs)) // seen[j] == i+1: pair (i, j) already scored
	for i := range vecs {
		if !node(i) {
			continue
		}
		v := vecs[i]
		for k, x := range v.ids {
			dense[x] = float64(v.w[k])
		}
		for _, x := range v.ids {
			for _, j := range index[x] {
				if seen[j] == int32(i+1) {
					continue
				}
				seen[j] = int32(i + 1)
				if skip(i, int(j)) {
					continue
				}
				u := vecs[j]
				s := 0.0
				for k, y := range u.ids {
					if d := dense[y]; d != 0 {
						s += d * float64(u.w[k])
					}
				}
				if s >= t-1e-6 {
					link(i, int(j), s)
				}
			}
		}
		for _, x := range v.ids {
			dense[x] = 0
		}
		rest := 0.0
		for _, w := range v.w {
			rest += float64(w) * float64(w)
		}
		for k, x := range v.ids {
			if math.Sqrt(math.Max(rest, 0)) < t-1e-6 {
				break
			}
			index[x] = append(index[x], int32(i))
			rest -= float64(v.w[k]) * float64(v.w[k])
		}
	}
}

// averageLink merges the components of uf (the cores) by average linkage:
// greedily the two groups with the highest mean pairwise similarity, while
// that mean is at least t. A chance link between two big groups does not
// merge them, as it would under single linkage. Means are exact: the mean
// cosine over all cross pairs equals the dot product of the groups' mean
// vectors, and a merged group's candidates are the union of its parts'
// (a weighted mean of two values below t stays below t).
func averageLink(uf *unionFind, vecs []vec, t float64) {
	n := len(vecs)
	size := make([]float64, n)
	sums := map[int]map[int32]float64{}
	for i := 0; i < n; i++ {
		r := uf.find(i)
		size[r]++
		if len(vecs[i].ids) == 0 {
			continue
		}
		m := sums[r]
		if m == nil {
			m = map[int32]float64{}
			sums[r] = m
		}
		for k, x := range vecs[i].ids {
			m[x] += float64(vecs[i].w[k])
		}
	}
	means := make([]vec, n)
	toVec := func(r int) vec {
		m := sums[r]
		ids := make([]int32, 0, len(m))
		for x := range m {
			ids = append(ids, x)
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		w := make([]float32, len(ids))
		for k, x := range ids {
			w[k] = float32(m[x] / size[r])
		}
		return vec{ids: ids, w: w}
	}
	for r := range sums {
		means[r] = toVec(r)
	}
	adj := map[int]map[int]float64{}
	h := &linkHeap{}
	ver := make([]int, n)
	addLink := func(a, b int, s float64) {
		if adj[a] == nil {
			adj[a] = map[int]float64{}
		}
		if adj[b] == nil {
			adj[b] = map[int]float64{}
		}
		adj[a][b], adj[b][a] = s, s
		if a > b {
			a, b = b, a
		}
		heap.Push(h, link{avg: s, a: a, b: b, va: ver[a], vb: ver[b]})
	}
	allPairs(means, func(i int) bool { _, ok := sums[i]; return ok }, t,
		func(int, int) bool { return false }, addLink)

	for h.Len() > 0 {
		l := heap.Pop(h).(link)
		if l.avg < t-1e-6 {
			break
		}
		if l.va != ver[l.a] || l.vb != ver[l.b] || uf.find(l.a) != l.a || uf.find(l.b) != l.b {
			continue // stale: one side has merged since
		}
		a, b := l.a, l.b
		neigh := map[int]bool{}
		for c := range adj[a] {
			neigh[c] = true
		}
		for c := range adj[b] {
			neigh[c] = true
		}
		delete(neigh, a)
		delete(neigh, b)
		for c := range neigh {
			delete(adj[c], a)
			delete(adj[c], b)
		}
		delete(adj, a)
		delete(adj, b)
		sa, sb := sums[a], sums[b]
		if len(sa) < len(sb) {
			sa, sb = sb, sa
		}
		for x, w := range sb {
			sa[x] += w
		}
		sz := size[a] + size[b]
		v := max(ver[a], ver[b]) + 1
		delete(sums, a)
		delete(sums, b)
		uf.union(a, b)
		r := uf.find(a)
		sums[r], size[r], ver[r] = sa, sz, v
		means[r] = toVec(r)
		for c := range neigh {
			if s := dot(means[r], means[c]); s >= t-1e-6 {
				addLink(r, c, s)
			}
		}
	}
}

type link struct {
	avg    float64
	a, b   int
	va, vb int
}

type linkHeap []link

func (h linkHeap) Len() int { return len(h) }
func (h linkHeap) Less(i, j int) bool {
	if h[i].avg != h[j].avg {
		return h[i].avg > h[j].avg
	}
	if h[i].a != h[j].a {
		return h[i].a < h[j].a
	}
	return h[i].b < h[j].b
}
func (h linkHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *linkHeap) Push(x any)   { *h = append(*h, x.(link)) }
func (h *linkHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type unionFind struct{ parent, rank []int32 }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), rank: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
	}
	return u
}

func (u *unionFind) find(x int) int {
	for int(u.parent[x]) != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = int(u.parent[x])
	}
	return x
}

func (u *unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.rank[a] < u.rank[b] {
		a, b = b, a
	}
	u.parent[b] = int32(a)
	if u.rank[a] == u.rank[b] {
		u.rank[a]++
	}
}
