package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"otklik/data/sqlite"
)

// BackupRetention is how many daily backups are kept, and for how many
// further weeks the newest backup of each week is kept.
var BackupRetention = struct{ Daily, Weekly int }{Daily: 7, Weekly: 4}

// BackupInfo describes a backup written.
type BackupInfo struct {
	Path string
	Size int64
	Took time.Duration
}

// BackupDir is the folder the daily backups go to: backups/ beside the store.
func (a *App) BackupDir() string { return filepath.Join(filepath.Dir(a.path), "backups") }

// dailyPrefix names a store's daily backups: otklik.db → otklik-2026-11-27.db.
func dailyPrefix(dbPath string) string {
	base := filepath.Base(dbPath)
	return strings.TrimSuffix(base, filepath.Ext(base)) + "-"
}

const dayLayout = "2006-01-02"

// Backup writes a consistent copy of the store to dest (VACUUM INTO, through
// a temporary file renamed into place) and checks the copy with quick_check.
// The app keeps working meanwhile.
func (a *App) Backup(ctx context.Context, dest string) (BackupInfo, error) {
	db, err := a.store()
	if err != nil {
		return BackupInfo{}, err
	}
	start := time.Now()
	dest, err = filepath.Abs(dest)
	if err != nil {
		return BackupInfo{}, err
	}
	if _, err := os.Stat(dest); err == nil {
		return BackupInfo{}, fmt.Errorf("backup: %s already exists; choose another file", dest)
	}
	tmp := dest + ".partial"
	os.Remove(tmp) // left by a backup interrupted by a crash
	if err := db.BackupInto(ctx, tmp); err != nil {
		return BackupInfo{}, ExplainStoreError(err)
	}
	info, err := sqlite.VerifyFile(ctx, tmp)
	if err == nil && len(info.Problems) > 0 {
		err = fmt.Errorf("the copy failed its check: %s", strings.Join(info.Problems, "; "))
	}
	if err == nil {
		err = os.Rename(tmp, dest)
	}
	if err != nil {
		os.Remove(tmp)
		return BackupInfo{}, fmt.Errorf("backup to %s: %w", dest, err)
	}
	syncDir(filepath.Dir(dest))
	st, err := os.Stat(dest)
	if err != nil {
		return BackupInfo{}, err
	}
	return BackupInfo{Path: dest, Size: st.Size(), Took: time.Since(start)}, nil
}

// DailyBackup writes today's backup into BackupDir unless one exists, then
// prunes old ones per BackupRetention. made reports whether it wrote one.
func (a *App) DailyBackup(ctx context.Context) (info BackupInfo, made bool, err error) {
	dir := a.BackupDir()
	today := a.now().Local().Format(dayLayout)
	dest := filepath.Join(dir, dailyPrefix(a.path)+today+".db")
	if _, err := os.Stat(dest); err == nil {
		return BackupInfo{Path: dest}, false, a.pruneBackups(dir)
	}
	info, err = a.Backup(ctx, dest)
	if err != nil {
		return info, false, err
	}
	return info, true, a.pruneBackups(dir)
}

// pruneBackups removes the daily backups that retention no longer keeps.
// Files not named like daily backups (manual ones) are never touched.
func (a *App) pruneBackups(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	prefix := dailyPrefix(a.path)
	byDay := map[time.Time]string{}
	var days []time.Time
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".db") {
			continue
		}
		d, err := time.Parse(dayLayout, strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".db"))
		if err != nil {
			continue
		}
		byDay[d] = name
		days = append(days, d)
	}
	keep := retain(days, BackupRetention.Daily, BackupRetention.Weekly)
	var errs []error
	for _, d := range days {
		if !keep[d] {
			if err := os.Remove(filepath.Join(dir, byDay[d])); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// retain picks the backup days to keep: the newest daily ones, then the
// newest backup of each of the next weekly ISO weeks that has one.
func retain(days []time.Time, daily, weekly int) map[time.Time]bool {
	sorted := append([]time.Time(nil), days...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].After(sorted[j]) })
	keep := map[time.Time]bool{}
	weeks := map[[2]int]bool{}
	week := func(d time.Time) [2]int { y, w := d.ISOWeek(); return [2]int{y, w} }
	for i, d := range sorted {
		if i < daily {
			keep[d] = true
			weeks[week(d)] = true
			continue
		}
		if w := week(d); !weeks[w] && weekly > 0 {
			weeks[w] = true
			keep[d] = true
			weekly--
		}
	}
	return keep
}

