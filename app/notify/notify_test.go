package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"otklik/app/sla"
	"otklik/data"
)

var msk = sla.Moscow()

func at(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, msk) }

// memSource is an in-memory Source; its marks outlive any one Watcher, as the
// store's do across a restart.
type memSource struct {
	mu       sync.Mutex
	items    []Due
	marks    map[string]time.Time
	markCall int
	err      error
}

func newSource(items ...Due) *memSource {
	return &memSource{items: items, marks: map[string]time.Time{}}
}

func (s *memSource) DueBefore(ctx context.Context, until time.Time) ([]Due, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	var out []Due
	for _, d := range s.items {
		if (!d.FirstResponseDue.IsZero() && d.FirstResponseDue.Before(until)) || (!d.AnswerDue.IsZero() && d.AnswerDue.Before(until)) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (s *memSource) MarkNotified(ctx context.Context, marks []Mark, at time.Time) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := make([]bool, len(marks))
	for i, m := range marks {
		s.markCall++
		key := fmt.Sprintf("%d|%s", m.MessageID, m.Threshold)
		if _, ok := s.marks[key]; ok {
			continue
		}
		s.marks[key] = at
		first[i] = true
	}
	return first, nil
}

func (s *memSource) add(d ...Due) {
	s.mu.Lock()
	s.items = append(s.items, d...)
	s.mu.Unlock()
}

type sent struct{ title, body string }

type fakeNotifier struct {
	mu   sync.Mutex
	got  []sent
	err  error
	sent chan struct{}
}

func (f *fakeNotifier) Notify(title, body string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.got = append(f.got, sent{title, body})
	if f.sent != nil {
		select {
		case f.sent <- struct{}{}:
		default:
		}
	}
	return nil
}

// take returns and forgets what was sent.
func (f *fakeNotifier) take() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.got
	f.got = nil
	return out
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type rig struct {
	src    *memSource
	n      *fakeNotifier
	clock  *fakeClock
	logs   *syncBuffer
	counts []Counts
	mu     sync.Mutex
}

func newRig(src *memSource) *rig {
	return &rig{src: src, n: &fakeNotifier{}, clock: &fakeClock{}, logs: &syncBuffer{}}
}

func (r *rig) watcher(opt Options) *Watcher {
	opt.Clock = r.clock.Now
	if opt.Location == nil {
		opt.Location = msk
	}
	opt.Logger = slog.New(slog.NewTextHandler(r.logs, nil))
	opt.OnChange = func(c Counts) { r.mu.Lock(); r.counts = append(r.counts, c); r.mu.Unlock() }
	return New(r.src, r.n, opt)
}

func (r *rig) lastCounts() Counts {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.counts) == 0 {
		return Counts{-1, -1}
	}
	return r.counts[len(r.counts)-1]
}

func roslavl(id int64, created, first, answer time.Time) Due {
	return Due{MessageID: id, District: "Рославль", DistrictIn: "в Рославле", Platform: data.VK,
		Created: created, FirstResponseDue: first, AnswerDue: answer}
}

