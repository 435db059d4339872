package brief

import (
	"flag"
	"fmt"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleBriefing is a Рославль briefing for November 2026 built from the
// labelled questions, with fixed dates so that outputs are reproducible.
func sampleBriefing(t testing.TB) Briefing {
	t.Helper()
	msk := time.FixedZone("MSK", 3*3600)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, msk)
	ls := loadLabelled(t)
	items := make([]Item, 0, len(ls))
	authors := []string{"Ольга Петрова", "Иван Сергеевич Кузнецов", "Марина Ковалёва", "Никита Орлов", "Татьяна Николаевна", "Сергей Волков"}
	for i, l := range ls {
		items = append(items, Item{
			ID: l.ID, Text: l.Text, Category: l.Category, Open: i%3 == 0,
			Author:  authors[i%len(authors)],
			Created: from.Add(time.Duration(i*3+7) * time.Hour),
		})
	}
	groups := Group(items, Options{MinSize: 2})
	if len(groups) > 8 {
		groups = groups[:8]
	}
	var timeline []DayCount
	for d := 0; d < 30; d++ {
		timeline = append(timeline, DayCount{Day: from.AddDate(0, 0, d), Count: 20 + (d*37)%23 + map[bool]int{true: 25}[d == 11]})
	}
	return Briefing{
		District: "roslavl", DistrictName: "Рославльский район",
		From: from, To: from.AddDate(0, 1, 0),
		PrevFrom: from.AddDate(0, -1, 0), PrevTo: from,
		BroadcastAt: time.Date(2026, 12, 3, 18, 0, 0, 0, msk),
		Generated:   time.Date(2026, 11, 30, 17, 45, 0, 0, msk),
		Categories: []CategoryStat{
			{"roads", "Дороги", 214, 160}, {"housing", "ЖКХ", 188, 201}, {"transport", "Транспорт", 97, 64},
			{"health", "Здравоохранение", 83, 85}, {"waste", "Мусор и ТКО", 61, 72}, {"education", "Образование", 44, 30},
			{"energy", "Электричество и газ", 38, 12}, {"improvement", "Благоустройство", 35, 41}, {"social", "Соцзащита", 22, 0},
		},
		Platforms: map[string]int{"vk": 512, "telegram": 96, "ok": 57, "pos": 117},
		Sentiment: SentimentCounts{Neg: 431, Neu: 298, Pos: 53},
		Timeline:  timeline,
		Groups:    groups,
		Shortlist: []ShortItem{
			{
				Title:  "Ремонт моста через Остёр на ул. Ленина",
				Quotes: []string{"Мост через Остер на Ленина весь в дырах, когда уже отремонтируют?", "Меня зовут Ольга Петрова, живу на Ленина: ремонт обещали ещё в прошлом году."},
				Note:   "Капитальный ремонт включён в региональную программу на 2027 год, проектно-сметная документация проходит госэкспертизу. До начала работ — ямочный ремонт покрытия силами подрядчика.",
				Agency: "Министерство транспорта и дорожного хозяйства Смоленской области", Unanswered: 4, Size: 6,
			},
			{
				Title:  "Нет отопления в доме 14 по ул. Пролетарской",
				Quotes: []string{"Дом 14 по ул. Пролетарской — третью неделю холодные батареи, управляющая компания не отвечает"},
				Note:   "Авария на внутридомовой сети; УК «Жилкомсервис» обещала завершить замену участка трубы к 5 декабря.",
				Agency: "Главное управление «Государственная жилищная инспекция Смоленской области»", Unanswered: 3, Size: 4,
			},
			{
				Title:  "Утренний автобус Рославль — Смоленск",
				Note:   "Перевозчик сократил рейс 6:40 из-за нехватки водителей; ведутся переговоры о возвращении рейса с 15 декабря.",
				Agency: "Министерство транспорта и дорожного хозяйства Смоленской области", Unanswered: 2, Size: 5,
			},
		},
		Unresolved: []UnresolvedItem{
			{Text: "В 16 микрорайоне третий день нет воды. Телефон для связи +7 910 123-45-67.", Author: "Марина Ковалёва", Created: from.Add(50 * time.Hour), Platform: "vk", Overdue: true},
			{Text: "Здравствуйте! Меня зовут Иван Кузнецов. Дорогу до Кирилловки когда-нибудь сделают? Грейдер не приезжал с весны, скорая не может доехать, а у нас в деревне живут одни пенсионеры, которым нужна помощь. Пишу уже третий раз, ответа нет ни от администрации района, ни от дорожников.", Author: "Иван Сергеевич Кузнецов", Created: from.Add(26 * time.Hour), Platform: "pos", Overdue: true},
			{Text: "ФАП в Липовке без фельдшера уже год", Author: "Татьяна Николаевна", Created: from.Add(300 * time.Hour), Platform: "ok"},
			{Text: "Почему не сделали перерасчёт пенсии после 80 лет?", Author: "Ольга Петрова", Created: from.Add(420 * time.Hour), Platform: "telegram"},
		},
		AnnouncementQuestions: []Item{
			{ID: 9001, Text: "Василий Николаевич, будет ли в Рославле бассейн?", Author: "Никита Орлов", Created: from.Add(640 * time.Hour)},
			{ID: 9002, Text: "Когда закончат реконструкцию стадиона «Юность»?", Author: "Сергей Волков", Created: from.Add(650 * time.Hour)},
		},
	}
}

