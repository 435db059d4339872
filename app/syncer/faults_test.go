package syncer_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
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
)

// tap records every request the connectors make, with the answer's status.
type tap struct {
	mu   sync.Mutex
	reqs []tapped
}

type tapped struct {
	at     time.Time
	method string
	status int
}

func (t *tap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	rec := tapped{at: time.Now(), method: r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]}
	if resp != nil {
		rec.status = resp.StatusCode
	}
	t.mu.Lock()
	t.reqs = append(t.reqs, rec)
	t.mu.Unlock()
	return resp, err
}

func (t *tap) snapshot() []tapped {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]tapped(nil), t.reqs...)
}

// TestRateLimitStorm: a storm of VK error 6 and Telegram 429 answers. The
// engine keeps within its per-token budget, waits what Telegram asked
// (retry_after) before the next Telegram call, and still gets everything.
func TestRateLimitStorm(t *testing.T) {
	f := newFixture(t, 11, simulate.Faults{RateLimited: 12, RetryAfter: 1})
	f.sim.Emit(30)
	tgTap := &tap{}
	const budget = 8 // requests a second per token
	start := time.Now()
	e := f.engine(func(o *syncer.Options) {
		o.Rate = func(data.Account) rate.Limit { return budget }
		o.Dial = func(acc data.Account, token string, onChange func(data.Account)) (connector.Connector, error) {
			if acc.Platform == data.Telegram {
				return telegram.New(acc, token, telegram.Options{PollTimeout: 1, HTTPClient: &http.Client{Transport: tgTap}})
			}
			return vk.New(acc, token, vk.Options{LongPollWait: 1, Limiter: rate.NewLimiter(rate.Inf, 1)})
		}
	})
	defer e.Close()
	waitFor(t, 30*time.Second, "all comments through the storm", func() bool {
		return f.count(data.VK) == 30 && f.count(data.Telegram) == 30
	})
	elapsed := time.Since(start)
	reqs := tgTap.snapshot()
	// Budget: burst 1 plus budget per second; the live loop and the
	// dispatcher share it.
	if max := int(budget*elapsed.Seconds()) + 2; len(reqs) > max {
		t.Errorf("%d Telegram requests in %s, budget allows %d", len(reqs), elapsed, max)
	}
	limited := 0
	for i, r := range reqs {
		if r.status != http.StatusTooManyRequests {
			continue
		}
		limited++
		if i+1 < len(reqs) {
			if gap := reqs[i+1].at.Sub(r.at); gap < 950*time.Millisecond {
				t.Errorf("request %d came %s after a 429 with retry_after=1", i+1, gap)
			}
		}
	}
	if limited == 0 {
		t.Fatal("the storm never reached Telegram")
	}
	t.Logf("%d Telegram requests in %s (%d answered 429), budget %d/s", len(reqs), elapsed.Round(time.Millisecond), limited, budget)
}

