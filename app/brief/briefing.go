package brief

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Briefing is everything the press office hands the governor before a live
// stream with one municipality. The panel fills it from the store; the
// writers (WritePDF, WriteDOCX, WriteHTML) only lay it out.
type Briefing struct {
	District     string // municipality code, e.g. "roslavl"
	DistrictName string // «Рославльский район»
	// The period is [From, To): To is the first instant after it, so
	// 1–30 November is From = 1 Nov 00:00, To = 1 Dec 00:00. The previous
	// period, for trends, is [PrevFrom, PrevTo).
	From, To, PrevFrom, PrevTo time.Time
	BroadcastAt                time.Time // the live stream, zero when not planned yet
	Generated                  time.Time // when the briefing was made; zero hides it

	Categories []CategoryStat  // in display order; the writers do not sort
	Platforms  map[string]int  // data.Platform value → messages («vk», «telegram», «ok», «pos»)
	Sentiment  SentimentCounts // of the period's messages
	Timeline   []DayCount      // one entry per day, days without messages included

	Groups     []Cluster        // the most asked questions, from Group
	Shortlist  []ShortItem      // what the governor should be ready to answer
	Unresolved []UnresolvedItem // still unanswered, oldest first

	// AnnouncementQuestions are the questions left under the post announcing
	// the stream, listed separately: residents asked them for the air.
	AnnouncementQuestions []Item

	// Pseudonymise replaces residents' names with «Житель N» / «Жительница N»
	// and masks names, phones and e-mails inside quoted texts.
	Pseudonymise bool
}

// CategoryStat is one topic's count in the period and the previous one.
type CategoryStat struct {
	Code, Name       string
	Count, PrevCount int
}

// SentimentCounts is the tone of the period's messages.
type SentimentCounts struct{ Neg, Neu, Pos int }

// DayCount is the number of messages on one day.
type DayCount struct {
	Day   time.Time
	Count int
}

// ShortItem is one topic of the shortlist: a question the governor will be
// asked, with residents' words, the office's note and the responsible agency.
type ShortItem struct {
	Title      string
	Quotes     []string
	Note       string // background and what has been done
	Agency     string // who answers for it
	Unanswered int
	Size       int // messages behind it; 0 when not counted
}

// UnresolvedItem is a message still waiting for an answer.
type UnresolvedItem struct {
	Text     string
	Author   string
	Created  time.Time
	Platform string // data.Platform value
	Overdue  bool   // past its answer deadline
}

// PlatformNames are the display names of data.Platform values.
var PlatformNames = map[string]string{
	"vk":       "ВКонтакте",
	"telegram": "Telegram",
	"ok":       "Одноклассники",
	"pos":      "ПОС «Решаем вместе»",
}

func platformName(p string) string {
	if n, ok := PlatformNames[p]; ok {
		return n
	}
	if p == "" {
		return "—"
	}
	return p
}

// PlatformSplit returns the messages from social networks (every platform
// but ПОС) and from ПОС.
func (b Briefing) PlatformSplit() (social, pos int) {
	for p, n := range b.Platforms {
		if p == "pos" {
			pos += n
		} else {
			social += n
		}
	}
	return social, pos
}

// Title is the briefing's heading, e.g. «Подготовка к прямому эфиру:
// Рославльский район, 1–30 ноября 2026».
func (b Briefing) Title() string {
	name := b.DistrictName
	if name == "" {
		name = b.District
	}
	return "Подготовка к прямому эфиру: " + name + ", " + PeriodRu(b.From, b.To)
}

var monthsGen = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

// PeriodRu formats the half-open period [from, to) as Russian inclusive dates:
// «1–30 ноября 2026», «28 октября – 26 ноября 2026», «25 декабря 2026 – 24 января 2027».
func PeriodRu(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return ""
	}
	last := to.Add(-time.Nanosecond)
	if last.Before(from) {
		last = from
	}
	switch {
	case from.Year() != last.Year():
		return DateRu(from) + " – " + DateRu(last)
	case from.Month() != last.Month():
		return fmt.Sprintf("%d %s – %d %s %d", from.Day(), monthsGen[from.Month()-1], last.Day(), monthsGen[last.Month()-1], last.Year())
	case from.Day() != last.Day():
		return fmt.Sprintf("%d–%d %s %d", from.Day(), last.Day(), monthsGen[last.Month()-1], last.Year())
	}
	return DateRu(from)
}