func TestThresholdsOneByOne(t *testing.T) {
	r := newRig(newSource(roslavl(1, at(2025, 11, 24, 10, 0), at(2025, 11, 24, 14, 0), at(2025, 11, 24, 18, 0))))
	w := r.watcher(Options{})
	head := "ВКонтакте · поступило 24 ноября в 10:00\n"
	steps := []struct {
		now    time.Time
		want   []sent
		counts Counts
	}{
		{at(2025, 11, 24, 11, 0), nil, Counts{}},
		{at(2025, 11, 24, 13, 11), nil, Counts{}},
		{at(2025, 11, 24, 13, 12), []sent{{"Скоро срок первого ответа: Рославль", head + "Первый ответ: осталось 48 минут"}}, Counts{DueSoon: 1}},
		{at(2025, 11, 24, 13, 30), nil, Counts{DueSoon: 1}},
		{at(2025, 11, 24, 14, 5), []sent{{"Просрочен первый ответ: Рославль", head + "Первый ответ: просрочено на 5 минут"}}, Counts{Overdue: 1}},
		{at(2025, 11, 24, 15, 0), nil, Counts{Overdue: 1}},
		{at(2025, 11, 24, 16, 24), []sent{{"Скоро срок ответа: Рославль", head + "Ответ: остался 1 час 36 минут"}}, Counts{Overdue: 1}},
		{at(2025, 11, 24, 18, 1), []sent{{"Просрочен ответ: Рославль", head + "Ответ: просрочено на 1 минуту"}}, Counts{Overdue: 1}},
		{at(2025, 11, 25, 9, 0), nil, Counts{Overdue: 1}},
	}
	for _, s := range steps {
		r.clock.Set(s.now)
		if err := w.Check(context.Background()); err != nil {
			t.Fatalf("%v: Check: %v", s.now, err)
		}
		if got := r.n.take(); fmt.Sprint(got) != fmt.Sprint(s.want) {
			t.Errorf("%s: sent %q, want %q", s.now.Format("15:04"), got, s.want)
		}
		if got := w.Counts(); got != s.counts {
			t.Errorf("%s: counts %+v, want %+v", s.now.Format("15:04"), got, s.counts)
		}
		if got := r.lastCounts(); got != s.counts {
			t.Errorf("%s: OnChange last %+v, want %+v", s.now.Format("15:04"), got, s.counts)
		}
	}
	// OnChange fires on changes only: {} → soon → overdue.
	if len(r.counts) != 3 {
		t.Errorf("OnChange called %d times (%v), want 3", len(r.counts), r.counts)
	}
}

func TestOnceAcrossRestart(t *testing.T) {
	src := newSource(roslavl(1, at(2025, 11, 24, 10, 0), at(2025, 11, 24, 14, 0), at(2025, 11, 24, 18, 0)))
	r := newRig(src)
	r.clock.Set(at(2025, 11, 24, 18, 30))
	if err := r.watcher(Options{}).Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Both deadlines passed while the app was closed: one notification, both lines.
	want := []sent{{"Просрочен первый ответ: Рославль",
		"ВКонтакте · поступило 24 ноября в 10:00\nПервый ответ: просрочено на 4 часа 30 минут\nОтвет: просрочено на 30 минут"}}
	if got := r.n.take(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("first run sent %q, want %q", got, want)
	}
	// A new watcher over the same store (an app restart) stays silent but counts.
	r2 := newRig(src)
	r2.clock.Set(at(2025, 11, 24, 19, 0))
	w2 := r2.watcher(Options{})
	if err := w2.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r2.n.take(); len(got) != 0 {
		t.Errorf("after restart sent %q, want nothing", got)
	}
	if got := r2.lastCounts(); got != (Counts{Overdue: 1}) {
		t.Errorf("after restart counts %+v, want 1 overdue", got)
	}
	// Once known, marks are not written again on every tick.
	src.mu.Lock()
	calls := src.markCall
	src.mu.Unlock()
	r2.clock.Set(at(2025, 11, 24, 19, 1))
	if err := w2.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.markCall != calls {
		t.Errorf("MarkNotified called %d more times for thresholds already recorded", src.markCall-calls)
	}
}

func summarySource() *memSource {
	created := at(2025, 11, 24, 10, 0)
	var items []Due
	id := int64(0)
	for _, d := range []struct{ name, in string }{
		{"Рославль", "в Рославле"}, {"Вязьма", "в Вязьме"}, {"Рославль", "в Рославле"}, {"Ельня", "в Ельне"},
		{"", ""}, {"Вязьма", "в Вязьме"}, {"Рославль", "в Рославле"},
	} {
		id++
		items = append(items, Due{MessageID: id, District: d.name, DistrictIn: d.in, Platform: data.Telegram,
			Created: created, FirstResponseDue: at(2025, 11, 24, 14, 0), AnswerDue: at(2025, 11, 24, 18, 0)})
	}
	for i := 0; i < 2; i++ {
		id++
		items = append(items, Due{MessageID: id, District: "Вязьма", DistrictIn: "в Вязьме", Platform: data.POS,
			Created: at(2025, 11, 25, 9, 0), AnswerDue: at(2025, 11, 25, 12, 30)})
	}
	return newSource(items...)
}

