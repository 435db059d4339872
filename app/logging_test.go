package app

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// readLog returns the contents of path, path.1 … path.n; "-" marks a missing file.
func readLog(t *testing.T, path string, n int) []string {
	t.Helper()
	var out []string
	for i := 0; i <= n; i++ {
		p := path
		if i > 0 {
			p = fmt.Sprintf("%s.%d", path, i)
		}
		b, err := os.ReadFile(p)
		switch {
		case os.IsNotExist(err):
			out = append(out, "-")
		case err != nil:
			t.Fatal(err)
		default:
			out = append(out, string(b))
		}
	}
	return out
}

func TestRotatingFile(t *testing.T) {
	tests := []struct {
		name     string
		max      int64
		backups  int
		existing string   // already in the log when it is opened
		writes   []string // each is one record
		want     []string // current file, then .1, .2, … up to backups+1 ("-": absent)
	}{
		{
			name:    "fits, no rotation",
			max:     10,
			backups: 2,
			writes:  []string{"aaa\n", "bbb\n"},
			want:    []string{"aaa\nbbb\n", "-", "-", "-"},
		},
		{
			name:    "exactly full stays",
			max:     8,
			backups: 2,
			writes:  []string{"aaa\n", "bbb\n"},
			want:    []string{"aaa\nbbb\n", "-", "-", "-"},
		},
		{
			name:    "one byte over rotates before the write",
			max:     7,
			backups: 2,
			writes:  []string{"aaa\n", "bbb\n"},
			want:    []string{"bbb\n", "aaa\n", "-", "-"},
		},
		{
			name:    "shifts and drops the oldest",
			max:     4,
			backups: 2,
			writes:  []string{"111\n", "222\n", "333\n", "444\n", "555\n"},
			want:    []string{"555\n", "444\n", "333\n", "-"},
		},
		{
			name:    "oversized record goes alone into a fresh file",
			max:     4,
			backups: 1,
			writes:  []string{"ab\n", "0123456789\n", "cd\n"},
			want:    []string{"cd\n", "0123456789\n", "-"},
		},
		{
			name:    "oversized first record is written, not dropped",
			max:     4,
			backups: 1,
			writes:  []string{"0123456789\n"},
			want:    []string{"0123456789\n", "-", "-"},
		},
		{
			name:    "no backups truncates",
			max:     4,
			backups: 0,
			writes:  []string{"111\n", "222\n"},
			want:    []string{"222\n", "-"},
		},
		{
			name:     "appends to an existing log and counts its size",
			max:      8,
			backups:  1,
			existing: "old\nold\n",
			writes:   []string{"new\n"},
			want:     []string{"new\n", "old\nold\n", "-"},
		},
		{
			name:    "Cyrillic records are counted in bytes",
			max:     20,
			backups: 1,
			writes:  []string{"Вязьма\n", "Ельня\n"}, // 13 + 11 bytes, but only 13 runes
			want:    []string{"Ельня\n", "Вязьма\n", "-"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "otklik.log")
			if tt.existing != "" {
				if err := os.WriteFile(path, []byte(tt.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			r, err := OpenRotatingFile(path, tt.max, tt.backups)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.writes {
				n, err := r.Write([]byte(w))
				if err != nil || n != len(w) {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			got := readLog(t, path, tt.backups+1)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("files = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRotatingFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		max     int64
		backups int
	}{
		{"zero size", 0, 1},
		{"negative backups", 10, -1},
	} {
		if _, err := OpenRotatingFile(filepath.Join(dir, "x.log"), tc.max, tc.backups); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := OpenRotatingFile(filepath.Join(dir, "no such folder", "x.log"), 10, 1); err == nil {
		t.Error("a log in a missing folder opened")
	}
	r, err := OpenRotatingFile(filepath.Join(dir, "x.log"), 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Write([]byte("late\n")); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// A rotation that cannot move the files still writes the record: the log
// grows rather than losing lines. A non-empty folder in the backup's place
// blocks both the removal and the rename, even for root.
func TestRotatingFileKeepsRecordWhenRotationFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "otklik.log")
	if err := os.MkdirAll(filepath.Join(path+".1", "занято"), 0o700); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRotatingFile(path, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Write([]byte("111\n")); err != nil {
		t.Fatal(err)
	}
	n, err := r.Write([]byte("222\n"))
	if err == nil || n != 4 {
		t.Fatalf("Write = %d, %v; want 4 and the rotation error", n, err)
	}
	if _, err := r.Write([]byte("333\n")); err == nil {
		t.Error("the next rotation, still blocked, reported nothing")
	}
	b, _ := os.ReadFile(path)
	if string(b) != "111\n222\n333\n" {
		t.Errorf("log = %q, want every record", b)
	}
}

// Many goroutines logging through one file across several rotations: every
// record lands exactly once, whole, and no file passes the limit.
func TestRotatingFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "otklik.log")
	const max, backups, workers, each = 2000, 50, 8, 100
	r, err := OpenRotatingFile(path, max, backups)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := fmt.Fprintf(r, "рабочий %d запись %03d\n", w, i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	files := readLog(t, path, backups)
	for i, s := range files {
		if s == "-" {
			continue
		}
		if len(s) > max {
			t.Errorf("file %d has %d bytes, limit %d", i, len(s), max)
		}
		sc := bufio.NewScanner(strings.NewReader(s))
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}
	if files[backups] != "-" {
		t.Fatalf("all %d backups filled: the test lost records to rotation, raise backups", backups)
	}
	if len(lines) != workers*each {
		t.Fatalf("%d records in the files, want %d", len(lines), workers*each)
	}
	sort.Strings(lines)
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Fatalf("record %q twice", lines[i])
		}
	}
	if !strings.HasPrefix(lines[0], "рабочий 0 запись 000") {
		t.Errorf("first record %q is damaged", lines[0])
	}
}

func TestSetupLogging(t *testing.T) {
	// A Windows profile folder of a Russian user, with spaces and Cyrillic.
	dir := filepath.Join(t.TempDir(), "Мария Иванова", "fyne", ID)
	log, closer, err := SetupLogging(dir, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("не попадёт в журнал")
	log.Info("синхронизация", "аккаунт", "Администрация Смоленской области", "сообщений", 42)
	log.Warn("просрочен ответ", "район", "Рославльский")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, LogFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{
		`level=INFO msg=синхронизация`,
		`аккаунт="Администрация Смоленской области" сообщений=42`,
		`level=WARN msg="просрочен ответ"`,
		fmt.Sprintf("pid=%d", os.Getpid()),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "не попадёт") {
		t.Errorf("a debug record passed the info level:\n%s", got)
	}
	if n := strings.Count(got, "\n"); n != 2 {
		t.Errorf("%d records, want 2", n)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("log mode %v, want 0600", st.Mode().Perm())
		}
	}
}

func TestSetupLoggingBadFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := SetupLogging(filepath.Join(file, "logs"), slog.LevelInfo); err == nil {
		t.Error("SetupLogging under a regular file succeeded")
	}
}
