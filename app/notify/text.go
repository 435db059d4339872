package notify

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dustin/go-humanize/english"

	"otklik/app/sla"
	"otklik/data"
)

var platformNames = map[data.Platform][2]string{ // ru, en
	data.VK:       {"ВКонтакте", "VK"},
	data.Telegram: {"Telegram", "Telegram"},
	data.OK:       {"Одноклассники", "Odnoklassniki"},
	data.POS:      {"Госуслуги. Решаем вместе", "Gosuslugi. Reshaem Vmeste"},
}

// threshold order by urgency: a missing first reaction is the worst.
var severity = map[string]int{OverdueFirst: 0, OverdueAnswer: 1, SoonFirst: 2, SoonAnswer: 3}

var titles = map[string][2]string{
	OverdueFirst:  {"Просрочен первый ответ", "First response overdue"},
	OverdueAnswer: {"Просрочен ответ", "Reply overdue"},
	SoonFirst:     {"Скоро срок первого ответа", "First response due soon"},
	SoonAnswer:    {"Скоро срок ответа", "Reply due soon"},
}

var kindNames = map[string][2]string{
	OverdueFirst:  {"Первый ответ", "First response"},
	SoonFirst:     {"Первый ответ", "First response"},
	OverdueAnswer: {"Ответ", "Reply"},
	SoonAnswer:    {"Ответ", "Reply"},
}

var monthsGenitive = [...]string{"", "января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

func isOverdue(threshold string) bool { return threshold == OverdueFirst || threshold == OverdueAnswer }

// compose turns the thresholds crossed in one check into one notification:
// a specific one for a single message, a summary for several.
func compose(lang string, events []event, total Counts, now time.Time, loc *time.Location) (title, body string) {
	li := 0
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		li = 1
	}
	byMsg := map[int64][]event{}
	var order []int64
	for _, e := range events {
		if _, seen := byMsg[e.due.MessageID]; !seen {
			order = append(order, e.due.MessageID)
		}
		byMsg[e.due.MessageID] = append(byMsg[e.due.MessageID], e)
	}
	for _, id := range order {
		sort.SliceStable(byMsg[id], func(i, j int) bool {
			return severity[byMsg[id][i].threshold] < severity[byMsg[id][j].threshold]
		})
	}
	if len(order) == 1 {
		return single(li, byMsg[order[0]], now, loc)
	}

	var overdue, soon []Due
	for _, id := range order {
		evs := byMsg[id]
		if isOverdue(evs[0].threshold) {
			overdue = append(overdue, evs[0].due)
		} else {
			soon = append(soon, evs[0].due)
		}
	}
	var lines []string
	if len(overdue) > 0 {
		n := len(overdue)
		if li == 1 {
			lines = append(lines, fmt.Sprintf("%d %s overdue", n, english.PluralWord(n, "message", ""))+districtPart(li, overdue))
		} else {
			lines = append(lines, fmt.Sprintf("%d %s %s", n, sla.PluralRU(n, "обращение", "обращения", "обращений"),
				sla.PluralRU(n, "просрочено", "просрочены", "просрочено"))+districtPart(li, overdue))
		}
	}
	if len(soon) > 0 {
		n := len(soon)
		if li == 1 {
			lines = append(lines, fmt.Sprintf("%d %s due soon", n, english.PluralWord(n, "message", ""))+districtPart(li, soon))
		} else {
			lines = append(lines, fmt.Sprintf("Скоро срок: %d %s", n, sla.PluralRU(n, "обращение", "обращения", "обращений"))+districtPart(li, soon))
		}
	}
	if total.Overdue > len(overdue) && len(overdue) > 0 {
		if li == 1 {
			lines = append(lines, fmt.Sprintf("Overdue in all: %d", total.Overdue))
		} else {
			lines = append(lines, fmt.Sprintf("Всего просрочено: %d", total.Overdue))
		}
	}
	switch {
	case len(overdue) > 0 && li == 1:
		title = "Overdue messages"
	case len(overdue) > 0:
		title = "Просроченные обращения"
	case li == 1:
		title = "Replies due soon"
	default:
		title = "Скоро сроки ответов"
	}
	return title, strings.Join(lines, "\n")
}

// single describes one message: the most urgent threshold in the title, the
// platform and arrival time, then one line per deadline crossed.
func single(li int, evs []event, now time.Time, loc *time.Location) (title, body string) {
	d := evs[0].due
	title = titles[evs[0].threshold][li]
	if d.District != "" {
		title += ": " + d.District
	}
	var lines []string
	head := platformNames[d.Platform][li]
	if head == "" {
		head = string(d.Platform)
	}
	if !d.Created.IsZero() {
		c := d.Created.In(loc)
		if li == 1 {
			head += " · received " + c.Format("2 Jan, 15:04")
		} else {
			head += fmt.Sprintf(" · поступило %d %s в %s", c.Day(), monthsGenitive[c.Month()], c.Format("15:04"))
		}
	}
	lines = append(lines, head)
	lang := "ru"
	if li == 1 {
		lang = "en"
	}
	for _, e := range evs {
		lines = append(lines, kindNames[e.threshold][li]+": "+sla.FormatLeft(lang, e.deadline, now))
	}
	return title, strings.Join(lines, "\n")
}

// districtPart names the district with the most messages: «, 3 — в Рославле»,
// «, все — в Рославле». Nothing when no district has two or more.
func districtPart(li int, ds []Due) string {
	count := map[string]int{}
	in := map[string]string{}
	for _, d := range ds {
		if d.District == "" {
			continue
		}
		count[d.District]++
		if d.DistrictIn != "" {
			in[d.District] = d.DistrictIn
		}
	}
	top, n := "", 0
	for name, c := range count {
		if c > n || (c == n && name < top) {
			top, n = name, c
		}
	}
	if n < 2 {
		return ""
	}
	if li == 1 {
		if n == len(ds) {
			return ", all in " + top
		}
		return fmt.Sprintf(", %d in %s", n, top)
	}
	where := in[top]
	if where == "" {
		where = top
	}
	if n == len(ds) {
		return ", все — " + where
	}
	return fmt.Sprintf(", %d — %s", n, where)
}