func TestStartupSummary(t *testing.T) {
	for _, tt := range []struct {
		lang                  string
		title, body           string
		laterTitle, laterBody string
	}{
		{"ru", "Просроченные обращения", "7 обращений просрочено, 3 — в Рославле\nСкоро срок: 2 обращения, все — в Вязьме",
			"Просроченные обращения", "2 обращения просрочены, все — в Вязьме\nВсего просрочено: 9"},
		{"en", "Overdue messages", "7 messages overdue, 3 in Рославль\n2 messages due soon, all in Вязьма",
			"Overdue messages", "2 messages overdue, all in Вязьма\nOverdue in all: 9"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			r := newRig(summarySource())
			w := r.watcher(Options{Lang: tt.lang})
			r.clock.Set(at(2025, 11, 25, 12, 0))
			if err := w.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := []sent{{tt.title, tt.body}}
			if got := r.n.take(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("startup sent %q, want %q", got, want)
			}
			if got := w.Counts(); got != (Counts{Overdue: 7, DueSoon: 2}) {
				t.Errorf("counts %+v, want 7 overdue, 2 due soon", got)
			}
			r.clock.Set(at(2025, 11, 25, 12, 31))
			if err := w.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			want = []sent{{tt.laterTitle, tt.laterBody}}
			if got := r.n.take(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("later sent %q, want %q", got, want)
			}
		})
	}
}

func TestSummaryPlurals(t *testing.T) {
	now := at(2025, 11, 25, 12, 0)
	for _, tt := range []struct {
		n    int
		want string
	}{
		{2, "2 обращения просрочены"},
		{5, "5 обращений просрочено"},
		{11, "11 обращений просрочено"},
		{21, "21 обращение просрочено"},
		{22, "22 обращения просрочены"},
		{25, "25 обращений просрочено"},
	} {
		var evs []event
		for i := 0; i < tt.n; i++ {
			d := Due{MessageID: int64(i + 1), Platform: data.OK, Created: at(2025, 11, 24, 10, 0), AnswerDue: at(2025, 11, 24, 18, 0)}
			evs = append(evs, event{d, OverdueAnswer, d.AnswerDue})
		}
		if _, body := compose("ru", evs, Counts{Overdue: tt.n}, now, msk); body != tt.want {
			t.Errorf("%d overdue: %q, want %q", tt.n, body, tt.want)
		}
	}
}

func TestQuietHoursHoldThenSummarise(t *testing.T) {
	src := newSource(
		roslavl(1, at(2025, 11, 24, 17, 0), time.Time{}, at(2025, 11, 24, 23, 0)),
		roslavl(2, at(2025, 11, 24, 17, 0), time.Time{}, at(2025, 11, 25, 7, 0)),
	)
	r := newRig(src)
	w := r.watcher(Options{QuietHours: QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}})
	for _, now := range []time.Time{at(2025, 11, 24, 23, 30), at(2025, 11, 25, 7, 59)} {
		r.clock.Set(now)
		if err := w.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := r.n.take(); len(got) != 0 {
			t.Errorf("%v: sent %q during quiet hours", now, got)
		}
		if len(src.marks) != 0 {
			t.Errorf("%v: marked %v during quiet hours; a restart would lose them", now, src.marks)
		}
	}
	if got := w.Counts(); got != (Counts{Overdue: 2}) {
		t.Errorf("counts during quiet hours %+v, want 2 overdue", got)
	}
	r.clock.Set(at(2025, 11, 25, 8, 0))
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []sent{{"Просроченные обращения", "2 обращения просрочены, все — в Рославле"}}
	if got := r.n.take(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after quiet hours sent %q, want %q", got, want)
	}
	// Turning quiet hours off at run time works too.
	w.SetQuietHours(QuietHours{})
	src.add(roslavl(3, at(2025, 11, 25, 8, 0), time.Time{}, at(2025, 11, 25, 9, 0)))
	r.clock.Set(at(2025, 11, 25, 9, 0))
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.n.take(); len(got) != 1 || got[0].title != "Просрочен ответ: Рославль" {
		t.Errorf("after SetQuietHours off sent %q", got)
	}
}

