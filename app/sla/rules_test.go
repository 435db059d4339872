package sla

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"otklik/assets"
	"otklik/data"
)

func TestDefaultRules(t *testing.T) {
	rs := DefaultRules()
	if err := rs.Validate(); err != nil {
		t.Fatalf("shipped rules invalid: %v", err)
	}
	for _, r := range rs {
		if r.Note == "" {
			t.Errorf("rule %s/%s has no note explaining the norm", r.Platform, r.Category)
		}
	}
	rs[0].Answer = 1
	if DefaultRules()[0].Answer == 1 {
		t.Error("DefaultRules shares its slice between callers")
	}
	// What Настройки saves must read back the same.
	var buf bytes.Buffer
	if err := DefaultRules().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ParseRules(&buf)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, buf.String())
	}
	if len(back) != len(DefaultRules()) {
		t.Fatalf("round trip: %d rules, want %d", len(back), len(DefaultRules()))
	}
	for i, r := range DefaultRules() {
		if back[i] != r {
			t.Errorf("rule %d: %+v, want %+v", i+1, back[i], r)
		}
	}
}

func TestMatch(t *testing.T) {
	rs := Rules{
		{Answer: Duration(8 * time.Hour), AnswerUnit: WorkingHours, Note: "default"},
		{Category: "roads", Answer: Duration(5 * day), AnswerUnit: WorkingDays, Note: "roads"},
		{Platform: data.POS, Answer: Duration(30 * day), AnswerUnit: CalendarDays, Note: "pos"},
		{Platform: data.POS, Category: "roads", Answer: Duration(10 * day), AnswerUnit: WorkingDays, Note: "pos roads"},
		{Platform: data.VK, Category: "emergency", Answer: Duration(time.Hour), AnswerUnit: WorkingHours, Note: "vk emergency"},
	}
	tests := []struct {
		platform data.Platform
		category string
		want     string
	}{
		{data.VK, "", "default"},
		{data.VK, "schools", "default"},
		{data.VK, "roads", "roads"},
		{data.POS, "", "pos"},
		{data.POS, "schools", "pos"},
		{data.POS, "roads", "pos roads"},
		{data.VK, "emergency", "vk emergency"},
		{data.Telegram, "emergency", "default"},
		{data.OK, "roads", "roads"},
	}
	for _, tt := range tests {
		r, ok := rs.Match(tt.platform, tt.category)
		if !ok || r.Note != tt.want {
			t.Errorf("Match(%s, %q) = %q, want %q", tt.platform, tt.category, r.Note, tt.want)
		}
	}
	// The order of rules in the file must not matter.
	reversed := make(Rules, len(rs))
	for i, r := range rs {
		reversed[len(rs)-1-i] = r
	}
	for _, tt := range tests {
		if r, _ := reversed.Match(tt.platform, tt.category); r.Note != tt.want {
			t.Errorf("reversed Match(%s, %q) = %q, want %q", tt.platform, tt.category, r.Note, tt.want)
		}
	}
	if _, ok := (Rules{{Category: "roads", Answer: 1}}).Match(data.VK, "schools"); ok {
		t.Error("matched with no applicable rule")
	}
}

func TestValidateRules(t *testing.T) {
	def := `{"first_response":"4h","answer":"8h","answer_unit":"working_hours"}`
	bad := map[string]string{
		"no default":         `{"rules":[{"platform":"vk","first_response":"4h","answer":"8h","answer_unit":"working_hours"}]}`,
		"unknown platform":   `{"rules":[` + def + `,{"platform":"max","answer":"8h","answer_unit":"working_hours"}]}`,
		"duplicate":          `{"rules":[` + def + `,` + def + `]}`,
		"no deadline":        `{"rules":[{"answer_unit":"working_hours"}]}`,
		"bad unit":           `{"rules":[{"first_response":"4h","answer":"8h","answer_unit":"hours"}]}`,
		"answer needs unit":  `{"rules":[{"first_response":"4h","answer":"8h"}]}`,
		"part days":          `{"rules":[{"first_response":"4h","answer":"36h","answer_unit":"working_days"}]}`,
		"seconds":            `{"rules":[{"first_response":"4h30s","answer":"8h","answer_unit":"working_hours"}]}`,
		"negative":           `{"rules":[{"first_response":"-4h","answer":"8h","answer_unit":"working_hours"}]}`,
		"too long":           `{"rules":[{"first_response":"4h","answer":"400d","answer_unit":"calendar_days"}]}`,
		"spaces in category": `{"rules":[` + def + `,{"category":" roads","answer":"8h","answer_unit":"working_hours"}]}`,
		"number duration":    `{"rules":[{"first_response":4,"answer":"8h","answer_unit":"working_hours"}]}`,
		"words":              `{"rules":[{"first_response":"четыре часа","answer":"8h","answer_unit":"working_hours"}]}`,
		"unknown field":      `{"rules":[` + def + `],"extra":true}`,
		"not json":           `rules: []`,
	}
	for name, in := range bad {
		if _, err := ParseRules(strings.NewReader(in)); err == nil {
			t.Errorf("%s: ParseRules succeeded, want an error", name)
		}
	}
	if _, err := ParseRules(strings.NewReader(`{"rules":[` + def + `]}`)); err != nil {
		t.Errorf("minimal rules: %v", err)
	}
}