// DateRu formats a date as «12 ноября 2026».
func DateRu(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthsGen[t.Month()-1], t.Year())
}

func dateTimeRu(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02.01.2006 15:04")
}

// Trend is the change of a category against the previous period.
type Trend struct {
	Dir     int    // +1 up, −1 down, 0 flat
	Percent int    // rounded change, 0 when the previous count was 0
	Label   string // «▲ +25%», «▼ −10%», «= 0%», «новое»
}

// TrendOf compares count with prev. Changes under 5% count as flat.
func TrendOf(count, prev int) Trend {
	switch {
	case prev == 0 && count == 0:
		return Trend{Label: "—"}
	case prev == 0:
		return Trend{Dir: 1, Label: "новое"}
	}
	pct := int(float64(count-prev)*100/float64(prev) + map[bool]float64{true: 0.5, false: -0.5}[count >= prev])
	switch {
	case pct >= 5:
		return Trend{Dir: 1, Percent: pct, Label: fmt.Sprintf("▲ +%d%%", pct)}
	case pct <= -5:
		return Trend{Dir: -1, Percent: pct, Label: fmt.Sprintf("▼ −%d%%", -pct)}
	}
	return Trend{Percent: pct, Label: "≈ без изменений"}
}

// prepared returns the briefing as the writers show it: pseudonymised when
// asked, with the unresolved list oldest first. b itself is not changed.
func prepared(b Briefing) Briefing {
	out := b
	out.Unresolved = append([]UnresolvedItem(nil), b.Unresolved...)
	sort.SliceStable(out.Unresolved, func(i, j int) bool { return out.Unresolved[i].Created.Before(out.Unresolved[j].Created) })
	if !b.Pseudonymise {
		return out
	}
	p := newPseudonymiser()
	out.Groups = make([]Cluster, len(b.Groups))
	for i, c := range b.Groups {
		c.Quotes = append([]Quote(nil), c.Quotes...)
		for k := range c.Quotes {
			q := &c.Quotes[k]
			q.Text = p.text(q.Text, q.Author)
			q.Author = p.name(q.Author)
		}
		c.Representative = p.text(c.Representative, "")
		c.Members = nil // names of every member are not needed in a document
		out.Groups[i] = c
	}
	out.Shortlist = make([]ShortItem, len(b.Shortlist))
	for i, s := range b.Shortlist {
		s.Quotes = append([]string(nil), s.Quotes...)
		for k := range s.Quotes {
			s.Quotes[k] = p.text(s.Quotes[k], "")
		}
		out.Shortlist[i] = s
	}
	for i := range out.Unresolved {
		u := &out.Unresolved[i]
		u.Text = p.text(u.Text, u.Author)
		u.Author = p.name(u.Author)
	}
	out.AnnouncementQuestions = make([]Item, len(b.AnnouncementQuestions))
	for i, it := range b.AnnouncementQuestions {
		it.Text = p.text(it.Text, it.Author)
		it.Author = p.name(it.Author)
		out.AnnouncementQuestions[i] = it
	}
	return out
}

// pseudonymiser gives every resident one stable pseudonym per document.
type pseudonymiser struct {
	names map[string]string
	n     int
}

func newPseudonymiser() *pseudonymiser { return &pseudonymiser{names: map[string]string{}} }

// name returns «Житель N» or «Жительница N» for a resident's display name,
// the same one every time. Gender is guessed from Russian patronymics,
// surnames and first names; when unsure the masculine, which Russian uses
// as the neutral form, is used.
func (p *pseudonymiser) name(author string) string {
	key := strings.ToLower(strings.Join(strings.Fields(author), " "))
	if key == "" {
		return ""
	}
	if s, ok := p.names[key]; ok {
		return s
	}
	p.n++
	s := fmt.Sprintf("Житель %d", p.n)
	if feminine(author) {
		s = fmt.Sprintf("Жительница %d", p.n)
	}
	p.names[key] = s
	return s
}

// masculine first names ending in -а/-я.
var masculineA = setOf("никита илья фома кузьма лука савва данила гаврила миша саша женя ваня петя вова дима коля толя витя паша лёша леша серёжа сережа гоша слава")

