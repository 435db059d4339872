package brief

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	fillers   = []string{"Здравствуйте!", "Добрый день.", "Подскажите, пожалуйста,", "Уважаемый Василий Николаевич!", "", "", ""}
	tails     = []string{"", "", "Сколько можно ждать?", "Спасибо.", "Очень просим помочь!", "Жду ответа.", "Уже писали, ответа нет."}
	noiseWord = strings.Fields("хлеб почта вокзал фонтан каток баня листва камеры ярмарка сбербанк мфц лампы курсы очередь дерево участок тротуар поезд кухня приём")
)

// typo makes one random keyboard-style slip in a word of s.
func typo(r *rand.Rand, s string) string {
	rs := []rune(s)
	if len(rs) < 4 {
		return s
	}
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(3) {
	case 0: // drop a letter
		return string(append(rs[:i:i], rs[i+1:]...))
	case 1: // swap two letters
		rs[i], rs[i+1] = rs[i+1], rs[i]
	default: // double a letter
		rs = append(rs[:i+1:i+1], rs[i:]...)
	}
	return string(rs)
}

// syntheticStream builds n messages of one district over 90 days from the
// labelled questions: reworded with greetings, tails, typos and shuffled
// words, plus unrelated one-off messages, as in a real monthly stream.
func syntheticStream(tb testing.TB, n int) []Item {
	ls := loadLabelled(tb)
	r := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	items := make([]Item, n)
	for k := range items {
		var text string
		if r.IntN(10) == 0 {
			w := make([]string, 3+r.IntN(6))
			for i := range w {
				w[i] = noiseWord[r.IntN(len(noiseWord))]
			}
			text = strings.Join(w, " ") + fmt.Sprintf(" %d", r.IntN(100))
		} else {
			l := ls[r.IntN(len(ls))]
			words := strings.Fields(l.Text)
			for i := range words {
				if r.IntN(6) == 0 {
					words[i] = typo(r, words[i])
				}
			}
			if r.IntN(3) == 0 {
				r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
			}
			text = strings.TrimSpace(fillers[r.IntN(len(fillers))] + " " + strings.Join(words, " ") + " " + tails[r.IntN(len(tails))])
			if r.IntN(2) == 0 {
				text = strings.ToLower(text)
			}
		}
		items[k] = Item{
			ID: int64(k + 1), Text: text, Category: "roads", Open: r.IntN(3) == 0,
			Author:  fmt.Sprintf("user%d", r.IntN(n/3+1)),
			Created: start.Add(time.Duration(r.IntN(90*24*60)) * time.Minute),
		}
	}
	return items
}

func benchmarkGroup(b *testing.B, n int) {
	items := syntheticStream(b, n)
	b.ResetTimer()
	for b.Loop() {
		Group(items, Options{})
	}
}

func BenchmarkGroup2000(b *testing.B)  { benchmarkGroup(b, 2000) }
func BenchmarkGroup20000(b *testing.B) { benchmarkGroup(b, 20000) }

// TestGroupScales guards the one-second budget for a district's 90 days with
// a wide margin for slow CI machines; the benchmark gives the real number.
func TestGroupScales(t *testing.T) {
	if testing.Short() {
		t.Skip("scaling check in -short mode")
	}
	items := syntheticStream(t, 20000)
	start := time.Now()
	clusters := Group(items, Options{})
	took := time.Since(start)
	t.Logf("20 000 messages → %d groups in %v", len(clusters), took)
	if took > 5*time.Second {
		t.Errorf("Group took %v for 20 000 messages", took)
	}
	total := 0
	for _, c := range clusters {
		total += c.Size
		if c.Size != len(c.Members) || !utf8.ValidString(c.Representative) {
			t.Fatalf("inconsistent cluster %+v", c)
		}
	}
	if total != len(items) {
		t.Fatalf("clusters hold %d of %d messages", total, len(items))
	}
}

func FuzzGroup(f *testing.F) {
	for _, s := range []string{"", "Когда отремонтируют мост?", "мост на ленина когда починят??", "\xff\xfe", "!!!???", "ул. д. 5. г.", "[id1|Иван] https://vk.com/x", strings.Repeat("а", 500)} {
		f.Add(s, "когда починят мост", 0.35)
	}
	f.Fuzz(func(t *testing.T, a, b string, th float64) {
		items := []Item{{ID: 1, Text: a}, {ID: 2, Text: b}, {ID: 3, Text: a + " " + b}, {ID: 4, Text: a}}
		clusters := Group(items, Options{Threshold: th})
		n := 0
		for _, c := range clusters {
			n += c.Size
			if len(c.Quotes) > 3 {
				t.Fatalf("%d quotes", len(c.Quotes))
			}
		}
		if n != len(items) {
			t.Fatalf("clusters hold %d of %d", n, len(items))
		}
	})
}
