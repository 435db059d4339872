// Package sqlite is Otklik's local store: one SQLite file per office laptop
// holding messages, posts, the outbox and everything the office edits.
//
// One writer connection (BEGIN IMMEDIATE, so read-then-write transactions
// never lose updates to SQLITE_BUSY) and a small read-only pool share a WAL
// database. Search runs over an FTS5 table fed with text the core has
// already normalised and stemmed; this package never stems.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Errors Open returns for a store it cannot use; the UI explains each one.
var (
	ErrLocked    = errors.New("the store is locked by another program")
	ErrReadOnly  = errors.New("the store file is read-only")
	ErrNotOtklik = errors.New("not an Otklik database")
	ErrTooNew    = errors.New("the store was created by a newer version of Otklik")
	// ErrDuplicate is returned when an outbox item's idempotency key is
	// already queued: the action was recorded before and must not be sent twice.
	ErrDuplicate = errors.New("already queued")
)

// applicationID marks the file as Otklik's ("OTKL"), so a foreign SQLite
// file is refused instead of being migrated.
const applicationID = 0x4F544B4C

const (
	defaultBusyTimeout = 5 * time.Second
	readPoolSize       = 4
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open store. Its methods are safe for concurrent use.
type DB struct {
	path string
	w    *sql.DB // the single writer
	r    *sql.DB // read-only pool

	// watch is a connection of its own that only ever reads PRAGMA
	// data_version; see ChangeVersion.
	watchMu   sync.Mutex
	watch     *sql.DB
	watchConn *sql.Conn
	epoch     int64 // bumped with every new watchConn
}

// Open opens the store at path, creating it (and its folder) when missing,
// and brings its schema up to date.
func Open(path string) (*DB, error) {
	return open(path, defaultBusyTimeout, len(migrations))
}

// Path is the store file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools. The store keeps no planner statistics (no
// ANALYZE, no PRAGMA optimize): the queries are shaped so that one index
// is usable, and sampled statistics (analysis_limit) were measured to
// mislead the planner into sorting whole districts.
// The writer's page cache: small while the app runs, large during a bulk
// ingest, where every insert touches a dozen indexes and misses become
// reads from the OS.
const (
	writerCacheKB = 8_000
	bulkCacheKB   = 64_000
)

// Bulk raises the writer's page cache for a large ingest (on) or gives the
// memory back when it ends (off).
func (db *DB) Bulk(ctx context.Context, on bool) error {
	q := fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKB)
	if !on {
		q = fmt.Sprintf("PRAGMA cache_size = -%d; PRAGMA shrink_memory", writerCacheKB)
	}
	if _, err := db.w.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("writer cache: %w", err)
	}
	return nil
}

// ShrinkWriter empties the writer's page cache; it fills again from the OS's
// cache as writes need it.
func (db *DB) ShrinkWriter(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, "PRAGMA shrink_memory"); err != nil {
		return fmt.Errorf("shrink the writer's cache: %w", err)
	}
	return nil
}

func (db *DB) Close() error {
	db.watchMu.Lock()
	var werr error
	if db.watchConn != nil {
		db.watchConn.Close()
		db.watchConn = nil
	}
	if db.watch != nil {
		werr = db.watch.Close()
		db.watch = nil
	}
	db.watchMu.Unlock()
	return errors.Join(db.r.Close(), db.w.Close(), werr)
}

// ownReader opens a read-only connection outside the reader pool, with a
// page cache of cacheKB (0: SQLite's default), for work that must not take
// a pooled reader's place or fill its cache.
func (db *DB) ownReader(cacheKB int) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", strconv.FormatInt(defaultBusyTimeout.Milliseconds(), 10))
	if cacheKB > 0 {
		q.Set("_cache_size", strconv.Itoa(-cacheKB))
	}
	conn, err := sql.Open("sqlite3", fileURI(db.path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", db.path, err)
	}
	conn.SetMaxOpenConns(1)
	return conn, nil
}

// ChangeVersion returns a value that differs from the previous one whenever
// anything was committed to the store in between, by this process or any
// other. Callers keep derived results (the broadcast panel's question
// groups) under it and recompute only when it moves. It reads SQLite's
// PRAGMA data_version on one connection that never writes; should that
// connection fail and be replaced, the epoch moves the value on, so the new
// connection, which restarts its count, cannot return an old value.
func (db *DB) ChangeVersion(ctx context.Context) (int64, error) {
	db.watchMu.Lock()
	defer db.watchMu.Unlock()
	if db.watchConn == nil {
		if db.watch == nil {
			w, err := db.ownReader(0)
			if err != nil {
				return 0, fmt.Errorf("change version: %w", err)
			}
			db.watch = w
		}
		// A held sql.Conn is never swapped behind our back, as a pooled
		// one may be.
		c, err := db.watch.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("change version: %w", err)
		}
		db.watchConn = c
		db.epoch++
	}
	var v int64
	if err := db.watchConn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		db.watchConn.Close()
		db.watchConn = nil
		return 0, fmt.Errorf("change version: %w", err)
	}
	return db.epoch<<40 | v, nil
}

