//go:build crashtest

package crashtest

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

var (
	trials   = flag.Int("trials", 200, "kill trials to run")
	seed     = flag.Uint64("seed", 1, "random seed of the kill schedule")
	rows     = flag.Int("rows", 20000, "rows in the import file")
	maxDelay = flag.Duration("max-delay", 3*time.Second, "latest kill after start")
)

// counts is what the suite prints at the end.
type counts struct {
	trials, kills, finished, faults, uncleanSeen, recoveries, checks, violations int
	byKind                                                                       map[string]int
}

type harness struct {
	t      *testing.T
	dir    string
	otklik string
	editor string
	input  string
	source map[string]string // platform|external_id → text of the import file
	rng    *rand.Rand
	c      counts
	edits  string // the store the editor works on, across trials
	expect editState
	sync   *syncRig // the sync trials' simulator and store (sync_test.go)
}

// editState is what the editor reported saved: per message its status and
// assignee, the notes and queued replies. inflight holds the operation that
// had begun but not been reported when the kill came: it may or may not
// have been committed, never half.
type editState struct {
	status   map[int64]string
	assignee map[int64]string
	notes    map[string]bool // text → reported saved
	replies  map[string]bool // idempotency key → reported saved
}

func TestCrash(t *testing.T) {
	h := &harness{t: t, dir: t.TempDir(), rng: rand.New(rand.NewPCG(*seed, 42))}
	h.c.byKind = map[string]int{}
	h.expect = editState{status: map[int64]string{}, assignee: map[int64]string{}, notes: map[string]bool{}, replies: map[string]bool{}}
	h.build()
	h.prepareInput()

	for i := 0; i < *trials; i++ {
		kinds := []string{"import", "import", "edits", "edits", "demo", "diskfull", "sync", "sync"}
		kind := kinds[h.rng.IntN(len(kinds))]
		if i == min(1, *trials-1) {
			kind = "sync" // so that a short run always has one
		}
		h.c.trials++
		h.c.byKind[kind]++
		switch kind {
		case "import":
			h.importTrial(i)
		case "edits":
			h.editTrial(i)
		case "demo":
			h.demoTrial(i)
		case "diskfull":
			h.diskFullTrial(i)
		case "sync":
			h.syncTrial(i)
		}
	}
	if h.sync != nil {
		h.syncFinal()
	}
	c, s := h.c, h.sync
	if s == nil {
		s = &syncRig{}
	}
	fmt.Printf("crash suite: trials %d (import %d, edits %d, demo %d, disk full %d, sync %d), kills %d, finished before the kill %d, "+
		"faults injected %d, unclean shutdowns detected %d, recoveries %d, checks %d, "+
		"sync trials %d (kills mid-send %d, replies left sending %d), comments checked %d, replies queued %d, sent once %d, held %d (landed %d), "+
		"violations %d\n",
		c.trials, c.byKind["import"], c.byKind["edits"], c.byKind["demo"], c.byKind["diskfull"], c.byKind["sync"], c.kills, c.finished,
		c.faults, c.uncleanSeen, c.recoveries, c.checks,
		s.trials, s.midSend, s.leftSending, s.comments, len(s.saved), s.sentOnce, s.held, s.heldLanded,
		c.violations)
	if c.violations > 0 {
		t.Fatalf("%d violations (replay with -seed %d, or SEED=%d in .ci/reliability.sh)", c.violations, *seed, *seed)
	}
}

func (h *harness) violate(format string, args ...any) {
	h.t.Helper()
	h.c.violations++
	h.t.Errorf(format, args...)
}

