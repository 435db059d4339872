package plan

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	want := AccountRules{MinPostsPerWeek: 10, MinPostsPerDay: 1, MaxGap: 24 * time.Hour, MinMediaShare: 0.5,
		MinLivePerMonth: 1, LiveRotation: true, MentionEveryDays: 30}
	if r.Default != want {
		t.Errorf("defaults %+v, want %+v", r.Default, want)
	}
	if len(r.Municipalities) != 27 {
		t.Errorf("%d municipalities, want 27", len(r.Municipalities))
	}
	if m, ok := r.Municipality("rudnya"); !ok || m.Name != "Рудня" {
		t.Errorf("rudnya: %+v", m)
	}
	if len(r.Slots) != 4 || r.Slots[1] != 12*time.Hour+30*time.Minute || r.ApprovalLead != 24*time.Hour {
		t.Errorf("slots %v, lead %v", r.Slots, r.ApprovalLead)
	}
	r.Municipalities[0].Name = "изменено"
	if DefaultRules().Municipalities[0].Name == "изменено" {
		t.Error("DefaultRules hands out shared slices")
	}
}

func TestParseRules(t *testing.T) {
	r, err := ParseRules([]byte(`{
		"defaults": {"min_posts_per_week": 14, "max_gap_hours": 12.5},
		"accounts": {"3": {"min_media_share": 0, "live_rotation": false}, "5": {}},
		"slots": ["20:00", "8:30"],
		"approval_lead_hours": 48,
		"municipalities": [{"code": "rudnya", "name": "Рудня"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Default.MinPostsPerWeek != 14 || r.Default.MaxGap != 12*time.Hour+30*time.Minute || r.Default.MinMediaShare != 0.5 {
		t.Errorf("defaults %+v", r.Default)
	}
	a3, ok := r.For(3)
	if !ok || a3.MinMediaShare != 0 || a3.LiveRotation || a3.MinPostsPerWeek != 14 {
		t.Errorf("account 3 %+v: explicit 0/false switch off, the rest inherits", a3)
	}
	if _, ok := r.For(4); ok {
		t.Error("an unlisted account is tracked although accounts are listed")
	}
	if r.Slots[0] != 8*time.Hour+30*time.Minute || r.ApprovalLead != 48*time.Hour || r.Municipalities[0].NameEN != "Рудня" {
		t.Errorf("slots %v lead %v munis %+v", r.Slots, r.ApprovalLead, r.Municipalities)
	}
	bad := []struct{ json, want string }{
		{`{"defaults": {"min_posts_per_week": -1}}`, "min_posts_per_week"},
		{`{"defaults": {"max_gap_hours": 0.5}}`, "max_gap_hours"},
		{`{"defaults": {"min_media_share": 1.5}}`, "min_media_share"},
		{`{"defaults": {"mention_every_days": 400}}`, "mention_every_days"},
		{`{"defaults": {"min_live_per_month": 40}}`, "min_live_per_month"},
		{`{"defaults": {"min_posts_per_day": -2}}`, "min_posts_per_day"},
		{`{"defaults": {"min_post_per_week": 3}}`, "unknown field"},
		{`{"accounts": {"vk": {}}}`, "positive account id"},
		{`{"accounts": {"-3": {}}}`, "positive account id"},
		{`{"slots": ["25:00"]}`, "HH:MM"},
		{`{"slots": ["9:00", "09:00"]}`, "twice"},
		{`{"slots": []}`, "must not be empty"},
		{`{"approval_lead_hours": -1}`, "approval_lead_hours"},
		{`{"municipalities": [{"code": "a", "name": "А"}, {"code": "a", "name": "Б"}]}`, "twice"},
		{`{"municipalities": [{"code": "", "name": "А"}]}`, "code and a name"},
		{`{}`, "municipalities list"},
		{`{} {}`, "trailing"},
		{`[1]`, "plan rules"},
	}
	for _, b := range bad {
		_, err := ParseRules([]byte(b.json))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want it to mention %q", b.json, err, b.want)
		}
	}
	if _, err := ParseRules([]byte(`{"defaults": {"live_rotation": false, "mention_every_days": 0}}`)); err != nil {
		t.Errorf("rules without municipality rules need no list: %v", err)
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add(`{"defaults": {"min_posts_per_week": 14}, "municipalities": [{"code": "a", "name": "А"}]}`)
	f.Add(`{"accounts": {"1": {"max_gap_hours": 1}}, "slots": ["0:00"]}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRules([]byte(s))
		if err != nil {
			return
		}
		for _, a := range append([]AccountRules{r.Default}, func() []AccountRules {
			var out []AccountRules
			for _, v := range r.Accounts {
				out = append(out, v)
			}
			return out
		}()...) {
			if a.MinPostsPerWeek < 0 || a.MaxGap < 0 || a.MinMediaShare < 0 || a.MinMediaShare > 1 || (a.MaxGap > 0 && a.MaxGap < time.Hour) {
				t.Fatalf("invalid rules accepted: %+v", a)
			}
		}
		if len(r.Slots) == 0 {
			t.Fatal("no slots")
		}
	})
}