func TestQuietHoursActive(t *testing.T) {
	night := QuietHours{From: 22 * time.Hour, To: 8 * time.Hour}
	lunch := QuietHours{From: 13 * time.Hour, To: 14 * time.Hour}
	tests := []struct {
		q    QuietHours
		now  time.Time
		want bool
	}{
		{night, at(2025, 11, 24, 21, 59), false},
		{night, at(2025, 11, 24, 22, 0), true},
		{night, at(2025, 11, 24, 0, 0), true},
		{night, at(2025, 11, 24, 7, 59), true},
		{night, at(2025, 11, 24, 8, 0), false},
		{lunch, at(2025, 11, 24, 12, 59), false},
		{lunch, at(2025, 11, 24, 13, 0), true},
		{lunch, at(2025, 11, 24, 14, 0), false},
		{QuietHours{}, at(2025, 11, 24, 3, 0), false},
		{QuietHours{From: 9 * time.Hour, To: 9 * time.Hour}, at(2025, 11, 24, 9, 0), false},
	}
	for _, tt := range tests {
		if got := tt.q.Active(tt.now); got != tt.want {
			t.Errorf("%v.Active(%s) = %v, want %v", tt.q, tt.now.Format("15:04"), got, tt.want)
		}
	}
}

// Quiet hours follow the press secretary's local time, not Moscow's.
func TestQuietHoursLocalZone(t *testing.T) {
	yekt, err := time.LoadLocation("Asia/Yekaterinburg")
	if err != nil {
		t.Fatal(err)
	}
	src := newSource(roslavl(1, at(2025, 11, 24, 10, 0), time.Time{}, at(2025, 11, 24, 18, 0)))
	r := newRig(src)
	w := r.watcher(Options{Location: yekt, QuietHours: QuietHours{From: 20 * time.Hour, To: 8 * time.Hour}})
	r.clock.Set(at(2025, 11, 24, 18, 30)) // 20:30 in Yekaterinburg
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.n.take(); len(got) != 0 {
		t.Errorf("sent %q at 20:30 local time inside quiet hours", got)
	}
}

func TestSnooze(t *testing.T) {
	src := newSource(roslavl(1, at(2025, 11, 24, 10, 0), at(2025, 11, 24, 11, 0), time.Time{}))
	r := newRig(src)
	w := r.watcher(Options{})
	w.Snooze(at(2025, 11, 24, 12, 30))
	r.clock.Set(at(2025, 11, 24, 12, 0))
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.n.take(); len(got) != 0 {
		t.Errorf("sent %q while snoozed", got)
	}
	if got := w.Counts(); got.Overdue != 1 {
		t.Errorf("counts while snoozed %+v, want 1 overdue", got)
	}
	r.clock.Set(at(2025, 11, 24, 12, 30))
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []sent{{"Просрочен первый ответ: Рославль", "ВКонтакте · поступило 24 ноября в 10:00\nПервый ответ: просрочено на 1 час 30 минут"}}
	if got := r.n.take(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after snooze sent %q, want %q", got, want)
	}
	// A snooze can be cut short.
	w.Snooze(at(2025, 11, 25, 12, 0))
	w.Snooze(time.Time{})
	src.add(roslavl(2, at(2025, 11, 24, 12, 0), at(2025, 11, 24, 12, 40), time.Time{}))
	r.clock.Set(at(2025, 11, 24, 12, 41))
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.n.take(); len(got) != 1 {
		t.Errorf("after cancelling the snooze sent %q, want one notification", got)
	}
}

func TestSoonShare(t *testing.T) {
	src := newSource(roslavl(1, at(2025, 11, 24, 10, 0), at(2025, 11, 24, 14, 0), time.Time{}))
	r := newRig(src)
	w := r.watcher(Options{SoonShare: 0.5})
	r.clock.Set(at(2025, 11, 24, 11, 59))
	_ = w.Check(context.Background())
	if got := r.n.take(); len(got) != 0 {
		t.Errorf("sent %q with 51%% of the window left", got)
	}
	r.clock.Set(at(2025, 11, 24, 12, 0))
	_ = w.Check(context.Background())
	if got := r.n.take(); len(got) != 1 || !strings.HasPrefix(got[0].title, "Скоро срок") {
		t.Errorf("with half the window left sent %q, want a due-soon notification", got)
	}
}

