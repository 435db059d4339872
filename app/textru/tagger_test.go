package textru

import (
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"otklik/assets"
	"otklik/data"
)

func TestDefaultTaggerLoads(t *testing.T) {
	// DefaultTagger panics on broken shipped files; LoadTagger shows why.
	if _, err := LoadTagger(assets.FS); err != nil {
		t.Fatal(err)
	}
	tg := DefaultTagger()
	if n := len(tg.Municipalities()); n != 27 {
		t.Fatalf("%d municipalities, want 27", n)
	}
}

var wantCodes = []string{
	"smolensk", "desnogorsk", "velizh", "vyazma", "gagarin", "glinka", "demidov", "dorogobuzh", "dukhovshchina",
	"yelnya", "yershichi", "kardymovo", "krasny", "monastyrshchina", "novoduginsky", "pochinok", "roslavl", "rudnya",
	"smolensky_rayon", "sychyovka", "tyomkino", "ugra", "khislavichi", "kholm_zhirkovsky", "shumyachi", "yartsevo", "safonovo",
}

func TestMunicipalities(t *testing.T) {
	tg := DefaultTagger()
	ms := tg.Municipalities()
	if ms[0].Code != "smolensk" {
		t.Errorf("first is %q, want smolensk", ms[0].Code)
	}
	for i := 2; i < len(ms); i++ {
		if sortKey(ms[i-1].Short) > sortKey(ms[i].Short) {
			t.Errorf("not alphabetical: %q before %q", ms[i-1].Short, ms[i].Short)
		}
	}
	for _, code := range wantCodes {
		m, ok := tg.Municipality(code)
		if !ok {
			t.Errorf("missing %q", code)
			continue
		}
		if m.Name == "" || m.Short == "" || m.Center == "" || !strings.HasPrefix(m.In(), "в") {
			t.Errorf("%q is incomplete: %+v in %q", code, m, m.In())
		}
	}
	for code, in := range map[string]string{"roslavl": "в Рославле", "smolensk": "в Смоленске", "smolensky_rayon": "в Смоленском районе"} {
		if m, _ := tg.Municipality(code); m.In() != in {
			t.Errorf("%s.In() = %q, want %q", code, m.In(), in)
		}
	}
	if _, ok := tg.Municipality("moscow"); ok {
		t.Error("unknown code found")
	}
}

func TestCategories(t *testing.T) {
	want := []string{"roads", "housing", "waste", "improvement", "transport", "health", "education", "social",
		"ecology", "energy", "safety", "telecom", "culture_sport", "other"}
	cs := DefaultTagger().Categories()
	if len(cs) != len(want) {
		t.Fatalf("%d categories, want %d", len(cs), len(want))
	}
	for i, c := range cs {
		if c.Code != want[i] || c.Name == "" || c.NameEN == "" {
			t.Errorf("category %d = %+v, want code %q with names", i, c, want[i])
		}
	}
}

func TestMunicipalityByCity(t *testing.T) {
	tg := DefaultTagger()
	for city, want := range map[string]string{
		"Рославль": "roslavl", "Smolensk": "smolensk", "Вязьма": "vyazma", "г. Сафоново": "safonovo",
		"пгт Кардымово": "kardymovo", "Красный": "krasny", "Угра": "ugra", "Печерск": "smolensky_rayon",
		"Сычевка": "sychyovka", "Сычёвка": "sychyovka", "Холм-Жирковский": "kholm_zhirkovsky",
		"Смоленск, Россия": "smolensk", "Москва": "", "": "", "Смоленская область": "",
	} {
		if got := tg.MunicipalityByCity(city); got != want {
			t.Errorf("MunicipalityByCity(%q) = %q, want %q", city, got, want)
		}
	}
}

