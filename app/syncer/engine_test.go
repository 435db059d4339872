package syncer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"otklik/app"
	"otklik/app/connector"
	"otklik/app/connector/telegram"
	"otklik/app/connector/vk"
	"otklik/app/simulate"
	"otklik/app/syncer"
	"otklik/data"
	"otklik/data/sqlite"
)

// fixture is a core over a temp store with simulator accounts.
type fixture struct {
	t     *testing.T
	core  *app.App
	sim   *simulate.Server
	vk    data.Account
	tg    data.Account
	store *recorder
}

func newFixture(t *testing.T, seed uint64, faults simulate.Faults) *fixture {
	t.Helper()
	ctx := context.Background()
	sim, err := simulate.Start(ctx, simulate.Options{Rate: -1, Seed: seed, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	core, err := app.Open(ctx, app.Options{DBPath: filepath.Join(t.TempDir(), "otklik.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	accs, err := core.AddSimulatorAccounts(ctx, sim.VKBaseURL(), sim.VKGroupID(), sim.TelegramBaseURL(), sim.ChannelID(), sim.ChatID())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, core: core, sim: sim, vk: accs[0], tg: accs[1], store: newRecorder(core.SyncStore())}
}

// dial makes the real connectors with short long-poll waits.
func dial(acc data.Account, token string, onChange func(data.Account)) (connector.Connector, error) {
	switch acc.Platform {
	case data.VK:
		return vk.New(acc, token, vk.Options{LongPollWait: 1, Limiter: rate.NewLimiter(rate.Inf, 1)})
	case data.Telegram:
		return telegram.New(acc, token, telegram.Options{PollTimeout: 1, OnAccountChange: onChange})
	}
	return nil, syncer.ErrNoNetwork
}

func (f *fixture) engine(extra func(*syncer.Options)) *syncer.Engine {
	o := syncer.Options{
		Store:      f.store,
		Token:      f.core.SyncToken,
		Dial:       dial,
		MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 150 * time.Millisecond,
		RateWait:   50 * time.Millisecond,
		OutboxPoll: 20 * time.Millisecond,
	}
	if extra != nil {
		extra(&o)
	}
	e := syncer.New(o)
	if err := e.Start(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *fixture) count(p data.Platform) int {
	n, err := f.core.Count(context.Background(), app.Query{Filter: data.Filter{Platforms: []data.Platform{p}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder wraps the core's store and checks that no live cursor moves
// backwards; it can also fail the commit of a send once, as a crash
// between the network's answer and the store's commit would.
type recorder struct {
	syncer.Store
	mu        sync.Mutex
	live      map[int64]int64
	backwards []string
	failMark  func(id int64) bool
}

func newRecorder(s syncer.Store) *recorder { return &recorder{Store: s, live: map[int64]int64{}} }

func (r *recorder) cursor(acc int64, key, value string) {
	if key != syncer.KeyLive || value == "" {
		return
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.live[acc]; ok && n < old {
		r.backwards = append(r.backwards, fmt.Sprintf("account %d: %d → %d", acc, old, n))
	}
	r.live[acc] = n
}

func (r *recorder) IngestPage(ctx context.Context, acc int64, p connector.Page, key, value string) (int, error) {
	n, err := r.Store.IngestPage(ctx, acc, p, key, value)
	if err == nil {
		r.cursor(acc, key, value)
	}
	return n, err
}

func (r *recorder) SetCursor(ctx context.Context, acc int64, key, value string) error {
	err := r.Store.SetCursor(ctx, acc, key, value)
	if err == nil {
		r.cursor(acc, key, value)
	}
	return err
}

func (r *recorder) MarkOutboxSent(ctx context.Context, id int64, remote string, at time.Time, reply *data.Message) error {
	r.mu.Lock()
	fail := r.failMark
	r.mu.Unlock()
	if fail != nil && fail(id) {
		return fmt.Errorf("the process died before the commit")
	}
	return r.Store.MarkOutboxSent(ctx, id, remote, at, reply)
}

func (r *recorder) Backwards() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.backwards...)
}

// queueReplies answers n random resident comments of the account; each
// text is unique so the simulator's deliveries can be counted by text.
func (f *fixture) queueReplies(rnd *rand.Rand, acc data.Account, n int, serial *int) []string {
	ctx := context.Background()
	page, err := f.core.Inbox(ctx, app.Query{Filter: data.Filter{AccountIDs: []int64{acc.ID}}}, data.Cursor{}, 200)
	if err != nil {
		f.t.Fatal(err)
	}
	var texts []string
	for i := 0; i < n && len(page.Items) > 0; i++ {
		m := page.Items[rnd.IntN(len(page.Items))]
		*serial++
		text := fmt.Sprintf("Здравствуйте! Обращение № %d передано в администрацию района, ответим в течение трёх дней.", *serial)
		if _, err := f.core.QueueReply(ctx, m.ID, text, fmt.Sprintf("test-%d", *serial)); err != nil {
			f.t.Fatal(err)
		}
		texts = append(texts, text)
	}
	return texts
}

func (f *fixture) outbox() []data.OutboxItem {
	f.t.Helper()
	db, err := sqlite.Open(f.core.Path())
	if err != nil {
		f.t.Fatal(err)
	}
	defer db.Close()
	items, err := db.Outbox(context.Background(), nil, 100000)
	if err != nil {
		f.t.Fatal(err)
	}
	return items
}

func deliveries(sim *simulate.Server) map[string]int {
	n := map[string]int{}
	for _, s := range sim.Sent() {
		n[string(s.Platform)+"|"+s.Text]++
	}
	return n
}

func settled(items []data.OutboxItem) bool {
	for _, it := range items {
		if it.State == data.OutboxQueued || it.State == data.OutboxSending {
			return false
		}
	}
	return true
}

func TestSyncFromSimulator(t *testing.T) {
	f := newFixture(t, 7, simulate.Faults{})
	f.sim.Emit(40)
	e := f.engine(nil)
	defer e.Close()
	waitFor(t, 20*time.Second, "40 comments on each network", func() bool {
		return f.count(data.VK) == 40 && f.count(data.Telegram) == 40
	})
	// Live: new comments arrive while the engine runs.
	f.sim.Emit(5)
	waitFor(t, 10*time.Second, "live comments", func() bool {
		return f.count(data.VK) == 45 && f.count(data.Telegram) == 45
	})
	waitFor(t, 10*time.Second, "the history walk to finish", func() bool {
		for _, st := range e.Snapshot().Accounts {
			if st.Phase != syncer.PhaseLive {
				return false
			}
		}
		return true
	})
	snap := e.Snapshot()
	if !snap.Configured || !snap.Online || snap.LastSync.IsZero() || len(snap.Accounts) != 2 {
		t.Fatalf("snapshot %+v", snap)
	}
	for _, st := range snap.Accounts {
		if st.Phase != syncer.PhaseLive || !st.Online {
			t.Errorf("account %d: %+v", st.AccountID, st)
		}
	}
	if b := f.store.Backwards(); len(b) > 0 {
		t.Fatalf("cursors moved backwards: %v", b)
	}
}
