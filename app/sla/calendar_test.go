package sla

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"otklik/assets"
)

func TestEmbeddedCalendarYears(t *testing.T) {
	c := DefaultCalendar()
	if got, want := c.Years(), []int{2025, 2026, 2027}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Years() = %v, want %v", got, want)
	}
	for year, status := range map[int]string{2025: StatusOfficial, 2026: StatusOfficial, 2027: StatusProvisional} {
		y, ok := c.Year(year)
		if !ok || y.Status != status || y.Source == "" {
			t.Errorf("%d: status %q source %q, want %q with a source", year, y.Status, y.Source, status)
		}
	}
}

// Until the 2027 decree is loaded, the shipped year must be exactly what the
// Labour Code rules give, so the file and the fallback never disagree.
func TestProvisional2027MatchesLabourCode(t *testing.T) {
	shipped, _ := DefaultCalendar().Year(2027)
	if want := FixedHolidays(2027); !reflect.DeepEqual(shipped.Days, want.Days) {
		t.Errorf("calendar_ru_2027.json days differ from FixedHolidays(2027):\n got %v\nwant %v", shipped.Days, want.Days)
	}
}

func TestCalendarDay(t *testing.T) {
	c := DefaultCalendar()
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, msk) }
	tests := []struct {
		date                    time.Time
		working, short, holiday bool
	}{
		{d(2025, 1, 1), false, false, true},
		{d(2025, 1, 4), false, false, true}, // a Saturday holiday stays a holiday
		{d(2025, 1, 9), true, false, false},
		{d(2025, 2, 24), true, false, false}, // 23 Feb (Sunday) was moved by the decree to 8 May, not here
		{d(2025, 3, 7), true, true, false},
		{d(2025, 5, 2), false, false, false},
		{d(2025, 5, 8), false, false, false},
		{d(2025, 6, 13), false, false, false},
		{d(2025, 11, 1), true, true, false},
		{d(2025, 11, 3), false, false, false},
		{d(2025, 11, 4), false, false, true},
		{d(2025, 12, 30), true, false, false},
		{d(2025, 12, 31), false, false, false},
		{d(2026, 1, 9), false, false, false},
		{d(2026, 3, 9), false, false, false},
		{d(2026, 5, 8), true, true, false},
		{d(2026, 5, 11), false, false, false},
		{d(2026, 12, 31), false, false, false},
		{d(2027, 12, 31), true, true, false},
		{d(2028, 5, 1), false, false, true}, // no data: Labour Code fallback
		{d(2028, 6, 12), false, false, true},
		{d(2028, 6, 13), true, false, false},
		{d(2030, 11, 4), false, false, true},
		{d(2030, 11, 5), true, false, false},
	}
	for _, tt := range tests {
		got := c.Day(tt.date)
		if got.Working != tt.working || got.Short != tt.short || got.Holiday != tt.holiday {
			t.Errorf("%s: %+v, want working=%v short=%v holiday=%v", tt.date.Format(time.DateOnly), got, tt.working, tt.short, tt.holiday)
		}
	}
}

func TestFixedHolidaysTransfers(t *testing.T) {
	// 2028: 1 May Monday, 9 May Tuesday, 12 June Monday, 4 November Saturday →
	// 6 November off and 3 November (the Friday before the holiday) short.
	y := FixedHolidays(2028)
	got := map[string]string{}
	for _, e := range y.Days {
		if e.Type != TypeHoliday {
			got[e.Date] = e.Type
		}
	}
	want := map[string]string{
		"2028-02-22": TypeShort, "2028-03-07": TypeShort, "2028-04-28": "", "2028-05-08": TypeShort,
		"2028-06-09": "", "2028-11-03": TypeShort, "2028-11-06": TypeOff, "2028-12-29": "",
	}
	for date, typ := range want {
		if got[date] != typ {
			t.Errorf("2028 %s: type %q, want %q", date, got[date], typ)
		}
	}
	if y.Status != StatusProvisional {
		t.Errorf("status %q, want provisional", y.Status)
	}
}

// The open-data table (CSV and JSON) must give the same calendar as the
// shipped files, day by day.
func TestParseOpenData(t *testing.T) {
	shipped := DefaultCalendar()
	for _, tt := range []struct {
		file string
		year int
	}{
		{"testdata/datagov_2025.csv", 2025},
		{"testdata/datagov_2026.json", 2026},
	} {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseCalendar(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if got := c.Years(); !reflect.DeepEqual(got, []int{tt.year}) {
			t.Fatalf("%s: years %v", tt.file, got)
		}
		for d := time.Date(tt.year, 1, 1, 0, 0, 0, 0, msk); d.Year() == tt.year; d = d.AddDate(0, 0, 1) {
			g, w := c.Day(d), shipped.Day(d)
			if g.Working != w.Working || g.Short != w.Short || g.Holiday != w.Holiday || g.Weekend != w.Weekend {
				t.Errorf("%s %s: %+v, want %+v", tt.file, d.Format(time.DateOnly), g, w)
			}
		}
	}
}

func TestParseSemicolonCSV(t *testing.T) {
	raw, err := os.ReadFile("testdata/datagov_2025.csv")
	if err != nil {
		t.Fatal(err)
	}
	semi := strings.ReplaceAll(strings.ReplaceAll(string(raw), `","`, `";"`), "\n", "\r\n")
	c, err := ParseCalendar(strings.NewReader("\ufeff" + semi))
	if err != nil {
		t.Fatalf("semicolon CSV with BOM: %v", err)
	}
	if d := c.Day(time.Date(2025, 11, 1, 0, 0, 0, 0, msk)); !d.Working || !d.Short {
		t.Errorf("1 Nov 2025 = %+v, want a short working day", d)
	}
}

// Each shipped file must round-trip through its own format unchanged, which
// also keeps the files in the canonical layout the importer accepts.
func TestOwnJSONRoundTrip(t *testing.T) {
	c := DefaultCalendar()
	var all []Year
	for _, n := range c.Years() {
		y, _ := c.Year(n)
		all = append(all, y)
	}
	b, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("re-parse: %v", err)
	}
	for _, n := range c.Years() {
		a, _ := c.Year(n)
		z, _ := back.Year(n)
		if !reflect.DeepEqual(a, z) {
			t.Errorf("%d changed in the round trip", n)
		}
	}
}

