package app

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"otklik/data"
)

// TestHelperProcess is not a test: the tests below run the test binary as a
// second process that opens the store and is killed, or holds its lock.
func TestHelperProcess(t *testing.T) {
	role, path := os.Getenv("OTKLIK_HELPER"), os.Getenv("OTKLIK_HELPER_DB")
	if role == "" {
		return
	}
	ctx := context.Background()
	switch role {
	case "open": // open the store, write, and wait to be killed
		a, err := Open(ctx, Options{DBPath: path})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if err := a.SetUser(ctx, "Анна Ковалёва"); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		time.Sleep(time.Hour)
	case "hold-exclusive", "hold-write": // hold SQLite's lock until stdin closes, then commit
		db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=100")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		db.SetMaxOpenConns(1)
		stmts := []string{"BEGIN IMMEDIATE", "INSERT INTO settings(key, value) VALUES ('helper', 'зафиксировано')"}
		if role == "hold-exclusive" {
			stmts = append([]string{"PRAGMA locking_mode = EXCLUSIVE"}, stmts...)
			stmts[1] = "BEGIN EXCLUSIVE"
		}
		for _, s := range stmts {
			if _, err := db.Exec(s); err != nil {
				fmt.Println("error:", s, err)
				os.Exit(1)
			}
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		if _, err := db.Exec("COMMIT"); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		db.Close()
	}
	os.Exit(0)
}

// helper starts the test binary in a role and waits for it to say ready.
func helper(t *testing.T, role, path string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "OTKLIK_HELPER="+role, "OTKLIK_HELPER_DB="+path)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper %s: %q", role, line)
	}
	return cmd, stdin
}

func openAt(t *testing.T, path string) *App {
	t.Helper()
	a, err := Open(context.Background(), Options{DBPath: path, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestUncleanShutdownLeadsToFullCheck(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "otklik.db")
	a := openAt(t, path)
	seedMessages(t, a, 0, 20)
	if a.UncleanShutdown() {
		t.Fatal("a new store counts as unclean")
	}
	a.Close()

	// Another process opens the store and is killed without Close.
	cmd, _ := helper(t, "open", path)
	cmd.Process.Kill()
	cmd.Wait()

	// A command that never checks (an import, an export) keeps the check owed.
	b := openAt(t, path)
	if !b.UncleanShutdown() {
		t.Fatal("the kill went unnoticed")
	}
	if got := b.User(ctx); got != "Анна Ковалёва" {
		t.Errorf("the killed process's committed write: %q", got)
	}
	b.Close()

	c := openAt(t, path)
	if !c.UncleanShutdown() {
		t.Fatal("the owed check was forgotten by a session that did not run it")
	}
	<-c.StartMaintenance(ctx)
	rep, ok := c.LastIntegrity()
	if !ok || !rep.Full || !rep.OK || !rep.Unclean {
		t.Errorf("maintenance after a kill: %+v, want a passing full integrity_check", rep)
	}
	if c.maint.sess.pendingFull {
		t.Error("a passed full check still owed")
	}
	c.Close()

	d := openAt(t, path)
	defer d.Close()
	if d.UncleanShutdown() {
		t.Error("a clean Close after the check counts as unclean")
	}
}

func TestTwoProcessesShareTheStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	path := filepath.Join(t.TempDir(), "otklik.db")
	cmd, _ := helper(t, "open", path) // the GUI, say
	a := openAt(t, path)              // and a CLI command beside it
	if a.UncleanShutdown() {
		t.Error("a store open in another process counts as unclean")
	}
	a.Close()
	cmd.Process.Kill()
	cmd.Wait()
	b := openAt(t, path)
	defer b.Close()
	if !b.UncleanShutdown() {
		t.Error("the other process's kill went unnoticed")
	}
}

func TestStoreLockedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	t.Run("exclusive lock at open", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "otklik.db")
		a := openAt(t, path)
		seedMessages(t, a, 0, 7)
		a.Close()
		cmd, stdin := helper(t, "hold-exclusive", path)
		start := time.Now()
		_, err := Open(ctx, Options{DBPath: path})
		if !errors.Is(err, ErrStoreBusy) || !strings.Contains(err.Error(), "база открыта в другой программе") {
			t.Fatalf("Open while locked = %v, want ErrStoreBusy", err)
		}
		if waited := time.Since(start); waited < 4*time.Second {
			t.Errorf("gave up after %v, before the 5 s busy timeout", waited)
		}
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
		b := openAt(t, path)
		defer b.Close()
		if n := messageCount(t, b); n != 7 {
			t.Errorf("after the lock: %d messages, want 7", n)
		}
		if v, _ := b.Setting(ctx, "helper"); v != "зафиксировано" {
			t.Errorf("the other program's write: %q", v)
		}
	})
	t.Run("write lock while open", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "otklik.db")
		a := openAt(t, path)
		defer a.Close()
		seedMessages(t, a, 0, 7)
		cmd, stdin := helper(t, "hold-write", path)
		page, err := a.Inbox(ctx, Query{}, data.Cursor{}, 10)
		if err != nil || len(page.Items) != 7 {
			t.Fatalf("reading while another program writes: %d items, %v", len(page.Items), err)
		}
		err = a.SetStatus(ctx, []int64{page.Items[0].ID}, data.StatusClosed)
		if !errors.Is(ExplainStoreError(err), ErrStoreBusy) {
			t.Fatalf("SetStatus while locked = %v, want ErrStoreBusy", err)
		}
		stdin.Close()
		cmd.Wait()
		if err := a.SetStatus(ctx, []int64{page.Items[0].ID}, data.StatusClosed); err != nil {
			t.Fatalf("SetStatus after the lock was released: %v", err)
		}
		if n := messageCount(t, a); n != 7 {
			t.Errorf("%d messages, want 7", n)
		}
	})
}