func (h *harness) build() {
	h.otklik = os.Getenv("OTKLIK_BIN")
	root := filepath.Join("..", "..")
	if h.otklik == "" {
		h.otklik = filepath.Join(h.dir, "otklik")
		run(h.t, root, "go", "build", "-tags", "sqlite_fts5,migrated_fynedo", "-o", h.otklik, ".")
	}
	h.editor = filepath.Join(h.dir, "editor")
	run(h.t, root, "go", "build", "-tags", "sqlite_fts5,crashtest", "-o", h.editor, "./app/crashtest/editor")
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// prepareInput makes the import file from the demo region via export, and
// the editor's store from it.
func (h *harness) prepareInput() {
	seedDB := filepath.Join(h.dir, "seed.db")
	run(h.t, h.dir, h.otklik, "demo", "--db", seedDB, "--comments", fmt.Sprint(*rows))
	all := filepath.Join(h.dir, "all.jsonl")
	run(h.t, h.dir, h.otklik, "export", "--db", seedDB, "--format", "jsonl", "--out", all)
	raw, err := os.ReadFile(all)
	if err != nil {
		h.t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	if len(lines) > *rows {
		lines = lines[:*rows]
	}
	h.input = filepath.Join(h.dir, "input.jsonl")
	os.WriteFile(h.input, []byte(strings.Join(lines, "")), 0o600)
	h.source = map[string]string{}
	for _, l := range lines {
		var r struct{ Platform, External_ID, Text string }
		if json.Unmarshal([]byte(l), &r) == nil && r.External_ID != "" {
			h.source[r.Platform+"|"+r.External_ID] = r.Text
		}
	}
	h.edits = filepath.Join(h.dir, "edits.db")
	run(h.t, h.dir, h.otklik, "import", "--db", h.edits, h.input)
}

// result of one run of a process that may be killed.
type result struct {
	lines  []string
	killed bool // SIGKILL arrived while it ran
	code   int
	stderr string
}

// proc is a running process whose stdout is collected line by line.
type proc struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	mu     sync.Mutex
	lines  []string
	exited chan struct{} // closed when it has exited and err is set
	err    error
}

func (h *harness) start(name string, args ...string) *proc {
	p := &proc{cmd: exec.Command(name, args...), exited: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	p.cmd.Stderr = &p.stderr
	out, _ := p.cmd.StdoutPipe()
	if err := p.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	return p
}

// output is the stdout lines so far.
func (p *proc) output() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

func (p *proc) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// signal sends sig unless the process has exited.
func (p *proc) signal(sig syscall.Signal) {
	if p.running() {
		_ = p.cmd.Process.Signal(sig)
	}
}

// wait waits for the exit and counts it as a kill or a finish.
func (h *harness) wait(p *proc) result {
	<-p.exited
	res := result{lines: p.output(), stderr: p.stderr.String()}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		res.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			res.killed = true
		}
	}
	if res.killed {
		h.c.kills++
	} else {
		h.c.finished++
	}
	return res
}

// runKilled starts the command and kills it after delay (0: never).
func (h *harness) runKilled(delay time.Duration, name string, args ...string) result {
	p := h.start(name, args...)
	if delay > 0 {
		select {
		case <-p.exited:
		case <-time.After(delay):
			p.signal(syscall.SIGKILL)
		}
	}
	return h.wait(p)
}

// check runs `otklik check` on the store and the invariants every store
// must keep after any kill.
func (h *harness) check(db string, wantUnclean bool) *sql.DB {
	return h.checkStore(db, wantUnclean, false)
}