func TestTagDistrict(t *testing.T) {
	tg := DefaultTagger()
	for _, tc := range []struct{ text, city, want string }{
		{"В Рославле опять нет воды", "", "roslavl"},
		{"приехал из Ярцева, дороги ужас", "", "yartsevo"},
		{"вяземские дороги хуже всех", "", "vyazma"},
		{"сафоновцы, поддержите", "", "safonovo"},
		{"рославльчане, кто знает?", "", "roslavl"},
		{"гагаринский водоканал молчит", "", "gagarin"},
		{"демидовская больница", "", "demidov"},
		{"десногорцы жалуются на свет", "", "desnogorsk"},
		{"в Сычёвке нет педиатра", "", "sychyovka"},
		{"смоляне, как вам новые автобусы?", "", "smolensk"},
		{"В Смоленском районе закрыли ФАП", "", "smolensky_rayon"},
		{"Смоленский район, Печерск", "", "smolensky_rayon"},
		{"В Смоленске ямы", "", "smolensk"},
		{"Каспля без света", "", "smolensky_rayon"},
		{"Вадино: автобус не ходит", "", "safonovo"},
		{"Николо-Погорелое", "", "safonovo"},
		{"Капыревщина", "", "yartsevo"},
		{"в Знаменке нет врача", "", "ugra"},
		{"Остёр, дорога разбита", "", "roslavl"},
		{"Стодолище", "", "pochinok"},
		{"Днепровское, газ", "", "novoduginsky"},
		// Ambiguous words need context.
		{"трудный день, на дороге ямы", "", ""},
		{"горит красный свет по три минуты", "", ""},
		{"в пгт Красный нет автобуса", "", "krasny"},
		{"в Красном нет автобуса", "", "krasny"},
		{"краснинская больница", "", "krasny"},
		{"концерт имени Глинки", "", ""},
		{"в Глинке ремонт", "", "glinka"},
		{"стояние на Угре — праздник", "", ""},
		{"в Угре ямы", "", "ugra"},
		{"поднялись на холм", "", ""},
		{"из Холма в Вязьму автобус", "", "kholm_zhirkovsky"},
		{"улица Гагарина разбита", "", ""},
		{"улица Гагарина разбита", "Ярцево", "yartsevo"},
		{"проспект Гагарина, пробки", "", "smolensk"},
		{"Смоленская область лучшая", "", ""},
		// City fallback and mention order.
		{"нет воды третий день", "Рославль", "roslavl"},
		{"нет воды третий день", "Smolensk", "smolensk"},
		{"нет воды третий день", "", ""},
		{"в Рославле нет врачей, ездим в Смоленск", "", "roslavl"},
		{"ездим в Смоленск, а в Рославле нет врачей", "", "roslavl"},
		{"автобус на Смоленск отменили", "Демидов", "demidov"},
		{"автобус на Смоленск отменили", "", "smolensk"},
		{"из Ярцева в Вязьму", "", "yartsevo"},
		{"из Ярцева, а живу в Сафоново", "", "safonovo"},
		{"Вязьма и Гагарин без света", "", "vyazma"},
	} {
		if got := tg.Tag(tc.text, tc.city).District; got != tc.want {
			t.Errorf("Tag(%q, %q).District = %q, want %q", tc.text, tc.city, got, tc.want)
		}
	}
}

func TestTagCategoryAndSentiment(t *testing.T) {
	tg := DefaultTagger()
	for _, tc := range []struct {
		text, cat string
		s         data.Sentiment
	}{
		{"Яма на дороге, колесо пробил. Безобразие!", "roads", data.Negative},
		{"Батареи холодные, управляющая компания не отвечает", "housing", data.Negative},
		{"Подскажите расписание автобуса до Вязьмы", "transport", data.Neutral},
		{"Спасибо за новую детскую площадку!", "improvement", data.Positive},
		{"Наконец-то сделали освещение, спасибо", "improvement", data.Positive},
		{"Мусор не вывозят две недели", "waste", data.Negative},
		{"Интернет не работает", "telecom", data.Negative},
		{"Когда проведут газ в деревню?", "energy", data.Neutral},
		{"Горит красный свет на светофоре по три минуты", "roads", data.Neutral},
		{"Ну спасибо, дорогу опять раскопали", "roads", data.Negative},
		{"Врачи не помогли, не спасибо", "health", data.Negative},
		{"Совсем не плохо отремонтировали школу", "education", data.Neutral},
		{"С праздником, земляки!", "other", data.Positive},
		{"Добрый день", "other", data.Neutral},
		{"", "other", data.Neutral},
	} {
		got := tg.Tag(tc.text, "")
		if got.Category != tc.cat || got.Sentiment != tc.s {
			t.Errorf("Tag(%q) = %s/%s (%v), want %s/%s", tc.text, got.Category, got.Sentiment, got.Categories, tc.cat, tc.s)
		}
		if got.Category == OtherCategory && len(got.Categories) != 0 || got.Category != OtherCategory && got.Categories[0] != got.Category {
			t.Errorf("Tag(%q): Category %q does not lead Categories %v", tc.text, got.Category, got.Categories)
		}
	}
}

