//go:build crashtest

package crashtest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"otklik/app/syncer"
)

// Sync trials: one `otklik simulate` serves VK and Telegram for the whole
// suite (with a state file, so what it received can be read back); one
// store syncs with it across trials. Each trial runs `otklik sync` while the
// editor answers comments (each reply reported saved), and kills both with
// SIGKILL: at a random moment, or while a send is in flight. Sends go
// through sendProxy, which holds them a little before and after the
// simulator takes them, so a kill often falls between "the network has it"
// and "the store knows it". Every few trials, and at the end, a sync that is
// not killed must catch up; the store is then compared with the simulator.

// syncRig is the simulator, the proxy and the store of the sync trials, and
// what they have shown so far.
type syncRig struct {
	sim   *proc
	port  int
	state string // the simulator's state file
	proxy *sendProxy
	db    string
	saved map[string]int64 // idempotency key → message: replies the editor reported saved
	// pending are the outbox rows a kill left in 'sending', with their
	// attempts then: the next start must reconcile them.
	pending map[int64]int

	trials, midSend, leftSending int
	// counted by the final check
	comments, sentOnce, held, heldLanded, missingInThread int
}

func (h *harness) setupSync() {
	r := &syncRig{state: filepath.Join(h.dir, "simulator.json"), db: filepath.Join(h.dir, "sync.db"),
		saved: map[string]int64{}, pending: map[int64]int{}}
	h.sync = r
	h.t.Cleanup(func() {
		if r.sim != nil && r.sim.running() {
			r.sim.signal(syscall.SIGKILL)
			<-r.sim.exited
		}
		if r.proxy != nil {
			r.proxy.close()
		}
	})
	h.startSim("127.0.0.1:0", "3")
	r.proxy = newSendProxy(r.port, h.rng.Uint64())
	run(h.t, h.dir, h.otklik, "sync-demo", "--db", r.db,
		"--vk-url", r.proxy.url()+"/vk/method/", "--telegram-url", r.proxy.url()+"/tg")
}

