package demo

import (
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"otklik/assets"
)

func testMuni() *muni {
	return &muni{Code: "roslavl", Town: "Рославль", In: "в Рославле", Gen: "Рославля", People: "рославльцы", Adj: "рославльские",
		Dgen: "Рославльского района", Dloc: "в Рославльском районе", Admin: "администрацию Рославльского района",
		hosp: []pair{{"Рославльская ЦРБ", "в Рославльской ЦРБ"}}, streets: []pair{{"улица Пролетарская", "на Пролетарской"}},
		villages: []pair{{"Екимовичи", "в Екимовичах"}}}
}

func expand(t *testing.T, c *compiler, src string, placeless bool, seed uint64) string {
	t.Helper()
	s, err := c.parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.capable(s); err != nil {
		t.Fatal(err)
	}
	e := expander{v: &vocab{lists: c.lists, months: strings.Fields("января февраля марта апреля мая июня июля августа сентября октября ноября декабря")},
		r: rand.New(rand.NewPCG(seed, 1)), base: time.Date(2025, 10, 1, 12, 0, 0, 0, msk)}
	e.reset(testMuni(), placeless)
	e.seq(s)
	return string(e.buf)
}

func TestParse(t *testing.T) {
	c := newCompiler()
	if _, err := c.addList("dur", []string{"вторую неделю", "с октября"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		src     string
		placeOK bool     // the phrase can be written without a place
		oneOf   []string // possible outputs; nil: only check there is no leftover
		wantErr bool
	}{
		{src: "Ямы {street_loc}.", oneOf: []string{"Ямы на Пролетарской."}},
		{src: "[Ямы|Лужи] {in}", oneOf: []string{"Ямы в Рославле", "Лужи в Рославле"}},
		{src: "Нет воды {dur}", placeOK: true, oneOf: []string{"Нет воды вторую неделю", "Нет воды с октября"}},
		{src: "Свет[ не горит|]", placeOK: true, oneOf: []string{"Свет не горит", "Свет"}},
		{src: "[[а|б]|в]", placeOK: true, oneOf: []string{"а", "б", "в"}},
		{src: "[{village_loc}|у нас] темно", placeOK: true},
		{src: "Дом {house}", placeOK: true},
		{src: "{spot}", oneOf: []string{"в Рославле"}},
		{src: "Ямы {nowhere}", wantErr: true},
		{src: "Ямы {street", wantErr: true},
		{src: "Ямы [а|б", wantErr: true},
		{src: "Ямы а|б", wantErr: true},
		{src: "Ямы]", wantErr: true},
		{src: "Ямы}", wantErr: true},
		{src: "{}", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			s, err := c.parse(tc.src)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("parse(%q) accepted", tc.src)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := c.finish(); err != nil {
				t.Fatal(err)
			}
			ok, _ := c.capable(s)
			if ok != tc.placeOK {
				t.Errorf("capable = %v, want %v", ok, tc.placeOK)
			}
			for seed := uint64(0); seed < 20; seed++ {
				for _, placeless := range []bool{false, true} {
					if placeless && !tc.placeOK {
						continue
					}
					got := expand(t, c, tc.src, placeless, seed)
					if strings.ContainsAny(got, "{}[]|") {
						t.Fatalf("leftover grammar in %q", got)
					}
					if placeless && (strings.Contains(got, "Рославл") || strings.Contains(got, "Екимович")) {
						t.Fatalf("placeless expansion names a place: %q", got)
					}
					if tc.oneOf != nil && !contains(tc.oneOf, got) {
						t.Fatalf("got %q, want one of %q", got, tc.oneOf)
					}
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestListCycle(t *testing.T) {
	c := newCompiler()
	c.declare("a")
	c.declare("b")
	if _, err := c.addList("a", []string{"x {b}"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.addList("b", []string{"y {a}"}); err != nil {
		t.Fatal(err)
	}
	if err := c.finish(); err == nil {
		t.Error("a list cycle was accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Ямы {street_loc}.", "[a|[b|c]|]", "{dur} [x", "]|{", "Дом {house}, {in}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c := newCompiler()
		if _, err := c.addList("dur", []string{"неделю"}); err != nil {
			t.Fatal(err)
		}
		s, err := c.parse(src)
		if err != nil {
			return
		}
		if err := c.finish(); err != nil {
			t.Fatal(err)
		}
		ok, err := c.capable(s)
		if err != nil {
			t.Fatal(err)
		}
		e := expander{v: &vocab{lists: c.lists, months: strings.Fields("a b c d e f g h i j k l")}, r: rand.New(rand.NewPCG(1, 2)), base: time.Unix(0, 0)}
		e.reset(testMuni(), ok)
		e.seq(s)
		if strings.ContainsAny(string(e.buf), "{}[]|") && !strings.ContainsAny(src, "\x00") {
			// Literals can never contain grammar characters: they all parse as syntax.
			t.Fatalf("leftover grammar from %q: %q", src, e.buf)
		}
	})
}

func TestVocabErrors(t *testing.T) {
	good := func(name string) []byte {
		b, err := assets.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	places, lang := good(placesFile), good(langFile)
	if _, err := compileVocab(fstest.MapFS{placesFile: {Data: places}, langFile: {Data: lang}}); err != nil {
		t.Fatalf("shipped vocabulary: %v", err)
	}
	tests := []struct {
		name          string
		places, lang  string
		wantSubstring string
	}{
		{"missing file", "", "", "demo_places_ru.json"},
		{"bad json", "{", string(lang), "demo_places_ru.json"},
		{"unknown slot", string(places), strings.Replace(string(lang), "{street_loc}", "{streetloc}", 1), "unknown slot"},
		{"unbalanced", string(places), strings.Replace(string(lang), "[сплошные ямы", "сплошные ямы", 1), "stray"},
		{"bad street", strings.Replace(string(places), "улица Пролетарская|на Пролетарской", "улица Пролетарская", 1), string(lang), "nominative|locative"},
		{"no municipalities", `{"munis":[]}`, string(lang), "no municipalities"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			if tc.places != "" {
				fsys[placesFile] = &fstest.MapFile{Data: []byte(tc.places)}
				fsys[langFile] = &fstest.MapFile{Data: []byte(tc.lang)}
			}
			_, err := compileVocab(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.wantSubstring) {
				t.Errorf("err = %v, want mention of %q", err, tc.wantSubstring)
			}
		})
	}
}

func TestStyle(t *testing.T) {
	norm := []struct{ in, want string }{
		{"ямы  на Пролетарской .", "Ямы на Пролетарской."},
		{"Сколько можно! ещё и свет , и вода", "Сколько можно! Ещё и свет, и вода"},
		{"«комфортная среда». ёлки", "«Комфортная среда». Ёлки"},
		{"  x", "X"},
		{"5 домов. 7 подъездов", "5 домов. 7 подъездов"},
	}
	for _, tc := range norm {
		if got := string(normalize(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := string(mapCase([]byte("Ёлки, Яма. Ok!"), false, true)); got != "ёлки яма ok!" {
		t.Errorf("chat lower = %q", got)
	}
	if got := string(mapCase([]byte("ёлки яма ok"), true, false)); got != "ЁЛКИ ЯМА OK" {
		t.Errorf("caps = %q", got)
	}
	if got := string(typo([]byte("яма"), 0, false)); got != "мяа" {
		t.Errorf("swap = %q", got)
	}
	if got := string(typo([]byte("яма"), 0, true)); got != "ма" {
		t.Errorf("drop = %q", got)
	}
	if got := string(typo([]byte("ok 5"), 1, false)); got != "ok 5" {
		t.Errorf("typo changed a text without Russian letters: %q", got)
	}
	for _, s := range []string{"Привет, мир", "ёж Ё", "😡 яма"} {
		b := typo([]byte(s), 3, false)
		if !strings.HasPrefix(string(b), "") || !validUTF8(b) {
			t.Errorf("typo broke UTF-8 in %q: %q", s, b)
		}
	}
}

func validUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

func TestFemaleSurname(t *testing.T) {
	for in, want := range map[string]string{"Иванов": "Иванова", "Соловьёв": "Соловьёва", "Ильин": "Ильина", "Островский": "Островская",
		"Толстой": "Толстая", "Ткаченко": "Ткаченко", "Шевчук": "Шевчук", "Кравец": "Кравец"} {
		if got := femaleSurname(in); got != want {
			t.Errorf("femaleSurname(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPerm25Bijective(t *testing.T) {
	seen := make(map[uint64]bool, 1<<16)
	for x := uint64(0); x < 1<<16; x++ {
		y := perm25(x<<9 ^ 12345)
		if seen[y] {
			t.Fatalf("perm25 collision at %d", x)
		}
		seen[y] = true
	}
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		w     []float64
		total int
		want  []int
	}{
		{[]float64{1, 1, 1}, 10, []int{4, 3, 3}},
		{[]float64{0, 2, 1}, 3, []int{0, 2, 1}},
		{[]float64{1}, 0, []int{0}},
		{[]float64{0, 0}, 5, []int{0, 0}},
		{[]float64{0.5, 0.25, 0.25}, 7, []int{3, 2, 2}},
	}
	for _, tc := range tests {
		got := allocate(tc.w, tc.total)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("allocate(%v, %d) = %v, want %v", tc.w, tc.total, got, tc.want)
				break
			}
		}
	}
}