// TestCrashBetweenSendAndCommit: the network took the reply but the
// process died before recording it. VK's guid makes the resend land once;
// Telegram cannot be asked, so the reply is flagged for a person, never
// sent twice.
func TestCrashBetweenSendAndCommit(t *testing.T) {
	f := newFixture(t, 5, simulate.Faults{})
	f.sim.Emit(10)
	e := f.engine(nil)
	waitFor(t, 15*time.Second, "comments", func() bool { return f.count(data.VK) == 10 && f.count(data.Telegram) == 10 })
	crashed := make(chan struct{})
	var once sync.Once
	f.store.mu.Lock()
	f.store.failMark = func(int64) bool { once.Do(func() { close(crashed) }); return true }
	f.store.mu.Unlock()
	rnd := rand.New(rand.NewPCG(1, 2))
	serial := 0
	vkText := f.queueReplies(rnd, f.vk, 1, &serial)[0]
	<-crashed
	e.Close() // "killed": the row is left in 'sending'
	tgText := f.queueReplies(rnd, f.tg, 1, &serial)[0]
	f.store.mu.Lock()
	crashed = make(chan struct{})
	once = sync.Once{}
	f.store.mu.Unlock()
	e = f.engine(nil)
	<-crashed
	e.Close()
	f.store.mu.Lock()
	f.store.failMark = nil
	f.store.mu.Unlock()

	e = f.engine(nil) // the next start reconciles both
	defer e.Close()
	waitFor(t, 15*time.Second, "the outbox to settle", func() bool { return settled(f.outbox()) })
	got := deliveries(f.sim)
	if n := got["vk|"+vkText]; n != 1 {
		t.Errorf("VK reply delivered %d times", n)
	}
	if n := got["telegram|"+tgText]; n != 1 {
		t.Errorf("Telegram reply delivered %d times", n)
	}
	for _, it := range f.outbox() {
		switch it.AccountID {
		case f.vk.ID:
			if it.State != data.OutboxSent || it.RemoteID == "" {
				t.Errorf("VK item %+v", it)
			}
		case f.tg.ID:
			if it.State != data.OutboxFailed || it.LastError != syncer.Unverifiable {
				t.Errorf("Telegram item must wait for a person: %+v", it)
			}
		}
	}
}

// TestFaultProperty drives the engine through random sequences of faults
// (seeded): rate-limit storms, 5xx, cut JSON, sends that hang after the
// server committed, Long Poll "failed" codes, latency, and crashes of the
// engine at random moments. After each sequence: every remote comment is
// stored once, every VK reply is delivered exactly once and recorded sent,
// no Telegram reply is delivered twice (one that is neither confirmed nor
// deliverable is flagged for a person), and no live cursor moved
// backwards.
func TestFaultProperty(t *testing.T) {
	scenarios := 10
	if s := os.Getenv("OTKLIK_SCENARIOS"); s != "" {
		scenarios, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		scenarios = 3
	}
	var faults, crashes, comments, replies, unverifiable int
	for sc := range scenarios {
		seed := uint64(1000 + sc)
		rnd := rand.New(rand.NewPCG(seed, 99))
		f := newFixture(t, seed, simulate.Faults{})
		e := f.engine(nil)
		emitted, serial := 0, 0
		var vkTexts, tgTexts []string
		for range 5 {
			n := rnd.IntN(25)
			f.sim.Emit(n)
			emitted += n
			fl := simulate.Faults{
				RateLimited:     rnd.IntN(4),
				RetryAfter:      1,
				ServerErrors:    rnd.IntN(4),
				Malformed:       rnd.IntN(3),
				HangAfterCommit: rnd.IntN(3),
				Latency:         time.Duration(rnd.IntN(15)) * time.Millisecond,
			}
			if rnd.IntN(3) == 0 {
				fl.LongPollFailed = 1 + rnd.IntN(3)
				faults++
			}
			faults += fl.RateLimited + fl.ServerErrors + fl.Malformed + fl.HangAfterCommit
			f.sim.SetFaults(fl)
			if f.count(data.VK) > 0 {
				vkTexts = append(vkTexts, f.queueReplies(rnd, f.vk, rnd.IntN(3), &serial)...)
			}
			if f.count(data.Telegram) > 0 {
				tgTexts = append(tgTexts, f.queueReplies(rnd, f.tg, rnd.IntN(3), &serial)...)
			}
			time.Sleep(time.Duration(rnd.IntN(300)) * time.Millisecond)
			if rnd.IntN(2) == 0 { // the process is killed and started again
				e.Close()
				e = f.engine(nil)
				crashes++
			}
		}
		f.sim.SetFaults(simulate.Faults{})
		deadline := time.Now().Add(60 * time.Second)
		for !(f.count(data.VK) == emitted && f.count(data.Telegram) == emitted && settled(f.outbox())) {
			if time.Now().After(deadline) {
				f.missingVK()
				t.Fatalf("scenario %d did not converge: emitted %d, stored vk %d telegram %d; outbox %+v; state %+v",
					sc, emitted, f.count(data.VK), f.count(data.Telegram), f.outbox(), e.Snapshot())
			}
			time.Sleep(20 * time.Millisecond)
		}
		e.Close()
		comments += 2 * emitted
		replies += len(vkTexts) + len(tgTexts)

		got := deliveries(f.sim)
		for _, txt := range vkTexts {
			if got["vk|"+txt] != 1 {
				t.Errorf("scenario %d: VK reply %q delivered %d times", sc, txt, got["vk|"+txt])
			}
		}
		for _, txt := range tgTexts {
			if got["telegram|"+txt] > 1 {
				t.Errorf("scenario %d: Telegram reply %q delivered %d times", sc, txt, got["telegram|"+txt])
			}
		}
		for _, it := range f.outbox() {
			switch {
			case it.AccountID == f.vk.ID && it.State != data.OutboxSent:
				t.Errorf("scenario %d: VK item not sent: %+v", sc, it)
			case it.AccountID == f.tg.ID && it.State == data.OutboxFailed:
				if it.LastError != syncer.Unverifiable {
					t.Errorf("scenario %d: Telegram item failed: %+v", sc, it)
				}
				unverifiable++
			}
		}
		// Every sent Telegram reply is on the server exactly once.
		for _, it := range f.outbox() {
			if it.AccountID == f.tg.ID && it.State == data.OutboxSent {
				found := false
				for _, s := range f.sim.Sent() {
					found = found || s.RemoteID == it.RemoteID
				}
				if !found {
					t.Errorf("scenario %d: Telegram item recorded sent but not on the server: %+v", sc, it)
				}
			}
		}
		if b := f.store.Backwards(); len(b) > 0 {
			t.Errorf("scenario %d: cursors moved backwards: %v", sc, b)
		}
	}
	t.Logf("%d scenarios, %d faults injected + %d engine kills; %d comments stored once, %d replies (%d Telegram ones flagged unverifiable)",
		scenarios, faults, crashes, comments, replies, unverifiable)
}

