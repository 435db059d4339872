package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"otklik/data/sqlite"
)

// Errors that explain why the store cannot be used right now. They read
// Russian first, since the UI shows them as they are; ExplainStoreError
// wraps SQLite's codes into them.
var (
	ErrStoreBusy     = errors.New("база открыта в другой программе (the store is locked by another program): закройте её и повторите")
	ErrDiskFull      = errors.New("на диске не осталось места (the disk is full): несохранённое не записано, освободите место и повторите")
	ErrStoreReadOnly = errors.New("база доступна только для чтения (the store or its folder is read-only): проверьте права на папку и файл")
	ErrStoreInUse    = errors.New("база открыта в Отклике (the store is open in Otklik): закройте окно и команды Отклика и повторите")
)

// ExplainStoreError wraps an error from the store in the one of ErrStoreBusy,
// ErrDiskFull and ErrStoreReadOnly that explains it; other errors pass as they
// are. The original error stays in the chain.
func ExplainStoreError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrStoreBusy), errors.Is(err, ErrDiskFull), errors.Is(err, ErrStoreReadOnly):
		return err
	case sqlite.IsDiskFull(err):
		return fmt.Errorf("%w: %w", ErrDiskFull, err)
	case sqlite.IsBusy(err):
		return fmt.Errorf("%w: %w", ErrStoreBusy, err)
	case sqlite.IsReadOnly(err):
		return fmt.Errorf("%w: %w", ErrStoreReadOnly, err)
	}
	return err
}

// EventIntegrity tells the UI that a check of the store found damage
// (IntegrityReport.OK is false): it should offer `otklik restore`.
const EventIntegrity = "integrity"

// A session is the marker file beside the store (<store>.lock). Every
// process that opens the store holds a shared lock on it and writes its pid
// into it; the last one to close cleanly empties it. So at open:
//   - an exclusive lock that succeeds on a non-empty marker means the last
//     process died without Close (power cut, kill -9): the shutdown was
//     unclean and a full integrity_check is due;
//   - a restore holds the lock exclusively, and nothing else opens the
//     store meanwhile; an open store makes a restore refuse.
//
// The marker stays non-empty until a full check has passed, so a crash
// followed by a CLI command that never checks still leads to the check.
//
// Every process also leaves a file of its own in <store>.sessions/ for as
// long as it has the store open. The marker alone could not tell, when two
// processes share the store, that the one killed was not the last to close:
// the survivor, closing cleanly and alone, would empty it. A session file
// left behind by a dead process keeps the marker, and the next process to
// open the store alone finds the unclean shutdown.
type session struct {
	f           *os.File
	own         string // this process's file in the sessions folder
	unclean     bool   // found at open
	pendingFull bool   // a full check is owed and has not passed yet
}

func sessionsDir(dbPath string) string { return dbPath + ".sessions" }

// others lists the session files other than s's own.
func (s *session) others(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if p := filepath.Join(dir, e.Name()); p != s.own {
			out = append(out, p)
		}
	}
	return out, nil
}

type maintState struct {
	mu     sync.Mutex
	sess   *session
	cancel context.CancelFunc
	wg     sync.WaitGroup
	done   chan struct{}
	last   *IntegrityReport
}

func lockPath(dbPath string) string { return dbPath + ".lock" }

// acquireSession takes the session's shared lock, finding out whether the
// last shutdown was clean. It fails with ErrStoreReadOnly on a folder the
// user made read-only (root would write there regardless) and with
// ErrStoreInUse while a restore holds the store.
func acquireSession(dbPath string) (*session, error) {
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, ExplainStoreError(fmt.Errorf("create store folder: %w", err))
	}
	if st, err := os.Stat(dir); err == nil && st.Mode().Perm()&0o200 == 0 {
		return nil, fmt.Errorf("%w: %s", ErrStoreReadOnly, dir)
	}
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(lockPath(dbPath), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			if errors.Is(err, os.ErrPermission) {
				return nil, fmt.Errorf("%w: %v", ErrStoreReadOnly, err)
			}
			return nil, err
		}
		s, retry, err := lockSession(f, sessionsDir(dbPath))
		if err == nil {
			return s, nil
		}
		f.Close()
		if !retry || attempt >= 40 {
			return nil, err
		}
		// Another process is between its exclusive probe and its shared
		// lock, or a restore is running: wait a little.
		time.Sleep(50 * time.Millisecond)
	}
}