func open(path string, busy time.Duration, upTo int) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, err
	}
	db := &DB{path: abs}
	common := url.Values{}
	common.Set("_busy_timeout", strconv.FormatInt(busy.Milliseconds(), 10))
	// 2 MB a reader and 8 MB for the writer: the inbox's queries read
	// covering indexes in order, and the OS caches the file anyway. A bulk
	// ingest raises the writer's cache while it runs (see Bulk).
	common.Set("_cache_size", "-2000")

	wq := url.Values{}
	for k, v := range common {
		wq[k] = v
	}
	wq.Set("mode", "rw")
	wq.Set("_cache_size", strconv.Itoa(-writerCacheKB))
	wq.Set("_synchronous", "FULL")
	wq.Set("_foreign_keys", "on")
	wq.Set("_txlock", "immediate")
	db.w, err = sql.Open("sqlite3", fileURI(abs)+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxLifetime(0)
	db.w.SetConnMaxIdleTime(0)
	if err := db.migrate(context.Background(), upTo); err != nil {
		db.w.Close()
		return nil, classify(abs, err)
	}

	rq := url.Values{}
	for k, v := range common {
		rq[k] = v
	}
	rq.Set("mode", "ro")
	db.r, err = sql.Open("sqlite3", fileURI(abs)+"?"+rq.Encode())
	if err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open store %s: %w", abs, err)
	}
	db.r.SetMaxOpenConns(readPoolSize)
	db.r.SetMaxIdleConns(readPoolSize)
	if err := db.r.Ping(); err != nil {
		db.r.Close()
		db.w.Close()
		return nil, classify(abs, err)
	}
	return db, nil
}

// prepareFile creates the folder (0700) and an empty file (0600), or checks
// that an existing file looks like SQLite and is writable. Root ignores
// permission bits, so the owner-write bit is checked here explicitly: a file
// the user marked read-only is never written to.
func prepareFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create store folder: %w", err)
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("create store %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("create store %s: %w", path, err)
		}
		// The umask may have narrowed or the filesystem ignored the mode.
		if runtime.GOOS != "windows" {
			if err := os.Chmod(path, 0o600); err != nil {
				return fmt.Errorf("create store %s: %w", path, err)
			}
		}
		return nil
	case err != nil:
		return fmt.Errorf("open store %s: %w", path, err)
	case st.IsDir():
		return fmt.Errorf("open store %s: is a folder: %w", path, ErrNotOtklik)
	case st.Mode().Perm()&0o200 == 0:
		return fmt.Errorf("open store %s: %w", path, ErrReadOnly)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF) {
		return nil // empty file: a fresh store
	}
	if n < len(head) || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("open store %s: %w", path, ErrNotOtklik)
	}
	return nil
}

// fileURI turns a path into an SQLite URI, escaping characters that URIs
// reserve and giving Windows drive paths the form file:///C:/….
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if len(p) >= 2 && p[1] == ':' {
		p = "/" + p
	}
	var b strings.Builder
	for _, c := range []byte(p) {
		switch c {
		case '%', '?', '#', ' ':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	if strings.HasPrefix(p, "/") {
		return "file://" + b.String()
	}
	return "file:" + b.String()
}

// classify maps SQLite's codes to the errors the UI explains.
func classify(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return fmt.Errorf("open store %s: %w (%v)", path, ErrLocked, err)
		case sqlite3.ErrReadonly, sqlite3.ErrPerm:
			return fmt.Errorf("open store %s: %w (%v)", path, ErrReadOnly, err)
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return fmt.Errorf("open store %s: %w (%v)", path, ErrNotOtklik, err)
		}
	}
	return fmt.Errorf("open store %s: %w", path, err)
}

type migration struct {
	version int
	name    string
	sql     string
}

var migrations = loadMigrations()

// loadMigrations reads the embedded NNN_name.sql files; the numbers must run
// 1, 2, 3… without gaps, since user_version counts applied files.
func loadMigrations() []migration {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var ms []migration
	for i, name := range names {
		base := filepath.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			panic(fmt.Sprintf("sqlite: migration %s out of sequence", base))
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms
}

// migrate applies migrations after the file's user_version up to upTo, each
// in its own transaction together with the version bump.
func (db *DB) migrate(ctx context.Context, upTo int) error {
	var version, appID int
	if err := db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if err := db.w.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return err
	}
	if appID != applicationID {
		var tables int
		if err := db.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			return err
		}
		if version != 0 || tables != 0 {
			return ErrNotOtklik
		}
	}
	// WAL is persistent in the file; set only once the file is known to be ours.
	var mode string
	if err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("cannot switch the store to WAL (journal mode %q)", mode)
	}
	// Checkpoint every ~128 MB of WAL instead of 4 MB: on a large store one
	// ingest transaction dirties tens of MB of index pages, and a checkpoint
	// after each would copy the same hot pages into the file again and
	// again. The WAL file is cut back to 64 MB once checkpointed.
	if _, err := db.w.ExecContext(ctx, "PRAGMA wal_autocheckpoint=32000; PRAGMA journal_size_limit=67108864"); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("%w (schema %d, this build knows %d)", ErrTooNew, version, len(migrations))
	}
	for _, m := range migrations[version:upTo] {
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", m.version, applicationID)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion is the number of migrations applied to the file.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// inTx runs fn in one write transaction.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Time helpers: the store keeps INTEGER unix seconds UTC; NULL is "not set".
func unixOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func fromUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// idsJSON encodes ids for `IN (SELECT value FROM json_each(?))`, which keeps
// one statement for any number of ids.
func idsJSON(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}