func TestPeriodRu(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		from, to time.Time
		want     string
	}{
		{d(2026, 11, 1), d(2026, 12, 1), "1–30 ноября 2026"},
		{d(2026, 10, 28), d(2026, 11, 27), "28 октября – 26 ноября 2026"},
		{d(2026, 12, 25), d(2027, 1, 25), "25 декабря 2026 – 24 января 2027"},
		{d(2026, 11, 5), d(2026, 11, 6), "5 ноября 2026"},
		{time.Time{}, d(2026, 11, 6), ""},
	} {
		if got := PeriodRu(tc.from, tc.to); got != tc.want {
			t.Errorf("PeriodRu(%v, %v) = %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestTrendOf(t *testing.T) {
	for _, tc := range []struct {
		n, prev int
		dir     int
		label   string
	}{
		{214, 160, 1, "▲ +34%"}, {188, 201, -1, "▼ −6%"}, {83, 85, 0, "≈ без изменений"},
		{22, 0, 1, "новое"}, {0, 0, 0, "—"}, {0, 10, -1, "▼ −100%"},
	} {
		tr := TrendOf(tc.n, tc.prev)
		if tr.Dir != tc.dir || tr.Label != tc.label {
			t.Errorf("TrendOf(%d, %d) = %+v, want dir %d %q", tc.n, tc.prev, tr, tc.dir, tc.label)
		}
	}
}

func TestPseudonymise(t *testing.T) {
	p := newPseudonymiser()
	for _, tc := range []struct {
		author, want string
	}{
		{"Ольга Петрова", "Жительница 1"},
		{"Иван Сергеевич Кузнецов", "Житель 2"},
		{"ольга  петрова", "Жительница 1"},
		{"Никита Орлов", "Житель 3"},
		{"Татьяна Николаевна", "Жительница 4"},
		{"Марина Ковалёва", "Жительница 5"},
		{"user42", "Житель 6"},
		{"", ""},
	} {
		if got := p.name(tc.author); got != tc.want {
			t.Errorf("name(%q) = %q, want %q", tc.author, got, tc.want)
		}
	}
	for _, tc := range []struct {
		text, author, want string
	}{
		{"Меня зовут Ольга Петрова, живу на Ленина.", "Ольга Петрова", "Меня зовут Жительница 1, живу на Ленина."},
		{"Меня зовут Анна Смирнова, прошу помочь", "Ольга Петрова", "Меня зовут [имя скрыто], прошу помочь"},
		{"Звоните: +7 910 123-45-67 или 8(4813)4-12-34, почта olga@mail.ru", "", "Звоните: [телефон скрыт] или [телефон скрыт], почта [e-mail скрыт]"},
		{"Петровой никто не ответил, надежда только на вас", "Надежда Петрова", "Жительница 7 никто не ответил, надежда только на вас"},
		{"С уважением, Кузнецов И. С.", "Иван Сергеевич Кузнецов", "С уважением, Житель 2"},
	} {
		if got := p.text(tc.text, tc.author); got != tc.want {
			t.Errorf("text(%q, %q) = %q, want %q", tc.text, tc.author, got, tc.want)
		}
	}
}

func TestPreparedDoesNotChangeInput(t *testing.T) {
	b := sampleBriefing(t)
	b.Pseudonymise = true
	before := fmt.Sprint(b.Unresolved, b.Groups[0].Quotes, b.Shortlist[0].Quotes)
	out := prepared(b)
	if after := fmt.Sprint(b.Unresolved, b.Groups[0].Quotes, b.Shortlist[0].Quotes); after != before {
		t.Fatal("prepared changed its input")
	}
	for _, u := range out.Unresolved {
		if u.Author == "Ольга Петрова" || u.Author == "Марина Ковалёва" {
			t.Fatalf("author not pseudonymised: %+v", u)
		}
	}
	if !out.Unresolved[0].Created.Before(out.Unresolved[1].Created) {
		t.Fatal("unresolved not oldest first")
	}
}

func dateUTC(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