// startSim starts `otklik simulate` on addr and learns its port.
func (h *harness) startSim(addr, rate string) {
	r := h.sync
	r.sim = h.start(h.otklik, "simulate", "--addr", addr, "--rate", rate, "--seed", fmt.Sprint(*seed), "--state", r.state)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ready := false
		for _, l := range r.sim.output() {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "VK:" {
				if u, err := url.Parse(f[1]); err == nil {
					r.port, _ = strconv.Atoi(u.Port())
				}
			}
			ready = ready || strings.HasPrefix(l, "Stop with")
		}
		if ready && r.port != 0 {
			return
		}
		if !r.sim.running() || time.Now().After(deadline) {
			r.sim.signal(syscall.SIGKILL)
			<-r.sim.exited
			h.t.Fatalf("otklik simulate --addr %s did not start: %v\n%s", addr, r.sim.err, r.sim.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stopSim stops the simulator as Ctrl+C does; it then writes its state.
func (h *harness) stopSim() {
	p := h.sync.sim
	p.signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		p.signal(syscall.SIGKILL)
		<-p.exited
		h.violate("otklik simulate did not stop on SIGTERM")
		return
	}
	if p.err != nil || strings.Contains(p.stderr.String(), "otklik simulate:") {
		h.violate("otklik simulate stopped with %v: %s", p.err, p.stderr.String())
	}
}

func (h *harness) syncTrial(i int) {
	if h.sync == nil {
		h.setupSync()
	}
	r := h.sync
	r.trials++
	onSend := h.rng.IntN(2) == 0
	killAfter := 200*time.Millisecond + time.Duration(h.rng.Int64N(int64(2**maxDelay)))
	if onSend {
		killAfter = 10 * time.Second // if no send comes
	}
	editorAfter := time.Duration(h.rng.IntN(800)) * time.Millisecond
	replies := 1 + h.rng.IntN(6)
	afterSend := time.Duration(h.rng.IntN(450)) * time.Millisecond

	started := time.Now()
	sends := r.proxy.nextSend()
	sy := h.start(h.otklik, "sync", "--db", r.db, "--for", "30s", "--every", "100ms")
	var ed *proc
	startEditor, kill := time.After(editorAfter), time.After(killAfter)
	var sendSeen <-chan time.Time
wait:
	for {
		select {
		case <-startEditor:
			ed = h.start(h.editor, "--db", r.db, "--seed", fmt.Sprint(i), "--replies", fmt.Sprint(replies))
		case <-sends:
			sends = nil
			if onSend {
				sendSeen = time.After(afterSend)
			}
		case <-sendSeen:
			break wait
		case <-kill:
			break wait
		case <-sy.exited:
			break wait
		}
	}
	// A power cut: both die at once, whichever holds the store.
	midSend := r.proxy.inFlight() > 0
	sy.signal(syscall.SIGKILL)
	if ed != nil {
		ed.signal(syscall.SIGKILL)
	}
	lived := time.Since(started)
	syRes := h.wait(sy)
	if syRes.killed && midSend {
		r.midSend++
	}
	if !syRes.killed && syRes.code != 0 {
		h.violate("sync %d exited %d without being killed: %s", i, syRes.code, syRes.stderr)
	}
	wantUnclean := syRes.killed && len(syRes.lines) > 0 // it prints once the store is open
	if ed != nil {
		edRes := h.wait(ed)
		ready := false
		for _, l := range edRes.lines {
			switch {
			case l == "ready":
				ready = true
			case strings.HasPrefix(l, "saved reply "):
				var id int64
				var key string
				if _, err := fmt.Sscanf(strings.TrimPrefix(l, "saved reply "), "%d %s", &id, &key); err != nil {
					h.violate("sync %d: editor line %q: %v", i, l, err)
				}
				r.saved[key] = id
			case strings.HasPrefix(l, "error "):
				h.violate("sync %d: editor: %s", i, l)
			}
		}
		if !edRes.killed && edRes.code != 0 {
			h.violate("sync %d: editor exited %d: %s", i, edRes.code, edRes.stderr)
		}
		wantUnclean = wantUnclean || edRes.killed && ready
	}
	conn := h.checkStore(r.db, wantUnclean, true)
	defer conn.Close()
	h.checkSaved(conn, fmt.Sprintf("sync %d", i))
	// The rows the last kill left in 'sending' are reconciled first thing
	// at the next start: sent, failed as unverifiable, or queued again (and
	// maybe claimed again, with one more attempt).
	if lived >= 3*time.Second && len(syRes.lines) > 0 {
		for id, attempts := range r.pending {
			var state string
			var n int
			conn.QueryRow(`SELECT state, attempts FROM outbox WHERE id = ?`, id).Scan(&state, &n)
			if state == "sending" && n == attempts {
				h.violate("sync %d: outbox row %d was left in 'sending' by a kill and not reconciled in %v of the next run",
					i, id, lived.Round(time.Millisecond))
			}
		}
	}
	now := sendingRows(conn)
	for id, n := range now {
		if old, ok := r.pending[id]; !ok || old != n {
			r.leftSending++
		}
	}
	r.pending = now
	if r.trials%5 == 0 {
		c := h.syncCatchUp(false)
		h.verifySync(c, h.readSimState(), false)
		c.Close()
	}
}

func sendingRows(conn *sql.DB) map[int64]int {
	out := map[int64]int{}
	rs, err := conn.Query(`SELECT id, attempts FROM outbox WHERE state = 'sending'`)
	if err != nil {
		return out
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var n int
		rs.Scan(&id, &n)
		out[id] = n
	}
	return out
}

// checkSaved: every reply the editor reported saved is queued once, and
// its message marked answered.
func (h *harness) checkSaved(conn *sql.DB, what string) {
	for key, id := range h.sync.saved {
		var n int
		var status string
		conn.QueryRow(`SELECT count(*) FROM outbox WHERE idempotency_key = ? AND message_id = ?`, key, id).Scan(&n)
		conn.QueryRow(`SELECT status FROM messages WHERE id = ?`, id).Scan(&status)
		if n != 1 {
			h.violate("%s: the reply %s reported saved is in the outbox %d times", what, key, n)
		}
		if status != "answered" {
			h.violate("%s: message %d has a reply reported saved, but its status is %q", what, id, status)
		}
	}
}

// syncCatchUp runs `otklik sync` without a kill until it has caught up:
// nothing queued or being sent, the history walked and, when final (the
// simulator's flow is off), the comment count steady for 2 s. Then it is
// stopped as Ctrl+C does and the store checked: no row may stay in
// 'sending'.
func (h *harness) syncCatchUp(final bool) *sql.DB {
	r := h.sync
	h.c.recoveries++
	sy := h.start(h.otklik, "sync", "--db", r.db, "--for", "150s", "--every", "1s")
	conn, err := sql.Open("sqlite3", "file:"+r.db+"?_busy_timeout=5000")
	if err != nil {
		h.t.Fatal(err)
	}
	start, stable, last := time.Now(), time.Now(), -1
	caughtUp := false
	var waiting, behind int
	for time.Since(start) < 90*time.Second && sy.running() {
		time.Sleep(250 * time.Millisecond)
		var n int
		conn.QueryRow(`SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')`).Scan(&waiting)
		conn.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
		conn.QueryRow(`SELECT count(*) FROM accounts a WHERE platform = 'vk' AND NOT EXISTS
			(SELECT 1 FROM sync_cursors c WHERE c.account_id = a.id AND c.key = 'backfill' AND c.value = '~done')`).Scan(&behind)
		if n != last {
			last, stable = n, time.Now()
		}
		if waiting == 0 && behind == 0 && len(sy.output()) > 0 && (!final || time.Since(stable) >= 2*time.Second) {
			caughtUp = true
			break
		}
	}
	conn.Close()
	sy.signal(syscall.SIGTERM)
	res := h.wait(sy)
	if res.killed || res.code != 0 {
		h.violate("sync catch-up exited %d: %s", res.code, res.stderr)
	}
	if !caughtUp {
		h.violate("sync did not catch up in %v: %d replies still queued or being sent, history walked: %v (the outbox is stuck)",
			time.Since(start).Round(time.Second), waiting, behind == 0)
	}
	c := h.checkStore(r.db, false, false)
	h.checkSaved(c, "sync catch-up")
	r.pending = map[int64]int{}
	return c
}

// syncFinal restarts the simulator without its comment flow (the same
// network at the same address), lets the store catch up, stops the
// simulator so that it writes its state, and compares.
func (h *harness) syncFinal() {
	h.stopSim()
	h.startSim(fmt.Sprintf("127.0.0.1:%d", h.sync.port), "0")
	c := h.syncCatchUp(true)
	defer c.Close()
	h.stopSim()
	h.verifySync(c, h.readSimState(), true)
}

// simState is the part of the simulator's state file the suite reads
// (app/simulate/state.go).
type simState struct {
	VK struct {
		GroupID  int64 `json:"group_id"`
		Comments map[int64]struct {
			ID, FromID int64
			Text       string
			Deleted    bool
		} `json:"comments"`
	} `json:"vk"`
	Telegram struct {
		ChatID int64 `json:"chat_id"`
		Msgs   map[int64]struct {
			ID, Forward int64
			User        int
			Text        string
		} `json:"messages"`
	} `json:"telegram"`
	Sent []struct {
		Platform, Kind, RemoteID, Text, GUID string
	} `json:"sent"`
}

func (h *harness) readSimState() simState {
	var st simState
	b, err := os.ReadFile(h.sync.state)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil || len(st.VK.Comments) == 0 && len(st.Telegram.Msgs) == 0 {
		h.t.Fatalf("the simulator's state %s: %v", h.sync.state, err)
	}
	return st
}

type storedMessage struct {
	text   string
	office bool
}

// verifySync compares the store with what the simulator holds:
//   - every resident's comment is stored once (final: with its current
//     text, and nothing stored that the network does not have); before the
//     end, while the flow goes on, the comments up to the newest stored one;
//   - every reply in the outbox reached the network once: VK by its guid
//     (the outbox key), Telegram by its text (each one is different); a
//     Telegram reply the engine could not confirm is held for a person
//     (failed, syncer.Unverifiable) and reached the network at most once;
//   - nothing reached the network that the store did not queue.
func (h *harness) verifySync(conn *sql.DB, st simState, final bool) {
	r := h.sync
	stored := map[string]storedMessage{} // platform|external_id
	maxID := map[string]int64{}          // platform → the newest resident comment stored
	rs, err := conn.Query(`SELECT platform, external_id, text, from_office FROM messages`)
	if err != nil {
		h.t.Fatal(err)
	}
	for rs.Next() {
		var p, ext, text string
		var office bool
		rs.Scan(&p, &ext, &text, &office)
		stored[p+"|"+ext] = storedMessage{text, office}
		if !office {
			_, id, _ := strings.Cut(strings.NewReplacer(":", "_").Replace(ext), "_")
			n, _ := strconv.ParseInt(id, 10, 64)
			maxID[p] = max(maxID[p], n)
		}
	}
	rs.Close()

	residents := map[string]string{} // platform|external_id → text
	for _, c := range st.VK.Comments {
		if c.FromID > 0 && !c.Deleted {
			residents[fmt.Sprintf("vk|%d_%d", -st.VK.GroupID, c.ID)] = c.Text
		}
	}
	for _, m := range st.Telegram.Msgs {
		if m.Forward == 0 && m.User >= 0 {
			residents[fmt.Sprintf("telegram|%d:%d", st.Telegram.ChatID, m.ID)] = m.Text
		}
	}
	checked := 0
	for key, text := range residents {
		p, ext, _ := strings.Cut(key, "|")
		_, id, _ := strings.Cut(strings.NewReplacer(":", "_").Replace(ext), "_")
		if n, _ := strconv.ParseInt(id, 10, 64); !final && n > maxID[p] {
			continue // not pulled yet: the flow goes on
		}
		m, ok := stored[key]
		switch {
		case !ok:
			h.violate("sync: the comment %s %s on the network is not stored", p, ext)
		case m.office:
			h.violate("sync: the resident's comment %s %s is stored as the office's", p, ext)
		case final && m.text != text:
			h.violate("sync: the comment %s %s is stored as %q, the network has %q", p, ext, m.text, text)
		default:
			checked++
		}
	}
	if final {
		r.comments = checked
		for key, m := range stored {
			if _, ok := residents[key]; !ok && !m.office {
				h.violate("sync: %s is stored but no resident wrote it on the network", key)
			}
		}
	}

	vkSent, tgSent := map[string]int{}, map[string]int{}
	remote := map[string]string{} // guid or text → the remote id of the first send
	for _, s := range st.Sent {
		if s.Kind != "reply" {
			continue
		}
		switch s.Platform {
		case "vk":
			vkSent[s.GUID]++
			remote["vk|"+s.GUID] = firstOf(remote["vk|"+s.GUID], s.RemoteID)
		case "telegram":
			tgSent[s.Text]++
			remote["telegram|"+s.Text] = firstOf(remote["telegram|"+s.Text], s.RemoteID)
		}
	}
	rs, err = conn.Query(`SELECT o.idempotency_key, o.state, o.last_error, o.remote_id, json_extract(o.payload, '$.text'), a.platform
		FROM outbox o JOIN accounts a ON a.id = o.account_id WHERE o.kind = 'reply'`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rs.Close()
	queued := map[string]bool{}
	sentOnce, held, heldLanded, missing := 0, 0, 0, 0
	for rs.Next() {
		var key, state, lastErr, remoteID, text, platform string
		rs.Scan(&key, &state, &lastErr, &remoteID, &text, &platform)
		id, n := key, 0
		switch platform {
		case "vk":
			n = vkSent[key]
			queued["vk|"+key] = true
		case "telegram":
			id, n = text, tgSent[text]
			queued["telegram|"+text] = true
		default:
			h.violate("sync: reply %s on %s", key, platform)
			continue
		}
		switch {
		case n > 1:
			h.violate("sync: the reply %s reached %s %d times", key, platform, n)
		case state == "sent" && n == 1 && remoteID == remote[platform+"|"+id]:
			sentOnce++
			if _, ok := stored[platform+"|"+remoteID]; !ok {
				missing++ // not a violation: see the log line below
			}
		case state == "sent":
			h.violate("sync: the reply %s is marked sent as %q, the network has it %d times (%q)",
				key, remoteID, n, remote[platform+"|"+id])
		case state == "failed" && platform == "telegram" && lastErr == syncer.Unverifiable:
			held++
			heldLanded += n
		default:
			h.violate("sync: after catching up, the reply %s to %s is %s (%s); the network has it %d times",
				key, platform, state, lastErr, n)
		}
	}
	for k, n := range vkSent {
		if !queued["vk|"+k] {
			h.violate("sync: %d replies with guid %q reached VK, the store never queued one", n, k)
		}
	}
	for k, n := range tgSent {
		if !queued["telegram|"+k] {
			h.violate("sync: %d replies %q reached Telegram, the store never queued one", n, k)
		}
	}
	if missing > 0 {
		h.t.Logf("sync: %d replies marked sent are not shown in their thread (the kill came between recording the send and storing the reply)", missing)
	}
	if final {
		r.sentOnce, r.held, r.heldLanded, r.missingInThread = sentOnce, held, heldLanded, missing
	}
}

func firstOf(first, s string) string {
	if first != "" {
		return first
	}
	return s
}

// sendProxy stands between the store's accounts and the simulator. Sends
// (wall.createComment, sendMessage) are held 0–150 ms before they go on and
// 100–350 ms after the simulator answered, so a kill can come before the
// network has the reply or after it has, but before the store knows.
type sendProxy struct {
	srv      *httptest.Server
	mu       sync.Mutex
	rng      *rand.Rand
	inflight int
	next     chan struct{} // closed and replaced when a send starts
}

type holdKey struct{}

func newSendProxy(port int, seed uint64) *sendProxy {
	p := &sendProxy{rng: rand.New(rand.NewPCG(seed, 3)), next: make(chan struct{})}
	target := &url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", port)}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		// A new connection each time: the simulator is restarted once.
		Transport: &http.Transport{DisableKeepAlives: true},
		ModifyResponse: func(resp *http.Response) error {
			if d, ok := resp.Request.Context().Value(holdKey{}).(time.Duration); ok {
				sleepCtx(resp.Request.Context(), d)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/wall.createComment") && !strings.HasSuffix(r.URL.Path, "/sendMessage") {
			rp.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		p.inflight++
		close(p.next)
		p.next = make(chan struct{})
		before := time.Duration(p.rng.IntN(150)) * time.Millisecond
		after := time.Duration(100+p.rng.IntN(250)) * time.Millisecond
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.inflight--
			p.mu.Unlock()
		}()
		// Read the body first: only then does the server notice a client
		// that went away (and cancel r's context).
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !sleepCtx(r.Context(), before) {
			return // the sender died before the request went on: it never reached the network
		}
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), holdKey{}, after)))
	}))
	return p
}

func (p *sendProxy) url() string { return p.srv.URL }

// nextSend is closed when the next send starts.
func (p *sendProxy) nextSend() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next
}

func (p *sendProxy) inFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight
}

func (p *sendProxy) close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
}

// sleepCtx waits d; false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
