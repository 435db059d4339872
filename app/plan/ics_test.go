package plan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"otklik/data"
)

type icsProp struct {
	name, params, value string
}

type icsComponent struct {
	name  string
	props []icsProp
	subs  []*icsComponent
}

func (c *icsComponent) get(name string) (icsProp, bool) {
	for _, p := range c.props {
		if p.name == name {
			return p, true
		}
	}
	return icsProp{}, false
}

// parseICS is a small strict RFC 5545 reader: CRLF only, every physical line
// at most 75 octets of valid UTF-8, folding unfolded, BEGIN/END balanced and
// the required properties present.
func parseICS(b []byte) (*icsComponent, error) {
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		return nil, errors.New("the file does not end with CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("line %d: bare CR or LF", i+1)
		}
		if len(l) > ICSLineOctets {
			return nil, fmt.Errorf("line %d: %d octets", i+1, len(l))
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("line %d: invalid UTF-8 (a character split by folding?)", i+1)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				return nil, errors.New("continuation before the first line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var stack []*icsComponent
	var root *icsComponent
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("no colon in %q", l)
		}
		name, params, _ := strings.Cut(head, ";")
		for _, r := range value {
			if r < 0x20 && r != '\t' || r == 0x7f {
				return nil, fmt.Errorf("%s: control character in value", name)
			}
		}
		switch name {
		case "BEGIN":
			c := &icsComponent{name: value}
			if len(stack) > 0 {
				stack[len(stack)-1].subs = append(stack[len(stack)-1].subs, c)
			} else if root != nil {
				return nil, errors.New("two top-level components")
			} else {
				root = c
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != value {
				return nil, fmt.Errorf("END:%s does not match", value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, fmt.Errorf("%s outside a component", name)
			}
			c := stack[len(stack)-1]
			c.props = append(c.props, icsProp{name, params, value})
		}
	}
	if len(stack) != 0 || root == nil || root.name != "VCALENDAR" {
		return nil, errors.New("unbalanced BEGIN/END or no VCALENDAR")
	}
	required := map[string][]string{
		"VCALENDAR": {"PRODID", "VERSION"},
		"VTIMEZONE": {"TZID"},
		"STANDARD":  {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
		"VEVENT":    {"UID", "DTSTAMP", "DTSTART", "DURATION", "SUMMARY", "STATUS"},
	}
	uids := map[string]bool{}
	var check func(c *icsComponent) error
	check = func(c *icsComponent) error {
		for _, p := range required[c.name] {
			if _, ok := c.get(p); !ok {
				return fmt.Errorf("%s lacks %s", c.name, p)
			}
		}
		if c.name == "VEVENT" {
			u, _ := c.get("UID")
			if uids[u.value] {
				return fmt.Errorf("UID %s twice", u.value)
			}
			uids[u.value] = true
		}
		for _, s := range c.subs {
			if err := check(s); err != nil {
				return err
			}
		}
		return nil
	}
	return root, check(root)
}

func unescapeICS(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n")
	return r.Replace(s)
}

func icsScenario() ([]data.CalendarItem, map[int64]data.Account, time.Time) {
	now := msk(2026, 12, 3, 10, 0)
	accounts := map[int64]data.Account{
		1: {ID: 1, Platform: data.VK, Name: "Губернатор Смоленской области"},
		2: {ID: 2, Platform: data.Telegram, Name: "Губернатор Смоленской области"},
	}
	items := []data.CalendarItem{
		{ID: 12, AccountID: 1, Kind: "live", Title: "Прямой эфир с Рудней: дороги, школа, газ", District: "rudnya",
			Text:      "Собираем вопросы заранее; пишите в комментариях, что волнует больше всего.\nОтвечу на самые частые, а по остальным — письменно, в течение недели.",
			PlannedAt: msk(2026, 12, 10, 18, 0), Status: "approved", Approver: "Пресс-секретарь"},
		{ID: 11, AccountID: 1, Kind: "photo", Title: "Каток в Сафонове", Text: `Открыли каток; вход свободный, прокат — 100 ₽. Путь: C:\катки\сафоново`,
			District: "safonovo", PlannedAt: msk(2026, 12, 5, 12, 30), Status: "draft"},
		{ID: 10, AccountID: 2, Kind: "post", Title: "Итоги недели", PlannedAt: msk(2026, 12, 6, 20, 0), Status: "skipped"},
		{ID: 9, AccountID: 1, Kind: "post", Title: "Ремонт моста в Вязьме", PlannedAt: msk(2026, 12, 1, 12, 0),
			PublishedAt: msk(2026, 12, 1, 12, 7), Status: "published", District: "vyazma"},
		{ID: 8, AccountID: 1, Kind: "post", Title: "Идея без даты", Status: "idea"},
	}
	return items, accounts, now
}

func TestWriteICSGolden(t *testing.T) {
	items, accounts, now := icsScenario()
	var buf bytes.Buffer
	if err := WriteICS(&buf, items, accounts, now); err != nil {
		t.Fatal(err)
	}
	cal, err := parseICS(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var events []*icsComponent
	for _, c := range cal.subs {
		if c.name == "VEVENT" {
			events = append(events, c)
		}
	}
	if len(events) != 4 {
		t.Fatalf("want 4 events (the idea without a date is left out), got %d", len(events))
	}
	want := []struct{ uid, start, dur, status string }{
		{"item-9@" + UIDDomain, "20261201T120700", "PT15M", "CONFIRMED"}, // published: its real time
		{"item-11@" + UIDDomain, "20261205T123000", "PT15M", "TENTATIVE"},
		{"item-10@" + UIDDomain, "20261206T200000", "PT15M", "CANCELLED"},
		{"item-12@" + UIDDomain, "20261210T180000", "PT1H", "CONFIRMED"},
	}
	for i, w := range want {
		e := events[i]
		uid, _ := e.get("UID")
		st, _ := e.get("DTSTART")
		dur, _ := e.get("DURATION")
		status, _ := e.get("STATUS")
		if uid.value != w.uid || st.value != w.start || st.params != "TZID=Europe/Moscow" || dur.value != w.dur || status.value != w.status {
			t.Errorf("event %d: %s %s;%s %s %s", i, uid.value, st.value, st.params, dur.value, status.value)
		}
	}
	desc, _ := events[1].get("DESCRIPTION")
	if got := unescapeICS(desc.value); !strings.HasPrefix(got, items[1].Text+"\n\nАккаунт: ВК · Губернатор Смоленской области\nСтатус: черновик\nМуниципалитет: Сафоново") {
		t.Errorf("description round trip: %q", got)
	}
	name, _ := cal.get("X-WR-CALNAME")
	if unescapeICS(name.value) != "Отклик — контент-план" {
		t.Errorf("calendar name %q", name.value)
	}
	golden(t, "plan.ics", buf.String())
}

func TestWriteICSStable(t *testing.T) {
	items, accounts, now := icsScenario()
	var a, b bytes.Buffer
	if err := WriteICS(&a, items, accounts, now); err != nil {
		t.Fatal(err)
	}
	rev := append([]data.CalendarItem(nil), items...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if err := WriteICS(&b, rev, accounts, now); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error("output depends on input order")
	}
	err := WriteICS(&b, []data.CalendarItem{{Title: "Без id", PlannedAt: now}}, nil, now)
	if err == nil || !strings.Contains(err.Error(), "no id") {
		t.Errorf("want an error for an item without id, got %v", err)
	}
}

func TestFoldLine(t *testing.T) {
	cases := []string{
		strings.Repeat("я", 100),                    // 2-byte runes: a fold must not split one
		"SUMMARY:" + strings.Repeat("a", 67),        // exactly 75
		"SUMMARY:" + strings.Repeat("a", 68),        // 76
		"X:" + strings.Repeat("😀", 40),              // 4-byte runes
		"X:" + strings.Repeat("a", 72) + "€" + "bc", // a 3-byte rune across the boundary
	}
	for _, c := range cases {
		var buf bytes.Buffer
		w := bufioWriter(&buf)
		foldLine(w, c)
		w.Flush()
		out := buf.String()
		var joined strings.Builder
		for i, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > ICSLineOctets || !utf8.ValidString(l) {
				t.Errorf("line %d of %q: %d octets, valid %v", i, c[:10], len(l), utf8.ValidString(l))
			}
			if i > 0 {
				l = strings.TrimPrefix(l, " ")
			}
			joined.WriteString(l)
		}
		if joined.String() != c {
			t.Errorf("unfolding does not restore %q", c)
		}
	}
}

func FuzzWriteICS(f *testing.F) {
	f.Add("Прямой эфир с Рудней", "Текст; с запятыми, \\ и\nпереносами", "live", "rudnya")
	f.Add(strings.Repeat("ё", 80), "\r\n\x00\x7f\xff", "post", "")
	f.Fuzz(func(t *testing.T, title, text, kind, district string) {
		now := msk(2026, 12, 3, 10, 0)
		items := []data.CalendarItem{{ID: 1, AccountID: 1, Kind: kind, Title: title, Text: text, District: district, PlannedAt: now, Status: "draft"}}
		var buf bytes.Buffer
		if err := WriteICS(&buf, items, map[int64]data.Account{1: {ID: 1, Platform: data.VK, Name: title}}, now); err != nil {
			t.Fatal(err)
		}
		cal, err := parseICS(buf.Bytes())
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		var ev *icsComponent
		for _, c := range cal.subs {
			if c.name == "VEVENT" {
				ev = c
			}
		}
		if ev == nil {
			t.Fatal("no event")
		}
		desc, _ := ev.get("DESCRIPTION")
		got := unescapeICS(desc.value)
		if want := strings.TrimSpace(text); want != "" && utf8.ValidString(want) && !strings.ContainsFunc(want, func(r rune) bool { return r < 0x20 || r == 0x7f }) &&
			!strings.HasPrefix(got, want) {
			t.Fatalf("description does not round-trip: %q vs %q", got, want)
		}
	})
}

func BenchmarkWriteICS(b *testing.B) {
	_, accounts, now := icsScenario()
	var items []data.CalendarItem
	for i := 0; i < 1000; i++ {
		items = append(items, data.CalendarItem{ID: int64(i + 1), AccountID: 1 + int64(i%2), Kind: []string{"post", "photo", "live"}[i%3],
			Title: "Публикация про Смоленскую область", Text: strings.Repeat("Живой текст губернатора, с запятыми; и переносами.\n", 5),
			PlannedAt: now.Add(time.Duration(i) * time.Hour), Status: "approved", District: "rudnya"})
	}
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteICS(&buf, items, accounts, now); err != nil {
			b.Fatal(err)
		}
	}
}

func bufioWriter(w *bytes.Buffer) *bufio.Writer { return bufio.NewWriter(w) }