func TestTagSeveralTopics(t *testing.T) {
	got := DefaultTagger().Tag("Ямы на дороге, а автобус опять не пришёл, и мусор не вывозят", "")
	want := map[string]bool{"roads": true, "transport": true, "waste": true}
	for _, c := range got.Categories {
		delete(want, c)
	}
	if len(want) != 0 || got.Category != got.Categories[0] {
		t.Errorf("got %s %v, want roads, transport and waste", got.Category, got.Categories)
	}
}

func TestTagConcurrent(t *testing.T) {
	tg := DefaultTagger()
	want := tg.Tag("В Рославле нет горячей воды, безобразие", "")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := tg.Tag("В Рославле нет горячей воды, безобразие", ""); got.District != want.District || got.Category != want.Category {
					t.Errorf("concurrent Tag differs: %+v vs %+v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLoadTaggerErrors(t *testing.T) {
	read := func(name string) []byte {
		b, err := assets.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := fstest.MapFS{
		GazetteerFile:  {Data: read(GazetteerFile)},
		RubricatorFile: {Data: read(RubricatorFile)},
		SentimentFile:  {Data: read(SentimentFile)},
	}
	if _, err := LoadTagger(good); err != nil {
		t.Fatalf("copy of shipped files: %v", err)
	}
	for name, mutate := range map[string]func(fstest.MapFS){
		"missing file": func(m fstest.MapFS) { delete(m, RubricatorFile) },
		"broken json":  func(m fstest.MapFS) { m[SentimentFile] = &fstest.MapFile{Data: []byte("{")} },
		"no munis":     func(m fstest.MapFS) { m[GazetteerFile] = &fstest.MapFile{Data: []byte(`{"municipalities":[]}`)} },
		"empty pattern": func(m fstest.MapFS) {
			m[GazetteerFile] = &fstest.MapFile{Data: []byte(`{"municipalities":[{"code":"a","name":"А","short":"А","in":"в А","patterns":["!!"]}]}`)}
		},
		"no other": func(m fstest.MapFS) {
			m[RubricatorFile] = &fstest.MapFile{Data: []byte(`{"categories":[{"code":"roads","name":"Дороги"}]}`)}
		},
		"zero threshold": func(m fstest.MapFS) { m[SentimentFile] = &fstest.MapFile{Data: []byte(`{"threshold":0}`)} },
		"duplicate code": func(m fstest.MapFS) {
			m[GazetteerFile] = &fstest.MapFile{Data: []byte(`{"municipalities":[{"code":"a","name":"А","short":"А","in":"в А"},{"code":"a","name":"Б","short":"Б","in":"в Б"}]}`)}
		},
		"unknown capital": func(m fstest.MapFS) {
			m[GazetteerFile] = &fstest.MapFile{Data: []byte(`{"capital":"x","municipalities":[{"code":"a","name":"А","short":"А","in":"в А"}]}`)}
		},
	} {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		mutate(fsys)
		if _, err := LoadTagger(fsys); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func BenchmarkTag(b *testing.B) {
	tg := DefaultTagger()
	text := "Добрый день! В Рославле на улице Пролетарской опять яма на яме, после ремонта водопровода асфальт так и не положили. " +
		"Управляющая компания не отвечает, когда уже сделают? 😡"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		tg.Tag(text, "Рославль")
	}
}

// BenchmarkIngest is what ingest does per comment: tag and stem for FTS.
func BenchmarkIngest(b *testing.B) {
	tg := DefaultTagger()
	text := "Подскажите, когда в Сафонове на Октябрьской дадут горячую воду? Третий день нет, дети моются из кастрюли. Спасибо"
	for b.Loop() {
		tg.Tag(text, "")
		StemText(text)
	}
}