func TestParseCalendarErrors(t *testing.T) {
	tests := map[string]string{
		"empty":            "  ",
		"not a calendar":   "hello,world\n1,2\n",
		"unknown field":    `{"year":2025,"status":"official","days":[],"extra":1}`,
		"bad status":       `{"year":2025,"status":"draft","days":[]}`,
		"bad date":         `{"year":2025,"status":"official","days":[{"date":"2025-02-30","type":"holiday"}]}`,
		"other year":       `{"year":2025,"status":"official","days":[{"date":"2026-01-01","type":"holiday"}]}`,
		"duplicate":        `{"year":2025,"status":"official","days":[{"date":"2025-01-01","type":"holiday"},{"date":"2025-01-01","type":"off"}]}`,
		"bad type":         `{"year":2025,"status":"official","days":[{"date":"2025-01-01","type":"party"}]}`,
		"work on weekday":  `{"year":2025,"status":"official","days":[{"date":"2025-11-05","type":"work"}]}`,
		"off on weekend":   `{"year":2025,"status":"official","days":[{"date":"2025-11-02","type":"off"}]}`,
		"year twice":       `[{"year":2025,"status":"official","days":[]},{"year":2025,"status":"official","days":[]}]`,
		"year range":       `{"year":1900,"status":"official","days":[]}`,
		"trailing":         `{"year":2025,"status":"official","days":[]} {}`,
		"csv bad day":      "Год/Месяц,Январь,Февраль,Март,Апрель,Май,Июнь,Июль,Август,Сентябрь,Октябрь,Ноябрь,Декабрь\n2025,\"32\",,,,,,,,,,,\n",
		"csv day twice":    "Год/Месяц,Январь,Февраль,Март,Апрель,Май,Июнь,Июль,Август,Сентябрь,Октябрь,Ноябрь,Декабрь\n2025,\"1,1\",,,,,,,,,,,\n",
		"csv no month":     "Год/Месяц,Январь\n2025,1\n",
		"csv bad year":     "Год/Месяц,Январь,Февраль,Март,Апрель,Май,Июнь,Июль,Август,Сентябрь,Октябрь,Ноябрь,Декабрь\nдвадцать,,,,,,,,,,,,\n",
		"csv no rows":      "Год/Месяц,Январь,Февраль,Март,Апрель,Май,Июнь,Июль,Август,Сентябрь,Октябрь,Ноябрь,Декабрь\n",
		"open data object": `[{"Год/Месяц": "2025", "Январь": {"x": 1}}]`,
	}
	for name, in := range tests {
		if _, err := ParseCalendar(strings.NewReader(in)); err == nil {
			t.Errorf("%s: ParseCalendar succeeded, want an error", name)
		}
	}
}

func TestMergeReplacesYear(t *testing.T) {
	c := DefaultCalendar()
	official2027 := `{"year":2027,"status":"official","source":"test decree","days":[{"date":"2027-01-11","type":"off","name":"Выходной перенесён с 2 января"}]}`
	imp, err := ParseCalendar(strings.NewReader(official2027))
	if err != nil {
		t.Fatal(err)
	}
	c.Merge(imp)
	if y, _ := c.Year(2027); y.Status != StatusOfficial {
		t.Errorf("2027 status after merge %q, want official", y.Status)
	}
	if d := c.Day(time.Date(2027, 1, 11, 0, 0, 0, 0, msk)); d.Working {
		t.Error("11 Jan 2027 still working after importing the decree")
	}
	if y, _ := DefaultCalendar().Year(2027); y.Status != StatusProvisional {
		t.Error("merging into one copy changed the shipped default")
	}
}

func TestLoadCalendarNoFiles(t *testing.T) {
	if _, err := LoadCalendar(os.DirFS(t.TempDir())); err == nil {
		t.Error("LoadCalendar on an empty folder succeeded")
	}
}

func TestAssetsHaveCalendars(t *testing.T) {
	for _, name := range []string{"calendar_ru_2025.json", "calendar_ru_2026.json", "calendar_ru_2027.json", "sla_rules.json"} {
		if _, err := assets.FS.Open(name); err != nil {
			t.Errorf("assets: %v", err)
		}
	}
}

func FuzzParseCalendar(f *testing.F) {
	for _, name := range []string{"testdata/datagov_2025.csv", "testdata/datagov_2026.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, _ := assets.FS.ReadFile("calendar_ru_2025.json")
	f.Add(b)
	f.Add([]byte(`[{"year":2030,"status":"provisional","days":[{"date":"2030-05-06","type":"off"}]}]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ParseCalendar(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, n := range c.Years() {
			y, _ := c.Year(n)
			out, err := json.Marshal(y)
			if err != nil {
				t.Fatalf("marshal %d: %v", n, err)
			}
			back, err := ParseCalendar(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("own output does not parse: %v\n%s", err, out)
			}
			z, _ := back.Year(n)
			if !reflect.DeepEqual(y, z) {
				t.Fatalf("round trip changed year %d", n)
			}
		}
	})
}
