package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"otklik/data"
)

func TestOpenCreatesPrivateFileAndReopens(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Отклик", "данные")
	path := filepath.Join(dir, "otklik.db")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("file mode = %o, want 600", got)
		}
		dst, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := dst.Mode().Perm(); got != 0o700 {
			t.Errorf("folder mode = %o, want 700", got)
		}
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil || v != len(migrations) {
		t.Errorf("SchemaVersion = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := db.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk, sync int
	if err := db.w.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	if err := db.w.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Errorf("synchronous = %d, %v; want 2 (FULL)", sync, err)
	}
	// The read pool must refuse writes.
	if _, err := db.r.Exec("INSERT INTO settings(key, value) VALUES ('x', 'y')"); err == nil {
		t.Error("read pool accepted a write")
	}
	if err := db.SetSetting(ctx, "ui.language", "ru"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err = Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if got, err := db.Setting(ctx, "ui.language"); err != nil || got != "ru" {
		t.Errorf("Setting after reopen = %q, %v; want ru", got, err)
	}
}

func TestOpenRejectsForeignFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(garbage, []byte("Список вопросов к прямой линии губернатора — черновик\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short.db")
	if err := os.WriteFile(short, []byte("SQLite"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A real SQLite database that some other program made.
	foreign := filepath.Join(dir, "foreign.db")
	fdb, err := sql.Open("sqlite3", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.Exec("CREATE TABLE contacts(name TEXT)"); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	folder := filepath.Join(dir, "folder.db")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{garbage, short, foreign, folder} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			before, _ := os.ReadFile(path)
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !errors.Is(err, ErrNotOtklik) {
				t.Errorf("err = %v, want ErrNotOtklik", err)
			}
			after, _ := os.ReadFile(path)
			if string(before) != string(after) {
				t.Error("Open changed a foreign file")
			}
		})
	}
}

func TestOpenReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "otklik.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a read-only file")
	}
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("err = %v, want ErrReadOnly", err)
	}
}

func TestOpenLockedStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "otklik.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Another program holds an exclusive lock for as long as it likes.
	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"PRAGMA locking_mode=EXCLUSIVE", "BEGIN EXCLUSIVE", "INSERT INTO settings VALUES ('lock', '1')"} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	start := time.Now()
	db, err = open(path, 200*time.Millisecond, len(migrations))
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a locked store")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("err = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("gave up after %v, want to wait for the busy timeout", d)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "otklik.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a newer schema")
	}
	if !errors.Is(err, ErrTooNew) {
		t.Errorf("err = %v, want ErrTooNew", err)
	}
}

func TestMigrationFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "otklik.db")
	old, err := open(path, defaultBusyTimeout, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := old.SchemaVersion(ctx); v != 1 {
		t.Fatalf("old store at version %d, want 1", v)
	}
	acc := mustAccount(t, old, data.VK, "-12345", "Губернатор Смоленской области")
	mustIngest(t, old, Batch{AccountID: acc.ID, Messages: []IngestMessage{
		im(data.Message{Platform: data.VK, ExternalID: "wall-1_10", Text: "В Ярцево не вывозят мусор вторую неделю",
			CreatedAt: baseTime, District: "yartsevo", Category: "waste"}),
	}})
	if err := old.AddTag(ctx, []int64{mustGet(t, old, data.VK, "wall-1_10").ID}, "ЖКХ"); err != nil {
		t.Fatal(err)
	}
	old.Close()

	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open migrating from 1: %v", err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(ctx); v != len(migrations) {
		t.Errorf("version after migration = %d, want %d", v, len(migrations))
	}
	m := mustGet(t, db, data.VK, "wall-1_10")
	if m.Text != "В Ярцево не вывозят мусор вторую неделю" || m.District != "yartsevo" || len(m.Tags) != 1 {
		t.Errorf("message after migration = %+v", m)
	}
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM pragma_index_info('messages_status') WHERE name IN ('district', 'category')`).Scan(&n); err != nil || n != 2 {
		t.Errorf("migration 002: status index carries %d of district/category, %v; want 2", n, err)
	}
	if got, err := db.CountMessages(ctx, data.Filter{Match: "мусор"}); err != nil || got != 1 {
		t.Errorf("search after migration = %d, %v; want 1", got, err)
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/home/ольга/.local/share/otklik/otklik.db", "file:///home/ольга/.local/share/otklik/otklik.db"},
		{"/tmp/a b/100%?#.db", "file:///tmp/a%20b/100%25%3F%23.db"},
		{"C:/Users/Ольга/AppData/otklik.db", "file:///C:/Users/Ольга/AppData/otklik.db"},
	}
	for _, tt := range tests {
		if got := fileURI(tt.in); got != tt.want {
			t.Errorf("fileURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOpenPathWithSpecialCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "пресс-служба 100% ?#", "otklik.db")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("store not at %q: %v", path, err)
	}
}

// TestChangeVersionMovesOnEveryCommit: the value is stable while nothing is
// written and moves after a commit by this store's writer or by another
// process's connection.
func TestChangeVersionMovesOnEveryCommit(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	v := func() int64 {
		t.Helper()
		x, err := db.ChangeVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	v0 := v()
	if v1 := v(); v1 != v0 {
		t.Fatalf("moved without a write: %d → %d", v0, v1)
	}
	if err := db.SetSetting(ctx, "probe", "1"); err != nil {
		t.Fatal(err)
	}
	v1 := v()
	if v1 == v0 {
		t.Fatal("did not move after the writer committed")
	}
	other, err := Open(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SetSetting(ctx, "probe", "2"); err != nil {
		t.Fatal(err)
	}
	v2 := v()
	if v2 == v1 {
		t.Fatal("did not move after another connection committed")
	}
	if v3 := v(); v3 != v2 {
		t.Fatalf("moved without a write: %d → %d", v2, v3)
	}
}

func TestBulkRaisesAndGivesBackTheWriterCache(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	size := func() int {
		var n int
		if err := db.w.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := size(); got != -writerCacheKB {
		t.Fatalf("cache_size at open = %d, want %d", got, -writerCacheKB)
	}
	if err := db.Bulk(ctx, true); err != nil {
		t.Fatal(err)
	}
	if got := size(); got != -bulkCacheKB {
		t.Fatalf("cache_size in bulk = %d, want %d", got, -bulkCacheKB)
	}
	if err := db.Bulk(ctx, false); err != nil {
		t.Fatal(err)
	}
	if got := size(); got != -writerCacheKB {
		t.Fatalf("cache_size after bulk = %d, want %d", got, -writerCacheKB)
	}
}