func TestNotifierErrorLoggedOnce(t *testing.T) {
	src := newSource()
	r := newRig(src)
	r.n.err = errors.New("org.freedesktop.Notifications: no such service")
	w := r.watcher(Options{})
	for i := 0; i < 3; i++ {
		created := at(2025, 11, 24, 9, 0)
		src.add(roslavl(int64(i+1), created, created.Add(time.Duration(i+1)*time.Hour), time.Time{}))
		r.clock.Set(created.Add(time.Duration(i+1)*time.Hour + time.Minute))
		if err := w.Check(context.Background()); err == nil {
			t.Errorf("check %d: Check() = nil with a failing notifier", i+1)
		}
		if got := w.Counts(); got.Overdue != i+1 {
			t.Errorf("check %d: counts %+v, want %d overdue", i+1, got, i+1)
		}
	}
	if n := strings.Count(r.logs.String(), "desktop notification failed"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, r.logs.String())
	}
	// After the service comes back and fails again, that is news worth a line.
	r.n.mu.Lock()
	r.n.err = nil
	r.n.mu.Unlock()
	src.add(roslavl(10, at(2025, 11, 24, 9, 0), at(2025, 11, 24, 13, 0), time.Time{}))
	r.clock.Set(at(2025, 11, 24, 13, 5))
	if err := w.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.n.mu.Lock()
	r.n.err = errors.New("gone again")
	r.n.mu.Unlock()
	src.add(roslavl(11, at(2025, 11, 24, 9, 0), at(2025, 11, 24, 13, 6), time.Time{}))
	r.clock.Set(at(2025, 11, 24, 13, 10))
	_ = w.Check(context.Background())
	if n := strings.Count(r.logs.String(), "desktop notification failed"); n != 2 {
		t.Errorf("logged %d times after recovery and a new failure, want 2", n)
	}
}

func TestSourceErrorLoggedOnce(t *testing.T) {
	src := newSource()
	src.err = errors.New("database is locked")
	r := newRig(src)
	w := r.watcher(Options{})
	for i := 0; i < 3; i++ {
		if err := w.Check(context.Background()); err == nil {
			t.Fatal("Check() = nil with a failing source")
		}
	}
	if n := strings.Count(r.logs.String(), "cannot read deadlines"); n != 1 {
		t.Errorf("logged %d times, want once", n)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	src := newSource(roslavl(1, at(2025, 11, 24, 10, 0), at(2025, 11, 24, 11, 0), time.Time{}))
	r := newRig(src)
	r.n.sent = make(chan struct{}, 1)
	r.clock.Set(at(2025, 11, 24, 12, 0))
	w := r.watcher(Options{Interval: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-r.n.sent:
	case <-time.After(5 * time.Second):
		t.Fatal("Run sent nothing")
	}
	// Let it tick a few times more: still one notification.
	time.Sleep(30 * time.Millisecond)
	w.Snooze(at(2025, 11, 24, 13, 0))
	w.SetQuietHours(QuietHours{From: time.Hour, To: 2 * time.Hour})
	_ = w.Counts()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil on cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	if got := r.n.take(); len(got) != 1 {
		t.Errorf("sent %d notifications over several ticks, want 1", len(got))
	}
	if err := New(nil, nil, Options{}).Run(context.Background()); err == nil {
		t.Error("Run without a Source returned nil")
	}
}

func TestBeeepNotifierWithoutService(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("D-Bus notifications are Linux-only")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	t.Setenv("PATH", t.TempDir()) // no notify-send, no kdialog
	start := time.Now()
	err := BeeepNotifier{AppName: "Отклик"}.Notify("Просрочен ответ: Рославль", "проверка")
	if err == nil {
		t.Fatal("Notify with no notification service returned nil")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Notify took %v to fail", d)
	}
}
