package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// maxReportedProblems caps what integrity_check lists: a damaged file can
// yield millions of lines, and the first ones say what matters.
const maxReportedProblems = 100

// CheckIntegrity runs PRAGMA integrity_check (full) or quick_check and
// returns the problems it found; none means the file is sound. It reads on
// a read-only connection of its own, so the app's writes go on meanwhile.
func (db *DB) CheckIntegrity(ctx context.Context, full bool) ([]string, error) {
	conn, err := db.oneOff()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return checkIntegrity(ctx, conn, full)
}

// oneOff opens a read-only connection with a small page cache for a task
// that reads the whole file once (a check, a backup): through a pooled
// reader it would leave that reader's cache full of pages nobody needs, and
// the memory held, for as long as the app runs.
func (db *DB) oneOff() (*sql.DB, error) { return db.ownReader(2000) }

func checkIntegrity(ctx context.Context, conn *sql.DB, full bool) ([]string, error) {
	pragma := "quick_check"
	if full {
		pragma = "integrity_check"
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf("PRAGMA %s(%d)", pragma, maxReportedProblems))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	return problems, rows.Err()
}

// BackupInto writes a consistent, compacted copy of the store to dest with
// VACUUM INTO. It reads a snapshot on its own connection, so the app keeps
// writing meanwhile. dest must not exist; a copy interrupted half-way is
// removed.
func (db *DB) BackupInto(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup %s: the file already exists", dest)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}
	conn, err := db.oneOff()
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// LimitPages caps the store file at pages pages (PRAGMA max_page_count on
// the writer) and returns the cap in force. SQLite then answers writes that
// would grow the file with SQLITE_FULL, exactly as on a full disk; a cap at
// or below the current size leaves the file as it is.
func (db *DB) LimitPages(ctx context.Context, pages int64) (int64, error) {
	var n int64
	err := db.w.QueryRowContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Scan(&n)
	return n, err
}

// PageCount is the number of pages the store file holds.
func (db *DB) PageCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&n)
	return n, err
}

// FileInfo describes a store file checked by VerifyFile.
type FileInfo struct {
	Schema   int      // migrations applied
	Messages int64    // rows in messages
	Problems []string // integrity_check's findings; none when sound
}

// VerifyFile checks a store file without migrating or writing it: that it
// is an Otklik store this build can open, and a full integrity_check.
func VerifyFile(ctx context.Context, path string) (FileInfo, error) {
	var info FileInfo
	abs, err := filepath.Abs(path)
	if err != nil {
		return info, err
	}
	if err := prepareFile(abs); err != nil && !errors.Is(err, ErrReadOnly) {
		return info, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	conn, err := sql.Open("sqlite3", fileURI(abs)+"?"+q.Encode())
	if err != nil {
		return info, err
	}
	defer conn.Close()
	var appID int
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return info, classify(abs, err)
	}
	if appID != applicationID {
		return info, fmt.Errorf("%s: %w", abs, ErrNotOtklik)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&info.Schema); err != nil {
		return info, err
	}
	if info.Schema > len(migrations) {
		return info, fmt.Errorf("%s: %w (schema %d, this build knows %d)", abs, ErrTooNew, info.Schema, len(migrations))
	}
	if info.Problems, err = checkIntegrity(ctx, conn, true); err != nil {
		return info, classify(abs, err)
	}
	if len(info.Problems) == 0 {
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM messages").Scan(&info.Messages); err != nil {
			return info, err
		}
	}
	return info, nil
}

// SQLite's primary result codes behind an error, for callers that explain
// failures to people: the disk is full, the file is locked, it is read-only.

// IsDiskFull reports whether err is SQLite's SQLITE_FULL.
func IsDiskFull(err error) bool { return code(err) == sqlite3.ErrFull }

// IsBusy reports whether err means another connection holds the lock.
func IsBusy(err error) bool {
	c := code(err)
	return c == sqlite3.ErrBusy || c == sqlite3.ErrLocked || errors.Is(err, ErrLocked)
}

// IsReadOnly reports whether err means the file or its folder cannot be written.
func IsReadOnly(err error) bool {
	c := code(err)
	return c == sqlite3.ErrReadonly || c == sqlite3.ErrPerm || errors.Is(err, ErrReadOnly) ||
		(c == sqlite3.ErrCantOpen && strings.Contains(err.Error(), "readonly"))
}

func code(err error) sqlite3.ErrNo {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}