func feminine(name string) bool {
	words := strings.Fields(strings.ToLower(strings.ReplaceAll(name, "ё", "е")))
	fem, masc := 0, 0
	for i, w := range words {
		w = strings.Trim(w, ".,")
		switch {
		case strings.HasSuffix(w, "овна") || strings.HasSuffix(w, "евна") || strings.HasSuffix(w, "ична") || strings.HasSuffix(w, "инична"):
			fem += 3
		case strings.HasSuffix(w, "ович") || strings.HasSuffix(w, "евич") || strings.HasSuffix(w, "ич") && utf8.RuneCountInString(w) > 5:
			masc += 3
		case strings.HasSuffix(w, "ова") || strings.HasSuffix(w, "ева") || strings.HasSuffix(w, "ина") || strings.HasSuffix(w, "ына") || strings.HasSuffix(w, "ская") || strings.HasSuffix(w, "цкая"):
			fem += 2
		case strings.HasSuffix(w, "ов") || strings.HasSuffix(w, "ев") || strings.HasSuffix(w, "ин") || strings.HasSuffix(w, "ын") || strings.HasSuffix(w, "ский") || strings.HasSuffix(w, "цкий"):
			masc += 2
		case i == 0 && (strings.HasSuffix(w, "а") || strings.HasSuffix(w, "я")) && !masculineA[w]:
			fem++
		case i == 0 && utf8.RuneCountInString(w) > 2:
			masc++
		}
	}
	return fem > masc
}

var (
	phoneRe = regexp.MustCompile(`(?:\+7|\b8)[\s\-]*\(?\d{3,5}\)?[\s\-]*\d{1,3}[\s\-]*\d{2}[\s\-]*\d{2}\b`)
	emailRe = regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.-]+`)
	// «меня зовут Ольга Петрова», «с уважением, Иванов И. И.», «пишет Мария»
	introRe = regexp.MustCompile(`([Мм]еня зовут|[Мм]оя фамилия|[Сс] уважением,?|[Пп]ишет вам|[Оо]бращается|[Яя],)\s+((?:[А-ЯЁ][а-яё]+|[А-ЯЁ]\.)(?:\s+(?:[А-ЯЁ][а-яё]+|[А-ЯЁ]\.)){0,2})`)
)

// text masks personal data in a quoted text: phones, e-mails, names that
// follow a self-introduction, and the author's own name wherever it occurs.
func (p *pseudonymiser) text(s, author string) string {
	s = phoneRe.ReplaceAllString(s, "[телефон скрыт]")
	s = emailRe.ReplaceAllString(s, "[e-mail скрыт]")
	s = introRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := introRe.FindStringSubmatch(m)
		repl := "[имя скрыто]"
		if author != "" && sameName(sub[2], author) {
			repl = p.name(author)
		}
		return sub[1] + " " + repl
	})
	if author != "" {
		for _, part := range strings.Fields(author) {
			part = strings.Trim(part, ".,")
			if utf8.RuneCountInString(part) < 3 {
				continue
			}
			s = replaceWordPrefix(s, part, p.name(author))
		}
	}
	return s
}

// sameName reports whether a name found in a text is the author's own.
func sameName(found, author string) bool {
	for _, a := range strings.Fields(strings.ToLower(author)) {
		for _, f := range strings.Fields(strings.ToLower(found)) {
			if utf8.RuneCountInString(a) >= 3 && strings.HasPrefix(f, stemName(a)) {
				return true
			}
		}
	}
	return false
}

// stemName drops a case ending so that «Петровой» matches «Петрова».
func stemName(w string) string {
	rs := []rune(w)
	if len(rs) > 4 {
		return string(rs[:len(rs)-1])
	}
	return w
}

// replaceWordPrefix replaces capitalised whole words starting with the name
// (in any case ending) by repl. Lower-case words are left alone: a resident
// called Надежда or Вера must not blank out «надежда» and «вера» in a text.
func replaceWordPrefix(s, name, repl string) string {
	stem := []rune(strings.ToLower(stemName(name)))
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if (i == 0 || !unicode.IsLetter(rs[i-1])) && unicode.IsUpper(rs[i]) && hasPrefixFold(rs[i:], stem) {
			j := i + len(stem)
			for j < len(rs) && unicode.IsLetter(rs[j]) && j-i-len(stem) < 3 {
				j++
			}
			if j == len(rs) || !unicode.IsLetter(rs[j]) {
				b.WriteString(repl)
				i = j
				continue
			}
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

func hasPrefixFold(rs, prefix []rune) bool {
	if len(rs) < len(prefix) {
		return false
	}
	for k, r := range prefix {
		if unicode.ToLower(rs[k]) != r {
			return false
		}
	}
	return true
}
