package brief

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

type labelled struct {
	ID       int64  `json:"id"`
	Group    string `json:"group"`
	Split    string `json:"split"`
	Category string `json:"category"`
	Text     string `json:"text"`
}

func loadLabelled(t testing.TB) []labelled {
	t.Helper()
	f, err := os.Open("testdata/questions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("questions.jsonl:%d: %v", line, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func labelledItems(ls []labelled, split string) ([]Item, map[int64]string) {
	var items []Item
	gold := map[int64]string{}
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, l := range ls {
		if split != "" && l.Split != split {
			continue
		}
		items = append(items, Item{
			ID: l.ID, Text: l.Text, Category: l.Category, Open: l.ID%3 != 0,
			Author: fmt.Sprintf("Житель %d", l.ID), Created: base.Add(time.Duration(l.ID) * time.Hour),
		})
		gold[l.ID] = l.Group
	}
	return items, gold
}

// pairwise returns precision and recall over pairs of items: a pair is
// positive when both are in one gold group, predicted when in one cluster.
func pairwise(clusters []Cluster, gold map[int64]string) (p, r float64, tp, fp, fn int) {
	pred := map[int64]int{}
	for ci, c := range clusters {
		for _, m := range c.Members {
			pred[m.ID] = ci
		}
	}
	ids := make([]int64, 0, len(gold))
	for id := range gold {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			g := gold[ids[i]] == gold[ids[j]]
			q := pred[ids[i]] == pred[ids[j]]
			switch {
			case g && q:
				tp++
			case q:
				fp++
			case g:
				fn++
			}
		}
	}
	p, r = 1, 1
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	return p, r, tp, fp, fn
}

func TestLabelledSetShape(t *testing.T) {
	ls := loadLabelled(t)
	sizes := map[string]int{}
	for _, l := range ls {
		sizes[l.Group]++
	}
	groups, singles := 0, 0
	for _, n := range sizes {
		if n > 1 {
			groups++
		} else {
			singles++
		}
	}
	if len(ls) < 200 || groups < 40 || singles < 10 {
		t.Fatalf("labelled set too small: %d questions, %d groups, %d singletons", len(ls), groups, singles)
	}
}

// TestGroupingQuality tunes nothing: it reports the threshold sweep on the
// «tune» half (how DefaultThreshold was chosen) and checks pairwise
// precision and recall of DefaultThreshold on both halves.
func TestGroupingQuality(t *testing.T) {
	ls := loadLabelled(t)
	tuneItems, tuneGold := labelledItems(ls, "tune")
	for _, th := range []float64{0.22, 0.25, 0.28, 0.30, 0.33, 0.36, 0.40} {
		p, r, _, _, _ := pairwise(Group(tuneItems, Options{Threshold: th}), tuneGold)
		t.Logf("tune sweep: threshold %.2f  precision %.3f  recall %.3f  F1 %.3f", th, p, r, 2*p*r/(p+r))
	}
	for _, split := range []string{"tune", "test", ""} {
		items, gold := labelledItems(ls, split)
		clusters := Group(items, Options{})
		p, r, tp, fp, fn := pairwise(clusters, gold)
		name := split + " half"
		if split == "" {
			name = "whole set"
		}
		t.Logf("%s (%d questions, threshold %.2f): pairwise precision %.3f, recall %.3f (tp %d, fp %d, fn %d)",
			name, len(items), DefaultThreshold, p, r, tp, fp, fn)
		if testing.Verbose() {
			logErrors(t, clusters, gold)
		}
		if p < 0.8 || r < 0.8 {
			t.Errorf("%s: precision %.3f / recall %.3f below 0.8", name, p, r)
		}
	}
}

// logErrors prints mixed clusters and split gold groups for tuning by hand.
func logErrors(t *testing.T, clusters []Cluster, gold map[int64]string) {
	where := map[string][]int{}
	for ci, c := range clusters {
		gs := map[string]bool{}
		for _, m := range c.Members {
			gs[gold[m.ID]] = true
			where[gold[m.ID]] = append(where[gold[m.ID]], ci)
		}
		if len(gs) > 1 {
			var texts []string
			for _, m := range c.Members {
				texts = append(texts, gold[m.ID]+": "+m.Text)
			}
			t.Logf("  mixed cluster:\n    %s", strings.Join(texts, "\n    "))
		}
	}
	for g, cs := range where {
		split := map[int]bool{}
		for _, c := range cs {
			split[c] = true
		}
		if len(split) > 1 {
			var texts []string
			for c := range split {
				for _, m := range clusters[c].Members {
					if gold[m.ID] == g {
						texts = append(texts, fmt.Sprintf("[%d] %s", c, m.Text))
					}
				}
			}
			sort.Strings(texts)
			t.Logf("  split group %s:\n    %s", g, strings.Join(texts, "\n    "))
		}
	}
}