// RestoreResult describes a restore.
type RestoreResult struct {
	Replaced string // where the replaced store was kept ("" when there was none)
	Messages int64  // messages in the restored store
	Schema   int
}

// Restore replaces the store at dbPath ("" means DefaultDBPath) with the
// backup from. It refuses while any Otklik process has the store open, and
// checks the backup with a full integrity_check before touching anything.
// The replaced store is kept as <store>.bak (with its -wal, so nothing it
// held is lost).
func Restore(ctx context.Context, dbPath, from string) (RestoreResult, error) {
	var res RestoreResult
	if dbPath == "" {
		p, err := DefaultDBPath()
		if err != nil {
			return res, err
		}
		dbPath = p
	}
	dbPath, err := filepath.Abs(dbPath)
	if err != nil {
		return res, err
	}
	from, err = filepath.Abs(from)
	if err != nil {
		return res, err
	}
	if from == dbPath {
		return res, errors.New("restore: the backup is the store itself")
	}
	info, err := sqlite.VerifyFile(ctx, from)
	if err != nil {
		return res, fmt.Errorf("restore: the backup %s cannot be used: %w", from, err)
	}
	if len(info.Problems) > 0 {
		return res, fmt.Errorf("restore: the backup %s is damaged (%s); nothing was changed", from, strings.Join(info.Problems, "; "))
	}
	res.Messages, res.Schema = info.Messages, info.Schema

	unlock, err := lockForRestore(dbPath)
	if err != nil {
		return res, err
	}
	defer unlock()

	tmp := dbPath + ".restore"
	if err := copyFile(ctx, from, tmp); err != nil {
		os.Remove(tmp)
		return res, fmt.Errorf("restore: copying the backup: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		bak := dbPath + ".bak"
		// The -wal and -shm move with the file under the names SQLite looks
		// for, so the .bak opens with everything the store held.
		for _, sfx := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(bak + sfx); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return res, fmt.Errorf("restore: removing the previous %s: %w", bak+sfx, err)
			}
		}
		for _, sfx := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Rename(dbPath+sfx, bak+sfx); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return res, fmt.Errorf("restore: keeping the replaced store as %s: %w", bak, err)
			}
		}
		res.Replaced = bak
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return res, fmt.Errorf("restore: %w (the previous store is at %s)", err, res.Replaced)
	}
	syncDir(filepath.Dir(dbPath))
	return res, nil
}

// lockForRestore holds the session marker exclusively, so no Otklik opens
// the store while it is replaced; it fails with ErrStoreInUse while one has
// it open. The replaced store's history does not carry over: the marker is
// emptied.
func lockForRestore(dbPath string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(lockPath(dbPath), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, ExplainStoreError(err)
	}
	ok, err := lockFile(f, true)
	if err != nil || !ok {
		f.Close()
		if err != nil {
			return nil, err
		}
		text, _ := os.ReadFile(lockPath(dbPath))
		if pid := pidOf(string(text)); pid > 0 {
			return nil, fmt.Errorf("restore: %w (process %d); nothing was changed", ErrStoreInUse, pid)
		}
		return nil, fmt.Errorf("restore: %w; nothing was changed", ErrStoreInUse)
	}
	return func() {
		f.Truncate(0)
		f.Sync()
		unlockFile(f)
		f.Close()
	}, nil
}

// copyFile copies src to dst and flushes it to disk.
func copyFile(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			out.Close()
			return err
		}
		n, rerr := in.Read(buf)
		if n > 0 {
			if _, err := out.Write(buf[:n]); err != nil {
				out.Close()
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			out.Close()
			return rerr
		}
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// syncDir makes a rename durable; filesystems that cannot sync a folder
// (Windows) need nothing more.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
