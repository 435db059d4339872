package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

func day(s string) time.Time {
	d, err := time.Parse(dayLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestRetain(t *testing.T) {
	// 2026-11-25 is a Wednesday of ISO week 48.
	var lastForty []time.Time
	for i := 0; i < 40; i++ {
		lastForty = append(lastForty, day("2026-11-25").AddDate(0, 0, -i))
	}
	for _, tc := range []struct {
		name          string
		days          []time.Time
		daily, weekly int
		want          []string
	}{
		{"empty", nil, 7, 4, nil},
		{"fewer than the daily count", []time.Time{day("2026-11-25"), day("2026-11-24")}, 7, 4,
			[]string{"2026-11-24", "2026-11-25"}},
		{"forty days in a row", lastForty, 7, 4, []string{
			// the newest of weeks 44–47 (each ends on a Sunday), then the 7 newest days
			"2026-10-25", "2026-11-01", "2026-11-08", "2026-11-15",
			"2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"}},
		{"gaps: weeks without a backup are skipped", []time.Time{
			day("2026-11-25"), day("2026-11-10"), day("2026-11-09"), day("2026-10-01"), day("2026-09-01"), day("2026-08-01"), day("2026-07-01")}, 1, 3,
			[]string{"2026-09-01", "2026-10-01", "2026-11-10", "2026-11-25"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep := retain(tc.days, tc.daily, tc.weekly)
			var got []string
			for d, ok := range keep {
				if ok {
					got = append(got, d.Format(dayLayout))
				}
			}
			sort.Strings(got)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("retain = %v\nwant     %v", got, tc.want)
			}
		})
	}
}

func seedMessages(t *testing.T, a *App, from, n int) {
	t.Helper()
	acc := mustAccount(t, a, data.VK, "77123456")
	var msgs []data.Message
	for i := from; i < from+n; i++ {
		msgs = append(msgs, msg(acc, fmt.Sprint(i), "В Ярцеве на улице Гагарина прорвало трубу, вода стоит во дворе", "Ярцево", time.Duration(i)*time.Minute))
	}
	if _, err := a.Ingest(context.Background(), 0, nil, msgs); err != nil {
		t.Fatal(err)
	}
}

func messageCount(t *testing.T, a *App) int {
	t.Helper()
	n, err := a.Count(context.Background(), Query{Filter: data.Filter{IncludeOffice: true}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDailyBackupOncePerDayWithRetention(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	seedMessages(t, a, 0, 25)
	dir := a.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Forty earlier daily backups and one made by hand.
	for i := 1; i <= 40; i++ {
		name := "otklik-" + testNow.AddDate(0, 0, -i).Format(dayLayout) + ".db"
		os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o600)
	}
	manual := filepath.Join(dir, "перед обновлением.db")
	os.WriteFile(manual, []byte("manual"), 0o600)

	info, made, err := a.DailyBackup(ctx)
	if err != nil || !made {
		t.Fatalf("DailyBackup = %+v, %v, %v", info, made, err)
	}
	if want := filepath.Join(dir, "otklik-2026-11-25.db"); info.Path != want || info.Size == 0 {
		t.Errorf("backup %s (%d bytes), want %s", info.Path, info.Size, want)
	}
	if _, made, err := a.DailyBackup(ctx); err != nil || made {
		t.Errorf("second DailyBackup the same day: made=%v err=%v, want none", made, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// today + 6 earlier days + 4 weekly + the manual one
	if len(names) != 12 {
		t.Errorf("backups left: %d %v, want 12", len(names), names)
	}
	if _, err := os.Stat(manual); err != nil {
		t.Errorf("the manual backup was pruned: %v", err)
	}

	b, err := Open(ctx, Options{DBPath: info.Path, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n := messageCount(t, b); n != 25 {
		t.Errorf("the backup holds %d messages, want 25", n)
	}
}

func TestStartMaintenanceChecksAndBacksUp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "otklik.db")
	a, err := Open(ctx, Options{DBPath: path, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	seedMessages(t, a, 0, 10)
	done := a.StartMaintenance(ctx)
	if again := a.StartMaintenance(ctx); again != done {
		t.Error("a second StartMaintenance started more work")
	}
	<-done
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	rep, ok := a.LastIntegrity()
	if !ok || !rep.OK || rep.Full || rep.Unclean {
		t.Errorf("LastIntegrity = %+v, %v; want a passing quick check", rep, ok)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "backups", "otklik-2026-11-25.db")); err != nil {
		t.Errorf("no daily backup: %v", err)
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "otklik.db")
	a, err := Open(ctx, Options{DBPath: path, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	seedMessages(t, a, 0, 5)
	backup := filepath.Join(dir, "копия.db")
	if _, err := a.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Backup(ctx, backup); err == nil {
		t.Error("a backup over an existing file succeeded")
	}
	seedMessages(t, a, 5, 3)

	// The store is open: the restore refuses and changes nothing.
	if _, err := Restore(ctx, path, backup); !errors.Is(err, ErrStoreInUse) {
		t.Fatalf("Restore while open = %v, want ErrStoreInUse", err)
	}
	if n := messageCount(t, a); n != 8 {
		t.Fatalf("after a refused restore: %d messages, want 8", n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// A damaged or foreign backup is refused before anything is touched.
	foreign := filepath.Join(dir, "таблица.db")
	os.WriteFile(foreign, []byte("not a store"), 0o600)
	if _, err := Restore(ctx, path, foreign); err == nil || !strings.Contains(err.Error(), "cannot be used") {
		t.Errorf("Restore(foreign) = %v", err)
	}
	if _, err := Restore(ctx, path, filepath.Join(dir, "нет такого.db")); err == nil {
		t.Error("Restore(missing file) succeeded")
	}

	res, err := Restore(ctx, path, backup)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if res.Replaced != path+".bak" || res.Messages != 5 {
		t.Errorf("Restore = %+v", res)
	}
	for _, tc := range []struct {
		path string
		want int
	}{{path, 5}, {path + ".bak", 8}} {
		b, err := Open(ctx, Options{DBPath: tc.path, Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatal(err)
		}
		if n := messageCount(t, b); n != tc.want {
			t.Errorf("%s: %d messages, want %d", filepath.Base(tc.path), n, tc.want)
		}
		if b.UncleanShutdown() {
			t.Errorf("%s: a restored store counts as unclean", filepath.Base(tc.path))
		}
		b.Close()
	}
}