// TestThroughput measures comments ingested per second from the simulator
// through the real connectors, the core's tagging and the store.
func TestThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	f := newFixture(t, 3, simulate.Faults{})
	const n = 2000
	f.sim.Emit(n)
	start := time.Now()
	e := f.engine(func(o *syncer.Options) { o.Rate = func(data.Account) rate.Limit { return rate.Inf } })
	defer e.Close()
	waitFor(t, 120*time.Second, "all comments", func() bool {
		return f.count(data.VK) == n && f.count(data.Telegram) == n
	})
	el := time.Since(start)
	t.Logf("throughput: %d comments in %s = %.0f comments/s", 2*n, el.Round(time.Millisecond), float64(2*n)/el.Seconds())
}

// missingVK logs the simulator's VK comments the store lacks.
func (f *fixture) missingVK() {
	c, err := vk.New(f.vk, "x", vk.Options{LongPollWait: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	cur := ""
	for {
		p, err := c.Backfill(context.Background(), cur)
		if err != nil {
			f.t.Logf("backfill: %v", err)
			return
		}
		for _, m := range p.Messages {
			if _, err := f.core.Detail(context.Background(), 0); err == nil {
				continue
			}
			page, _ := f.core.Inbox(context.Background(), app.Query{Filter: data.Filter{Platforms: []data.Platform{data.VK}}}, data.Cursor{}, 1000)
			found := false
			for _, s := range page.Items {
				found = found || s.ExternalID == m.ExternalID
			}
			if !found {
				f.t.Logf("missing %s parent %q created %s from office %v", m.ExternalID, m.ParentExternalID, m.CreatedAt, m.FromOffice)
			}
		}
		if !p.More {
			return
		}
		cur = p.Cursor
	}
}
