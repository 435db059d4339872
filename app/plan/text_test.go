package plan

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

type labelled struct {
	Band   Band     `json:"band"`
	Text   string   `json:"text"`
	Chains []string `json:"chains"`
}

func readJSONL(t testing.TB, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, l)
	}
	return out
}

// checkTextInvariants holds for any input: spans inside the text on rune
// boundaries (when the text is valid UTF-8), sorted, the fragment equal to the span, score within 0…100.
func checkTextInvariants(t *testing.T, text string, r TextReport) {
	t.Helper()
	if r.Score < 0 || r.Score > 100 {
		t.Fatalf("score %d out of range", r.Score)
	}
	prev := 0
	for _, f := range r.Findings {
		if f.Start < 0 || f.End < f.Start || f.End > len(text) {
			t.Fatalf("span %d..%d out of text of %d bytes", f.Start, f.End, len(text))
		}
		if utf8.ValidString(text) && (f.Start < len(text) && !utf8.RuneStart(text[f.Start]) || f.End < len(text) && !utf8.RuneStart(text[f.End])) {
			t.Fatalf("span %d..%d splits a character", f.Start, f.End)
		}
		if f.Text != text[f.Start:f.End] || f.Suggestion == "" || f.Penalty <= 0 {
			t.Fatalf("bad finding %+v", f)
		}
		if f.Start < prev {
			t.Fatalf("findings not sorted")
		}
		prev = f.Start
	}
}

func TestCheckTextBands(t *testing.T) {
	texts := readJSONL(t, "testdata/texts_ru.jsonl")
	if len(texts) < 30 {
		t.Fatalf("want 30+ examples, have %d", len(texts))
	}
	for _, l := range texts {
		r := CheckText(l.Text)
		checkTextInvariants(t, l.Text, r)
		if r.Band != l.Band {
			t.Errorf("%s expected, got %s (%d): %.60s…", l.Band, r.Band, r.Score, l.Text)
		}
		switch r.Band {
		case BandLive:
			if r.Score < BandLiveMin || r.Verdict != "Живой язык" {
				t.Errorf("live band with score %d, verdict %q", r.Score, r.Verdict)
			}
		case BandMemo:
			if r.Score >= BandMemoBelow || r.Verdict != "Читается как служебная записка" {
				t.Errorf("memo band with score %d, verdict %q", r.Score, r.Verdict)
			}
		case BandMixed:
			if r.Verdict != "Есть канцелярит" {
				t.Errorf("mixed band verdict %q", r.Verdict)
			}
		}
	}
}

func TestCheckTextFindings(t *testing.T) {
	cases := []struct {
		text  string
		kind  TextKind
		frag  string // "" expects no finding of this kind
		sugg  string // a part of the suggestion
		count int    // 0 means at least one
	}{
		{"Вопрос данного района решим.", TextKantselyarit, "данного", "этот", 1},
		{"В данной школе будет спортзал.", TextKantselyarit, "данной", "этот", 1},
		{"Данные опроса опубликуем завтра.", TextKantselyarit, "", "", 0}, // «данные» as data is fine
		{"Проверки осуществлялись дважды.", TextKantselyarit, "осуществлялись", "глагол", 1},
		{"ОСУЩЕСТВЛЯЕТСЯ ПРИЁМ.", TextKantselyarit, "ОСУЩЕСТВЛЯЕТСЯ", "", 1},
		{"В целях обеспечения порядка перекроем улицу.", TextKantselyarit, "В целях обеспечения", "чтобы", 1},
		{"Работа ведётся. В целях, которые мы ставили, всё учтено.", TextKantselyarit, "В целях", "чтобы", 1},
		{"в настоящее время", TextKantselyarit, "в настоящее время", "сейчас", 1},
		{"в настоящее\nвремя", TextKantselyarit, "в настоящее\nвремя", "сейчас", 1},
		{"в настоящее. Время", TextKantselyarit, "", "", 0}, // never across punctuation
		{"Имело место нарушение.", TextKantselyarit, "Имело место", "есть", 1},
		{"Глава приняла участие в форуме.", TextKantselyarit, "приняла участие", "участвовать", 1},
		{"Решили провести мероприятие в парке.", TextKantselyarit, "провести мероприятие", "событие", 1},
		{"Денежных средств хватит.", TextKantselyarit, "Денежных средств", "деньги", 1},
		{"Ремонт был проведён вовремя.", TextPassive, "был проведён", "кто сделал", 1},
		{"Школа будет построена к сентябрю.", TextPassive, "будет построена", "", 1},
		{"Проект был уже одобрен.", TextPassive, "был уже одобрен", "", 1},
		{"Было трудно, но справились.", TextPassive, "", "", 0},
		{"Проверка проводится ежедневно.", TextPassive, "проводится", "", 1},
		{"Нам удалось договориться, и всё получилось.", TextPassive, "", "", 0},
		{"Вода будет осуществлена подача.", TextPassive, "", "", 0}, // already канцелярит, not counted twice
		{"План повышения качества обслуживания населения.", TextGenitiveChain, "повышения качества обслуживания населения", "родительном", 1},
		{strings.Repeat("слово ", 26) + "конец.", TextLongSentence, strings.Repeat("слово ", 26) + "конец.", "разбейте", 1},
		{strings.Repeat("слово ", 24) + "конец.", TextLongSentence, "", "", 0},
		{"В г. Рославль приехал министр. Он был рад.", TextLongSentence, "", "", 0},
		{"ОГБУЗ КБСМП и ЦРБ получили 5 машин.", TextNumbers, "ОГБУЗ КБСМП и ЦРБ получили 5 машин.", "сокращения", 1},
		{"В 2026 году 12 школ, 4 сада, 7 клубов и 3 ФАПа.", TextNumbers, "В 2026 году 12 школ, 4 сада, 7 клубов и 3 ФАПа.", "", 1},
		{strings.Repeat("Ремонт дороги идёт по плану. ", 5), TextNoAddress, "", "Обратитесь", 1},
		{strings.Repeat("Ремонт дороги идёт по плану. ", 4) + "Пишите нам!", TextNoAddress, "", "", 0},
		{strings.Repeat("Ремонт дороги идёт по плану. ", 4) + "Как вам?", TextNoAddress, "", "", 0},
	}
	for _, c := range cases {
		r := CheckText(c.text)
		checkTextInvariants(t, c.text, r)
		var got []TextFinding
		for _, f := range r.Findings {
			if f.Kind == c.kind {
				got = append(got, f)
			}
		}
		wantNone := c.frag == "" && c.kind != TextNoAddress || c.kind == TextNoAddress && c.sugg == ""
		if wantNone {
			if len(got) != 0 {
				t.Errorf("%q: unexpected %s %+v", c.text, c.kind, got)
			}
			continue
		}
		if len(got) == 0 || c.count > 0 && len(got) != c.count {
			t.Errorf("%q: want %d× %s, got %+v", c.text, c.count, c.kind, r.Findings)
			continue
		}
		if c.frag != "" && got[0].Text != c.frag {
			t.Errorf("%q: %s fragment %q, want %q", c.text, c.kind, got[0].Text, c.frag)
		}
		if !strings.Contains(got[0].Suggestion, c.sugg) {
			t.Errorf("%q: suggestion %q lacks %q", c.text, got[0].Suggestion, c.sugg)
		}
	}
	if r := CheckText(" \n—  "); r.Band != BandEmpty || r.Score != 100 || len(r.Findings) != 0 {
		t.Errorf("empty text: %+v", r)
	}
}