func lockSession(f *os.File, dir string) (*session, bool, error) {
	s := &session{f: f}
	alone, err := lockFile(f, true)
	if err != nil {
		return nil, false, err
	}
	if alone {
		left, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<16))
		if err != nil {
			return nil, false, err
		}
		// Alone, any session file is a dead process's.
		dead, err := s.others(dir)
		if err != nil {
			return nil, false, err
		}
		s.unclean = len(strings.TrimSpace(string(left))) > 0 || len(dead) > 0
		s.pendingFull = s.unclean
		if err := s.write(); err != nil {
			return nil, false, err
		}
		// The marker now carries the owed check; the files have told theirs.
		for _, p := range dead {
			os.Remove(p)
		}
		if err := s.enter(dir); err != nil {
			return nil, false, err
		}
		if err := downgrade(f); err != nil {
			s.leave()
			return nil, true, fmt.Errorf("%w (%v)", ErrStoreInUse, err)
		}
		return s, false, nil
	}
	ok, err := lockFile(f, false)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, true, ErrStoreInUse
	}
	if err := s.enter(dir); err != nil {
		unlockFile(f)
		return nil, false, err
	}
	return s, false, nil
}

// enter leaves this process's session file; called under the lock.
func (s *session) enter(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	host, _ := os.Hostname()
	f, err := os.CreateTemp(dir, fmt.Sprintf("pid%d-*", os.Getpid()))
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	_, err = fmt.Fprintf(f, "pid %d on %s since %s\n", os.Getpid(), host, time.Now().Format(time.RFC3339))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	s.own = f.Name()
	if err != nil {
		s.leave()
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

// leave removes this process's session file.
func (s *session) leave() {
	if s.own != "" {
		os.Remove(s.own)
		s.own = ""
	}
}

// downgrade turns the exclusive lock into a shared one.
func downgrade(f *os.File) error {
	if ok, err := lockFile(f, false); err == nil && ok {
		return nil
	}
	// Windows stacks locks instead of converting them.
	if err := unlockFile(f); err != nil {
		return err
	}
	ok, err := lockFile(f, false)
	if err == nil && !ok {
		err = errors.New("lost the lock to another process")
	}
	return err
}

// write records this process in the marker; only called while alone.
func (s *session) write() error {
	host, _ := os.Hostname()
	text := fmt.Sprintf("pid %d on %s since %s\n", os.Getpid(), host, time.Now().Format(time.RFC3339))
	if s.pendingFull {
		text += "full integrity check pending\n"
	}
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	if _, err := s.f.WriteAt([]byte(text), 0); err != nil {
		return err
	}
	return s.f.Sync()
}

// release ends the session. The marker is emptied when the store closed
// cleanly, no full check is owed, no other process still has it open and
// none died with it open. After an unclean close the session file stays.
func (s *session) release(clean bool) error {
	if s == nil || s.f == nil {
		return nil
	}
	var err error
	if clean {
		dir := filepath.Dir(s.own)
		s.leave()
		if !s.pendingFull {
			if alone, lerr := lockFile(s.f, true); lerr == nil && alone {
				// Alone, a session file left is a process that died with
				// the store open: the marker stays for the next open.
				if dead, derr := s.others(dir); derr == nil && len(dead) == 0 {
					if err = s.f.Truncate(0); err == nil {
						err = s.f.Sync()
					}
				}
			}
		}
	}
	return errors.Join(err, unlockFile(s.f), s.f.Close())
}

// openSession is called by Open before the store is opened.
func (a *App) openSession() error {
	s, err := acquireSession(a.path)
	if err != nil {
		return err
	}
	a.maint.mu.Lock()
	a.maint.sess = s
	a.maint.mu.Unlock()
	if s.unclean {
		a.log.Warn("the store was not closed cleanly last time; a full integrity check is due", "store", a.path)
	}
	return nil
}

// closeSession is called by Close after the store is closed.
func (a *App) closeSession(clean bool) error {
	a.maint.mu.Lock()
	s := a.maint.sess
	a.maint.sess = nil
	a.maint.mu.Unlock()
	return s.release(clean)
}

// UncleanShutdown reports whether the store had not been closed cleanly
// before this App opened it, or a full check owed since has not passed yet
// in any session.
func (a *App) UncleanShutdown() bool {
	a.maint.mu.Lock()
	defer a.maint.mu.Unlock()
	return a.maint.sess != nil && a.maint.sess.unclean
}

// IntegrityReport is the outcome of a check of the store.
type IntegrityReport struct {
	Full     bool     // integrity_check rather than quick_check
	OK       bool     // no problems found
	Problems []string // SQLite's findings, at most 100
	Unclean  bool     // the store had not been closed cleanly before this run
	Took     time.Duration
	At       time.Time
}

// CheckIntegrity runs PRAGMA integrity_check (full) or quick_check. A
// passing full check settles an unclean shutdown.
func (a *App) CheckIntegrity(ctx context.Context, full bool) (IntegrityReport, error) {
	db, err := a.store()
	if err != nil {
		return IntegrityReport{}, err
	}
	start := time.Now()
	problems, err := db.CheckIntegrity(ctx, full)
	if err != nil {
		return IntegrityReport{}, ExplainStoreError(err)
	}
	rep := IntegrityReport{Full: full, OK: len(problems) == 0, Problems: problems,
		Unclean: a.UncleanShutdown(), Took: time.Since(start), At: a.now()}
	a.maint.mu.Lock()
	if full && rep.OK && a.maint.sess != nil {
		a.maint.sess.pendingFull = false
	}
	a.maint.last = &rep
	a.maint.mu.Unlock()
	if !rep.OK {
		a.log.Error("the store is damaged", "store", a.path, "full", full, "problems", problems)
		a.publish(Event{Kind: EventIntegrity})
	}
	return rep, nil
}

// LastIntegrity is the latest check's report, if any ran.
func (a *App) LastIntegrity() (IntegrityReport, bool) {
	a.maint.mu.Lock()
	defer a.maint.mu.Unlock()
	if a.maint.last == nil {
		return IntegrityReport{}, false
	}
	return *a.maint.last, true
}

// StartMaintenance checks the store and makes the day's backup in the
// background: PRAGMA quick_check, or the full integrity_check after an
// unclean shutdown, then, if the store is sound and no backup was made
// today, a VACUUM INTO copy into <store folder>/backups with retention
// (BackupRetention). It returns at once with a channel closed when the work
// ends; cancelling ctx or Close stops the work, and Close waits for it.
// Calling it again returns the same channel.
func (a *App) StartMaintenance(ctx context.Context) <-chan struct{} {
	a.maint.mu.Lock()
	defer a.maint.mu.Unlock()
	if a.maint.done != nil {
		return a.maint.done
	}
	done := make(chan struct{})
	a.maint.done = done
	if a.maint.sess == nil { // closed
		close(done)
		return done
	}
	ctx, a.maint.cancel = context.WithCancel(ctx)
	a.maint.wg.Add(1)
	go func() {
		defer close(done)
		defer a.maint.wg.Done()
		if err := a.maintain(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("store maintenance", "store", a.path, "err", err)
		}
		// The check and the backup read the whole file on a connection
		// of their own, now closed.
		a.releaseAfter(ctx, "maintenance")
	}()
	return done
}

func (a *App) maintain(ctx context.Context) error {
	rep, err := a.CheckIntegrity(ctx, a.UncleanShutdown())
	if err != nil {
		return err
	}
	a.log.Info("store checked", "full", rep.Full, "ok", rep.OK, "took", rep.Took.Round(time.Millisecond))
	if !rep.OK {
		// A copy of a damaged store would push good backups out of retention.
		return nil
	}
	b, made, err := a.DailyBackup(ctx)
	if err != nil {
		return err
	}
	if made {
		a.log.Info("daily backup written", "file", b.Path, "bytes", b.Size, "took", b.Took.Round(time.Millisecond))
	}
	return nil
}

// stopMaintenance cancels the background work and waits for it.
func (a *App) stopMaintenance() {
	a.maint.mu.Lock()
	cancel := a.maint.cancel
	a.maint.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	a.maint.wg.Wait()
}

// pidOf reads the pid a marker names, for error messages; 0 when none.
func pidOf(text string) int {
	f := strings.Fields(text)
	if len(f) >= 2 && f[0] == "pid" {
		n, _ := strconv.Atoi(f[1])
		return n
	}
	return 0
}
