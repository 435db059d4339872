package brief

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestReadable(t *testing.T) {
	common := map[string]bool{"мост": true, "ремонт": true, "газ": true, "вод": true, "мусор": true, "вывоз": true, "отремонтир": true}
	w := func(s string) float64 {
		if common[s] {
			return 1
		}
		return 0.1
	}
	for _, tc := range []struct{ in, want string }{
		{"Здравствуйте! Мост через Остер на Ленина весь в дырах, когда уже отремонтируют?", "Мост через Остер на Ленина весь в дырах, когда уже отремонтируют?"},
		{"мост на ленина в рославле когда починят??", "Мост на ленина в рославле когда починят?"},
		{"Уважаемый Василий Николаевич! Деревня Хорошово ждёт газ с 2015 года. Когда проведут газ?", "Когда проведут газ?"},
		{"Добрый день. 16 микрорайон без воды с понедельника", "16 микрорайон без воды с понедельника"},
		{"Подскажите, пожалуйста, кто отвечает за вывоз мусора на ул. Советской?", "Кто отвечает за вывоз мусора на ул. Советской?"},
		{"Спасибо!", "Спасибо!"},
	} {
		if got := readable(tc.in, w, 180); got != tc.want {
			t.Errorf("readable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := readable("Когда отремонтируют дорогу на улице Карла Маркса, где ямы по колено и машины бьют колёса каждый день?", w, 40); got != "Когда отремонтируют дорогу на улице…" {
		t.Errorf("truncate: %q", got)
	}
}

func TestSplitSentences(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Мост на ул. Ленина разбит. Когда ремонт?!", []string{"Мост на ул. Ленина разбит.", "Когда ремонт?!"}},
		{"Автобус в 6.40 отменили…\nКак ездить?", []string{"Автобус в 6.40 отменили…", "Как ездить?"}},
		{"", nil},
	} {
		if got := splitSentences(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitSentences(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFeatures(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Здравствуйте! Когда будет ремонт?", []string{"ремонт"}},
		{"В школе №2 нет отопления", []string{"школ", "2", "отоплен"}},
		{"Астапковичи остались без автобуса", []string{"астапкович", "оста", "автобус"}},
		{"Уважаемый губернатор, подскажите", nil},
	} {
		got := features(tc.in, nil)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("features(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTypoCanon(t *testing.T) {
	df := map[string]int{"отремонтир": 5, "отремантир": 1, "рынок": 3, "рынк": 1, "поезд": 1, "проезд": 1, "мост": 9, "рост": 1}
	got := typoCanon(df)
	want := map[string]string{"отремантир": "отремонтир", "рынк": "рынок"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("typoCanon = %v, want %v", got, want)
	}
}

func TestGroupHardNegatives(t *testing.T) {
	texts := []string{
		"Когда отремонтируют мост через Остёр на ул. Ленина?",
		"мост на ленина в рославле когда починят??",
		"Будет ли ремонт моста на Ленина в этом году",
		"Когда построят новый мост в Рославле?",
		"Будет ли строительство нового моста через Остёр",
		"нет отопления в школе №2",
		"В школе №2 холодно, отопления нет",
		"нет отопления в доме 14",
		"в доме 14 батареи холодные, отопления нет",
	}
	var items []Item
	for i, s := range texts {
		items = append(items, Item{ID: int64(i + 1), Text: s, Open: i%2 == 0})
	}
	of := map[int64]int{}
	for ci, c := range Group(items, Options{}) {
		for _, m := range c.Members {
			of[m.ID] = ci
		}
	}
	for _, tc := range []struct {
		a, b int64
		same bool
	}{
		{1, 2, true}, {2, 3, true}, {4, 5, true}, {6, 7, true}, {8, 9, true},
		{1, 4, false}, {3, 5, false}, {6, 8, false}, {7, 9, false},
	} {
		if (of[tc.a] == of[tc.b]) != tc.same {
			t.Errorf("%q / %q: same group = %v, want %v", texts[tc.a-1], texts[tc.b-1], of[tc.a] == of[tc.b], tc.same)
		}
	}
}

func TestGroupClusterFields(t *testing.T) {
	day := func(d int) Item { return Item{Created: dateUTC(2026, 11, d)} }
	mk := func(id int64, text, cat, author string, open bool, d int) Item {
		it := day(d)
		it.ID, it.Text, it.Category, it.Author, it.Open = id, text, cat, author, open
		return it
	}
	items := []Item{
		mk(1, "Когда отремонтируют мост через Остёр на ул. Ленина?", "roads", "Ольга Петрова", true, 3),
		mk(2, "мост на ленина когда починят??", "roads", "Иван Орлов", false, 5),
		mk(3, "Здравствуйте! Мост на Ленина весь в дырах, когда отремонтируют?", "", "Мария Ким", true, 4),
		mk(4, "ремонт моста на ленина когда", "housing", "Иван Орлов", true, 1),
		mk(5, "Спасибо за новый ФОК!", "culture_sport", "Пётр Лось", false, 2),
	}
	cl := Group(items, Options{})
	if len(cl) != 2 {
		t.Fatalf("got %d clusters, want 2: %+v", len(cl), cl)
	}
	c := cl[0]
	if c.Size != 4 || len(c.Members) != 4 || c.Unanswered != 3 || c.Category != "roads" {
		t.Fatalf("cluster fields: size %d, unanswered %d, category %q", c.Size, c.Unanswered, c.Category)
	}
	if c.Members[0].ID != 2 || !c.Latest.Equal(dateUTC(2026, 11, 5)) {
		t.Fatalf("members not newest first: %+v", c.Members)
	}
	if len(c.Quotes) != 3 {
		t.Fatalf("%d quotes", len(c.Quotes))
	}
	for _, q := range c.Quotes {
		if q.ID == c.RepresentativeID {
			t.Fatal("the representative is quoted again")
		}
	}
	if c.Representative == "" || c.Representative[0] == ' ' {
		t.Fatalf("representative %q", c.Representative)
	}
	if got := Group(items, Options{MinSize: 2}); len(got) != 1 {
		t.Fatalf("MinSize 2 kept %d clusters", len(got))
	}
	if Group(nil, Options{}) != nil {
		t.Fatal("no items must give no clusters")
	}
}

// TestGroupConcurrent runs Group from several goroutines: it must share no
// mutable state (run with -race).
func TestGroupConcurrent(t *testing.T) {
	items := syntheticStream(t, 600)
	want := len(Group(items, Options{}))
	done := make(chan int)
	for g := 0; g < 4; g++ {
		go func() { done <- len(Group(items, Options{})) }()
	}
	for g := 0; g < 4; g++ {
		if got := <-done; got != want {
			t.Errorf("concurrent run gave %d groups, want %d", got, want)
		}
	}
}

func FuzzPseudonymise(f *testing.F) {
	for _, s := range []string{"Меня зовут Ольга Петрова, тел. +7 910 123-45-67", "С уважением, Кузнецов И. С.", "\xff", "Я, Анна"} {
		f.Add(s, "Ольга Петрова")
	}
	f.Fuzz(func(t *testing.T, text, author string) {
		p := newPseudonymiser()
		out := p.text(text, author)
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", text)
		}
		if a := p.name(author); a != p.name(author) {
			t.Fatal("pseudonym not stable")
		}
	})
}