// TestGenitivePrecision measures the genitive-chain heuristic on a labelled
// set; the numbers are reported with -v. On the shipped set it finds 8 of 10
// labelled chains with no false chain (precision 1.00, recall 0.80): the
// misses are chains through -ы genitives («школы», «проблемы»), which the
// heuristic leaves out because -ы is just as often a nominative plural.
func TestGenitivePrecision(t *testing.T) {
	set := readJSONL(t, "testdata/genitive_ru.jsonl")
	tp, fp, fn := 0, 0, 0
	for _, l := range set {
		want := map[string]bool{}
		for _, c := range l.Chains {
			want[c] = true
		}
		for _, f := range CheckText(l.Text).Findings {
			if f.Kind != TextGenitiveChain {
				continue
			}
			if want[f.Text] {
				tp++
				delete(want, f.Text)
			} else {
				fp++
				t.Logf("false chain %q in %q", f.Text, l.Text)
			}
		}
		for c := range want {
			fn++
			t.Logf("missed chain %q", c)
		}
	}
	precision := float64(tp) / float64(max(tp+fp, 1))
	recall := float64(tp) / float64(max(tp+fn, 1))
	t.Logf("genitive chains: %d sentences, precision %.2f, recall %.2f", len(set), precision, recall)
	if precision < 0.85 || recall < 0.7 {
		t.Errorf("precision %.2f (want ≥ 0.85), recall %.2f (want ≥ 0.7)", precision, recall)
	}
}

func TestStyleDictionary(t *testing.T) {
	s := DefaultStyle()
	if len(s.entries) < 40 {
		t.Fatalf("dictionary has %d entries, want 40+", len(s.entries))
	}
	bad := []struct{ json, want string }{
		{`{"entries": []}`, "no entries"},
		{`{"entries": [{"pattern": "в цел{ях", "suggest": "x", "weight": 1}], "genitive": {"noun_suffixes": ["ия"]}}`, "endings go in one"},
		{`{"entries": [{"pattern": "о*", "suggest": "x", "weight": 1}], "genitive": {"noun_suffixes": ["ия"]}}`, "two or more letters"},
		{`{"entries": [{"pattern": "в (целях)", "suggest": "x", "weight": 1}], "genitive": {"noun_suffixes": ["ия"]}}`, "only letters"},
		{`{"entries": [{"pattern": "данный", "suggest": "", "weight": 1}], "genitive": {"noun_suffixes": ["ия"]}}`, "no suggestion"},
		{`{"entries": [{"pattern": "данный", "suggest": "этот", "weight": 4}], "genitive": {"noun_suffixes": ["ия"]}}`, "weight"},
		{`{"entries": [{"pattern": "данный", "suggest": "этот", "weight": 1}, {"pattern": "Данный", "suggest": "этот", "weight": 1}], "genitive": {"noun_suffixes": ["ия"]}}`, "twice"},
		{`{"entries": [{"pattern": "данный", "suggest": "этот", "weight": 1}]}`, "noun_suffixes"},
		{`{"entries": [{"pattern": "данный", "suggest": "этот", "weight": 1, "regex": "x"}]}`, "unknown field"},
	}
	for _, b := range bad {
		_, err := ParseStyle([]byte(b.json))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want it to mention %q", b.json, err, b.want)
		}
	}
}

func FuzzCheckText(f *testing.F) {
	for _, l := range readJSONL(f, "testdata/texts_ru.jsonl") {
		f.Add(l.Text)
	}
	f.Add("был\xff проведён. г. \u2011-—…??")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		checkTextInvariants(t, text, CheckText(text))
	})
}

func BenchmarkCheckText(b *testing.B) {
	texts := readJSONL(b, "testdata/texts_ru.jsonl")
	var all strings.Builder
	for _, l := range texts {
		all.WriteString(l.Text)
		all.WriteString("\n")
	}
	s := all.String()
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		CheckText(s)
	}
}
