package textru

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

type labelled struct {
	Text       string `json:"text"`
	AuthorCity string `json:"author_city"`
	District   string `json:"district"`
	Category   string `json:"category"`
	Sentiment  string `json:"sentiment"`
}

func readLabelled(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// accuracy returns the share of correct districts, categories and sentiments.
func accuracy(t *testing.T, tg *Tagger, set []labelled) (d, c, s float64) {
	t.Helper()
	var nd, nc, ns int
	for _, l := range set {
		got := tg.Tag(l.Text, l.AuthorCity)
		if got.District == l.District {
			nd++
		} else {
			t.Logf("district %q, want %q: %s", got.District, l.District, l.Text)
		}
		if got.Category == l.Category {
			nc++
		} else {
			t.Logf("category %q (%v), want %q: %s", got.Category, got.Categories, l.Category, l.Text)
		}
		if string(got.Sentiment) == l.Sentiment {
			ns++
		} else {
			t.Logf("sentiment %q, want %q: %s", got.Sentiment, l.Sentiment, l.Text)
		}
	}
	n := float64(len(set))
	return float64(nd) / n, float64(nc) / n, float64(ns) / n
}

func TestAccuracy(t *testing.T) {
	tg := DefaultTagger()
	for _, tc := range []struct {
		file             string
		minN             int
		district, cat, s float64 // floors
	}{
		{"testdata/labelled.jsonl", 170, 0.9, 0.8, 0.75},
		{"testdata/labelled_holdout.jsonl", 50, 0.85, 0.7, 0.65},
	} {
		t.Run(tc.file, func(t *testing.T) {
			set := readLabelled(t, tc.file)
			if len(set) < tc.minN {
				t.Fatalf("%d examples, want at least %d", len(set), tc.minN)
			}
			d, c, s := accuracy(t, tg, set)
			t.Logf("%s: n=%d district=%.3f category=%.3f sentiment=%.3f", tc.file, len(set), d, c, s)
			if d < tc.district || c < tc.cat || s < tc.s {
				t.Errorf("accuracy below floor: district %.3f (≥%.2f), category %.3f (≥%.2f), sentiment %.3f (≥%.2f)",
					d, tc.district, c, tc.cat, s, tc.s)
			}
		})
	}
}