// Setting reads a raw setting, for the lock test.
func (a *App) Setting(ctx context.Context, key string) (string, error) {
	db, err := a.store()
	if err != nil {
		return "", err
	}
	return setting(ctx, db, key)
}

func TestReadOnlyStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "otklik.db")
		a := openAt(t, path)
		seedMessages(t, a, 0, 3)
		a.Close()
		before, _ := os.ReadFile(path)
		os.Chmod(path, 0o400)
		defer os.Chmod(path, 0o600)
		_, err := Open(context.Background(), Options{DBPath: path})
		if !errors.Is(err, ErrStoreReadOnly) {
			t.Fatalf("Open(0400 file) = %v, want ErrStoreReadOnly", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("a read-only store was written")
		}
	})
	t.Run("folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "Отклик")
		path := filepath.Join(dir, "otklik.db")
		a := openAt(t, path)
		a.Close()
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o700)
		_, err := Open(context.Background(), Options{DBPath: path})
		if !errors.Is(err, ErrStoreReadOnly) {
			t.Fatalf("Open(store in a read-only folder) = %v, want ErrStoreReadOnly", err)
		}
	})
}

func writeJSONL(t *testing.T, path string, recs []Record) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range recs {
		enc.Encode(r)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestImportOnFullDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openAt(t, filepath.Join(dir, "otklik.db"))
	defer a.Close()
	first := filepath.Join(dir, "первые.jsonl")
	writeJSONL(t, first, excelRecords(50))
	if _, err := a.Import(ctx, first, ImportOptions{Format: "jsonl"}); err != nil {
		t.Fatal(err)
	}
	more := excelRecords(6000)[50:]
	second := filepath.Join(dir, "остальные.jsonl")
	writeJSONL(t, second, more)

	db, _ := a.store()
	pages, _ := db.PageCount(ctx)
	if _, err := db.LimitPages(ctx, pages+3); err != nil {
		t.Fatal(err)
	}
	_, err := a.Import(ctx, second, ImportOptions{Format: "jsonl"})
	if err == nil {
		t.Fatal("an import onto a full disk succeeded")
	}
	if !errors.Is(ExplainStoreError(err), ErrDiskFull) || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("import on a full disk: %v, want SQLITE_FULL explained as ErrDiskFull", err)
	}
	n := messageCount(t, a)
	if n < 50 || (n-50)%importBatch != 0 {
		t.Errorf("%d messages after the failure: want the first 50 plus whole batches only", n)
	}
	if rep, err := a.CheckIntegrity(ctx, true); err != nil || !rep.OK {
		t.Fatalf("integrity after a full disk: %+v %v", rep, err)
	}
	// Space returns; the same file goes in, once.
	db.LimitPages(ctx, 1<<30)
	if _, err := a.Import(ctx, second, ImportOptions{Format: "jsonl"}); err != nil {
		t.Fatalf("import after space returned: %v", err)
	}
	if n := messageCount(t, a); n != 6000 {
		t.Errorf("%d messages, want 6000", n)
	}
}

func TestExplainStoreError(t *testing.T) {
	full := sqlite3.Error{Code: sqlite3.ErrFull}
	busy := sqlite3.Error{Code: sqlite3.ErrBusy}
	ro := sqlite3.Error{Code: sqlite3.ErrReadonly}
	for _, tc := range []struct {
		err  error
		want error
	}{
		{fmt.Errorf("ingest: %w", full), ErrDiskFull},
		{fmt.Errorf("set status: %w", busy), ErrStoreBusy},
		{ro, ErrStoreReadOnly},
		{ExplainStoreError(busy), ErrStoreBusy},
	} {
		got := ExplainStoreError(tc.err)
		if !errors.Is(got, tc.want) || !errors.Is(got, tc.err) {
			t.Errorf("ExplainStoreError(%v) = %v, want %v keeping the cause", tc.err, got, tc.want)
		}
	}
	plain := errors.New("сеть недоступна")
	if got := ExplainStoreError(plain); got != plain || ExplainStoreError(nil) != nil {
		t.Errorf("other errors changed: %v", got)
	}
}

// TestKillNoticedWhenTheOtherProcessClosesLast: one of two processes on the
// store is killed and the other closes cleanly after it, alone; the next
// open still finds the unclean shutdown (the dead process's session file).
func TestKillNoticedWhenTheOtherProcessClosesLast(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	path := filepath.Join(t.TempDir(), "otklik.db")
	for _, first := range []string{"helper", "this"} {
		t.Run("opened first: "+first, func(t *testing.T) {
			var a *App
			if first == "this" {
				a = openAt(t, path)
			}
			cmd, _ := helper(t, "open", path)
			if a == nil {
				a = openAt(t, path)
			}
			cmd.Process.Kill()
			cmd.Wait()
			if err := a.Close(); err != nil { // the survivor closes cleanly, alone
				t.Fatal(err)
			}
			b := openAt(t, path)
			if !b.UncleanShutdown() {
				t.Fatal("the kill went unnoticed because the other process closed last")
			}
			<-b.StartMaintenance(context.Background())
			if rep, ok := b.LastIntegrity(); !ok || !rep.Full || !rep.OK {
				t.Fatalf("after the kill: %+v, want a passing full check", rep)
			}
			b.Close()
			c := openAt(t, path)
			defer c.Close()
			if c.UncleanShutdown() {
				t.Error("still unclean after the full check and a clean close")
			}
			if left, _ := os.ReadDir(sessionsDir(path)); len(left) != 1 {
				t.Errorf("session files: %d, want only the open one", len(left))
			}
		})
	}
}