// checkStore is check; midSend allows outbox rows in 'sending', which a
// sync engine killed mid-send leaves for its next start to reconcile
// (sync.go checks that it does).
func (h *harness) checkStore(db string, wantUnclean, midSend bool) *sql.DB {
	h.c.checks++
	out, err := exec.Command(h.otklik, "check", "--db", db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "integrity_check: ok") {
		h.violate("%s: otklik check: %v\n%s", db, err, out)
	}
	if strings.Contains(string(out), "last shutdown: unclean") {
		h.c.uncleanSeen++
	} else if wantUnclean {
		h.violate("%s: a kill while the store was open went unnoticed:\n%s", db, out)
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=5000")
	if err != nil {
		h.t.Fatal(err)
	}
	conn.SetMaxOpenConns(1)
	var dup, sending int
	conn.QueryRow(`SELECT count(*) - count(DISTINCT platform || char(0) || external_id) FROM messages`).Scan(&dup)
	if dup != 0 {
		h.violate("%s: %d comments stored more than once", db, dup)
	}
	conn.QueryRow(`SELECT count(*) FROM outbox WHERE state = 'sending'`).Scan(&sending)
	if sending != 0 && !midSend {
		h.violate("%s: %d outbox items stuck in 'sending' without a sync engine", db, sending)
	}
	var dupKeys int
	conn.QueryRow(`SELECT count(*) - count(DISTINCT idempotency_key) FROM outbox`).Scan(&dupKeys)
	if dupKeys != 0 {
		h.violate("%s: %d replies queued twice", db, dupKeys)
	}
	if _, err := conn.Exec(`INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')`); err != nil {
		h.violate("%s: search index: %v", db, err)
	}
	return conn
}

// importedTexts compares the stored comments with the import file: every
// stored one must be whole (its text as in the file).
func (h *harness) importedTexts(db string, conn *sql.DB) int {
	rs, err := conn.Query(`SELECT platform, external_id, text FROM messages`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		var p, ext, text string
		rs.Scan(&p, &ext, &text)
		want, ok := h.source[p+"|"+ext]
		if !ok {
			h.violate("%s: comment %s %s is not in the import file", db, p, ext)
			continue
		}
		if want != text {
			h.violate("%s: comment %s %s stored torn: %q", db, p, ext, text)
		}
		n++
	}
	return n
}

func (h *harness) delay() time.Duration {
	return time.Duration(h.rng.Int64N(int64(*maxDelay))) + 20*time.Millisecond
}

// An import reports success only after every batch committed: "imported"
// on stdout means all rows are stored. Without it, any set of whole
// batches may be; a re-run must then complete it.
func (h *harness) importTrial(i int) {
	db := filepath.Join(h.dir, fmt.Sprintf("import-%d.db", i))
	res := h.runKilled(h.delay(), h.otklik, "import", "--db", db, h.input)
	reported := len(res.lines) > 0 && strings.HasPrefix(res.lines[len(res.lines)-1], "imported ")
	if !res.killed && (res.code != 0 || !reported) {
		h.violate("import %d exited %d without being killed: %s", i, res.code, res.stderr)
	}
	if _, err := os.Stat(db); err != nil {
		return // killed before the store was created
	}
	conn := h.check(db, false)
	n := h.importedTexts(db, conn)
	conn.Close()
	if reported && n != len(h.source) {
		h.violate("import %d reported saved, but %d of %d comments are stored", i, n, len(h.source))
	}
	if i%4 == 0 { // recovery: the same import, not killed, completes it
		h.recover(db, i)
	}
	h.cleanup(db)
}

func (h *harness) recover(db string, i int) {
	h.c.recoveries++
	res := h.runKilled(0, h.otklik, "import", "--db", db, h.input)
	if res.code != 0 {
		h.violate("re-import %d after the kill: exit %d: %s", i, res.code, res.stderr)
	}
	conn := h.check(db, false)
	if n := h.importedTexts(db, conn); n != len(h.source) {
		h.violate("re-import %d: %d of %d comments stored", i, n, len(h.source))
	}
	conn.Close()
}

func (h *harness) cleanup(db string) {
	for _, s := range []string{"", "-wal", "-shm", ".lock"} {
		os.Remove(db + s)
	}
	os.RemoveAll(filepath.Join(filepath.Dir(db), "backups"))
}

// The demo reports "demo region: N messages" once all are written.
func (h *harness) demoTrial(i int) {
	db := filepath.Join(h.dir, fmt.Sprintf("demo-%d.db", i))
	res := h.runKilled(h.delay()/2, h.otklik, "demo", "--db", db, "--comments", "3000", "--seed", fmt.Sprint(i))
	if _, err := os.Stat(db); err != nil {
		return
	}
	conn := h.check(db, false)
	var n int
	conn.QueryRow(`SELECT count(*) FROM messages`).Scan(&n)
	conn.Close()
	for _, l := range res.lines {
		var want int
		if _, err := fmt.Sscanf(l, "demo region: %d messages", &want); err == nil && want != n {
			h.violate("demo %d reported %d messages saved, the store holds %d", i, want, n)
		}
	}
	if !res.killed && res.code != 0 {
		h.violate("demo %d failed: %s", i, res.stderr)
	}
	h.cleanup(db)
}

// A disk that fills up mid-import (RLIMIT_FSIZE a little above the current
// file): the import fails with an error, not a crash or a torn store, and
// goes through once space returns.
func (h *harness) diskFullTrial(i int) {
	db := filepath.Join(h.dir, fmt.Sprintf("full-%d.db", i))
	limitKB := 256 + h.rng.IntN(8192)
	res := h.runKilled(0, "bash", "-c", fmt.Sprintf(`ulimit -f %d; exec "$0" import --db "$1" "$2"`, limitKB), h.otklik, db, h.input)
	h.c.faults++
	if res.code == 0 {
		// The limit was above what the import needed: nothing to prove.
		h.cleanup(db)
		return
	}
	if !strings.Contains(res.stderr, "otklik:") {
		h.violate("import on a full disk died without an error message (exit %d): %s", res.code, res.stderr)
	}
	if _, err := os.Stat(db); err == nil {
		conn := h.check(db, false)
		h.importedTexts(db, conn)
		conn.Close()
		h.recover(db, i)
	}
	h.cleanup(db)
}

// Bulk edits on one store across trials. Each edit the editor reported
// saved must be there after the kill; the one in flight may be there or
// not, whole.
func (h *harness) editTrial(i int) {
	res := h.runKilled(h.delay()/2+300*time.Millisecond, h.editor, "--db", h.edits, "--seed", fmt.Sprint(i))
	ready := false
	var inflight string
	for _, l := range res.lines {
		switch {
		case l == "ready":
			ready = true
		case strings.HasPrefix(l, "begin "):
			inflight = strings.TrimPrefix(l, "begin ")
		case strings.HasPrefix(l, "saved "):
			h.applySaved(strings.TrimPrefix(l, "saved "))
			inflight = ""
		case strings.HasPrefix(l, "error "):
			h.violate("editor %d: %s", i, l)
			inflight = ""
		}
	}
	if !res.killed && res.code != 0 {
		h.violate("editor %d exited %d: %s", i, res.code, res.stderr)
	}
	conn := h.check(h.edits, ready && res.killed)
	defer conn.Close()
	// The in-flight edit decides which of two states a message may be in.
	alt := editState{status: map[int64]string{}, assignee: map[int64]string{}, notes: map[string]bool{}, replies: map[string]bool{}}
	if inflight != "" {
		applyTo(&alt, inflight)
	}
	for id, want := range h.expect.status {
		var got string
		conn.QueryRow(`SELECT status FROM messages WHERE id = ?`, id).Scan(&got)
		if got != want && got != alt.status[id] {
			h.violate("edits: message %d has status %q, the last saved was %q", id, got, want)
		} else if got != want {
			h.expect.status[id] = got // the in-flight edit had committed
		}
	}
	for id, want := range h.expect.assignee {
		var got string
		conn.QueryRow(`SELECT assignee FROM messages WHERE id = ?`, id).Scan(&got)
		if alt2, ok := alt.assignee[id]; got != want && (!ok || got != alt2) {
			h.violate("edits: message %d assigned to %q, the last saved was %q", id, got, want)
		} else if got != want {
			h.expect.assignee[id] = got
		}
	}
	for text := range h.expect.notes {
		var n int
		conn.QueryRow(`SELECT count(*) FROM notes WHERE text = ?`, text).Scan(&n)
		if n != 1 {
			h.violate("edits: saved note %q stored %d times", text, n)
		}
	}
	for key := range h.expect.replies {
		var n int
		conn.QueryRow(`SELECT count(*) FROM outbox WHERE idempotency_key = ?`, key).Scan(&n)
		if n != 1 {
			h.violate("edits: saved reply %s queued %d times", key, n)
		}
	}
	for text := range alt.notes {
		var n int
		conn.QueryRow(`SELECT count(*) FROM notes WHERE text = ?`, text).Scan(&n)
		if n > 1 {
			h.violate("edits: the in-flight note stored %d times", n)
		} else if n == 1 {
			h.expect.notes[text] = true
		}
	}
	for key := range alt.replies {
		var n int
		conn.QueryRow(`SELECT count(*) FROM outbox WHERE idempotency_key = ?`, key).Scan(&n)
		if n == 1 {
			h.expect.replies[key] = true
		}
	}
}

func (h *harness) applySaved(line string) { applyTo(&h.expect, line) }

// applyTo records an editor line ("status 1,2 closed", "assign 3 Анна
// Ковалёва", "note 4 text", "reply 5 key", "portal 6") into s.
func applyTo(s *editState, line string) {
	verb, rest, _ := strings.Cut(line, " ")
	arg, tail, _ := strings.Cut(rest, " ")
	ids := func() []int64 {
		var out []int64
		for _, f := range strings.Split(arg, ",") {
			var id int64
			fmt.Sscan(f, &id)
			out = append(out, id)
		}
		return out
	}
	switch verb {
	case "status":
		for _, id := range ids() {
			s.status[id] = tail
		}
	case "assign":
		for _, id := range ids() {
			s.assignee[id] = tail
		}
	case "note":
		s.notes[tail] = true
	case "reply":
		s.replies[tail] = true
		s.status[ids()[0]] = "answered"
	case "portal":
		s.status[ids()[0]] = "answered"
	}
}
