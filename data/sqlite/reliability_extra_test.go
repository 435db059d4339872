package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

func reliabilityBatch(acc data.Account, from, n int) Batch {
	b := Batch{AccountID: acc.ID}
	for i := from; i < from+n; i++ {
		b.Messages = append(b.Messages, im(data.Message{
			Platform: data.VK, ExternalID: fmt.Sprintf("77123456_%d", i), AccountID: acc.ID,
			AuthorExternalID: fmt.Sprintf("id%d", 1000+i%97), AuthorName: "Ольга Семёнова",
			Text:      fmt.Sprintf("Во дворе дома %d на улице Николаева в Смоленске третью неделю не вывозят мусор — когда приедет машина?", i),
			CreatedAt: baseTime.Add(time.Duration(i) * time.Minute), Status: data.StatusNew,
			Sentiment: data.Negative, District: "smolensk", Category: "housing",
		}))
	}
	return b
}

func countMessages(t *testing.T, db *DB) int64 {
	t.Helper()
	var n int64
	if err := db.r.QueryRow("SELECT count(*) FROM messages").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackupIntoAndVerify(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "77123456", "Смоленская область")
	mustIngest(t, db, reliabilityBatch(acc, 0, 300))

	if problems, err := db.CheckIntegrity(ctx, false); err != nil || len(problems) > 0 {
		t.Fatalf("quick_check of a fresh store: %v %v", problems, err)
	}
	dest := filepath.Join(t.TempDir(), "backups", "otklik-2026-03-02.db")
	if err := db.BackupInto(ctx, dest); err != nil {
		t.Fatalf("BackupInto: %v", err)
	}
	// Writes after the backup are not in it: it is a snapshot.
	mustIngest(t, db, reliabilityBatch(acc, 300, 10))
	info, err := VerifyFile(ctx, dest)
	if err != nil || len(info.Problems) > 0 {
		t.Fatalf("VerifyFile(backup) = %+v, %v", info, err)
	}
	if info.Messages != 300 || info.Schema != len(migrations) {
		t.Errorf("backup holds %d messages at schema %d, want 300 at %d", info.Messages, info.Schema, len(migrations))
	}
	if err := db.BackupInto(ctx, dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup over the first: err = %v, want «already exists»", err)
	}

	// A backup is a store in its own right: it opens and searches.
	b, err := Open(dest)
	if err != nil {
		t.Fatalf("Open(backup): %v", err)
	}
	defer b.Close()
	if n := countMessages(t, b); n != 300 {
		t.Errorf("opened backup: %d messages, want 300", n)
	}
}

func TestVerifyFileRefusesForeignAndDamaged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, []byte("Протокол совещания в администрации Вязьмы\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyFile(ctx, text); !errors.Is(err, ErrNotOtklik) {
		t.Errorf("VerifyFile(text file) = %v, want ErrNotOtklik", err)
	}
	if _, err := VerifyFile(ctx, filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) && err == nil {
		t.Errorf("VerifyFile(missing) = nil")
	}

	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "77123456", "Смоленская область")
	mustIngest(t, db, reliabilityBatch(acc, 0, 2000))
	good := filepath.Join(dir, "good.db")
	if err := db.BackupInto(ctx, good); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite pages in the middle of the file: the header stays valid, so
	// only integrity_check can tell.
	const page = 4096
	for off := len(raw) / 2; off < len(raw)/2+4*page && off < len(raw); off++ {
		raw[off] = byte(off * 31)
	}
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := VerifyFile(ctx, bad)
	if err == nil && len(info.Problems) == 0 {
		t.Fatalf("VerifyFile(damaged) found nothing: %+v", info)
	}
}

func TestFullDiskLosesNothingAndRecovers(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "77123456", "Смоленская область")
	mustIngest(t, db, reliabilityBatch(acc, 0, 200))

	pages, err := db.PageCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.LimitPages(ctx, pages+2); err != nil || got != pages+2 {
		t.Fatalf("LimitPages = %d, %v", got, err)
	}
	_, err = db.Ingest(ctx, reliabilityBatch(acc, 200, 3000))
	if !IsDiskFull(err) {
		t.Fatalf("Ingest on a full store: err = %v, want SQLITE_FULL", err)
	}
	if n := countMessages(t, db); n != 200 {
		t.Errorf("after the failed batch: %d messages, want the 200 stored before", n)
	}
	if problems, err := db.CheckIntegrity(ctx, true); err != nil || len(problems) > 0 {
		t.Fatalf("integrity after SQLITE_FULL: %v %v", problems, err)
	}
	// Space returns: the same batch goes in whole.
	if _, err := db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	res := mustIngest(t, db, reliabilityBatch(acc, 200, 3000))
	if res.Inserted != 3000 || countMessages(t, db) != 3200 {
		t.Errorf("after space returned: inserted %d, total %d; want 3000, 3200", res.Inserted, countMessages(t, db))
	}
}

func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		err                    error
		full, busy, readOnlyOK bool
	}{
		{"nil", nil, false, false, false},
		{"plain", errors.New("сеть недоступна"), false, false, false},
		{"locked open", fmt.Errorf("open store: %w", ErrLocked), false, true, false},
		{"read-only open", fmt.Errorf("open store: %w", ErrReadOnly), false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if IsDiskFull(tc.err) != tc.full || IsBusy(tc.err) != tc.busy || IsReadOnly(tc.err) != tc.readOnlyOK {
				t.Errorf("IsDiskFull/IsBusy/IsReadOnly(%v) = %v/%v/%v", tc.err, IsDiskFull(tc.err), IsBusy(tc.err), IsReadOnly(tc.err))
			}
		})
	}
}