func TestDurationText(t *testing.T) {
	for in, want := range map[string]Duration{
		"4h": Duration(4 * time.Hour), "90m": Duration(90 * time.Minute), "1h30m": Duration(90 * time.Minute),
		"30d": Duration(30 * day), "": 0, "0": 0, "45s": Duration(45 * time.Second),
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
		back, err := ParseDuration(got.String())
		if err != nil || back != got {
			t.Errorf("String() of %q = %q does not parse back", in, got.String())
		}
	}
	for d, want := range map[Duration]string{Duration(4 * time.Hour): "4h", Duration(90 * time.Minute): "1h30m", Duration(30 * day): "30d", Duration(45 * time.Second): "45s", 0: "0"} {
		if got := d.String(); got != want {
			t.Errorf("String(%v) = %q, want %q", time.Duration(d), got, want)
		}
	}
}

func TestDeadlines(t *testing.T) {
	c := defaultClock()
	rs := DefaultRules()
	tests := []struct {
		name          string
		platform      data.Platform
		category      string
		created       time.Time
		first, answer time.Time
	}{
		{"VK comment Monday morning", data.VK, "", at(2025, 11, 24, 10, 0), at(2025, 11, 24, 14, 0), at(2025, 11, 24, 18, 0)},
		{"Telegram late Friday", data.Telegram, "", at(2025, 11, 28, 20, 0), at(2025, 12, 1, 13, 0), at(2025, 12, 1, 17, 0)},
		{"safety on the New Year eve", data.VK, "safety", at(2025, 12, 30, 17, 30), at(2026, 1, 12, 9, 30), at(2026, 1, 12, 12, 30)},
		{"roads: five working days", data.OK, "roads", at(2025, 10, 29, 11, 0), at(2025, 10, 29, 15, 0), at(2025, 11, 6, 18, 0)},
		{"ПОС: a working day, 30 calendar days", data.POS, "roads", at(2025, 12, 5, 10, 0), at(2025, 12, 8, 18, 0), at(2026, 1, 12, 18, 0)},
		{"ПОС from a laptop in UTC", data.POS, "", time.Date(2025, 11, 24, 22, 0, 0, 0, time.UTC), at(2025, 11, 26, 18, 0), at(2025, 12, 25, 18, 0)},
		{"zero created", data.VK, "", time.Time{}, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, answer := c.Deadlines(rs, tt.platform, tt.category, tt.created)
			if !first.Equal(tt.first) || !answer.Equal(tt.answer) {
				t.Errorf("Deadlines = %v, %v; want %v, %v", first.In(msk), answer.In(msk), tt.first, tt.answer)
			}
		})
	}
	// A rule with only an answer deadline leaves the first response zero.
	only := Rules{{Answer: Duration(2 * day), AnswerUnit: WorkingDays}}
	first, answer := c.Deadlines(only, data.VK, "", at(2025, 11, 24, 10, 0))
	if !first.IsZero() || !answer.Equal(at(2025, 11, 26, 18, 0)) {
		t.Errorf("answer-only rule: %v, %v", first, answer)
	}
}

func FuzzParseRules(f *testing.F) {
	b, err := assets.FS.ReadFile("sla_rules.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"rules":[{"answer":"1d","answer_unit":"working_days"}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		rs, err := ParseRules(bytes.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := rs.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ParseRules(&buf)
		if err != nil {
			t.Fatalf("own output does not parse: %v", err)
		}
		if len(back) != len(rs) {
			t.Fatalf("round trip lost rules")
		}
		for i := range rs {
			if back[i] != rs[i] {
				t.Fatalf("rule %d changed: %+v → %+v", i, rs[i], back[i])
			}
		}
	})
}
