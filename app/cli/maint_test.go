package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupCheckRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "otklik.db")
	copyPath := filepath.Join(dir, "копия.db")
	if code, _, stderr := run(t, "demo", "--db", db, "--comments", "300"); code != ExitOK {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	steps := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"check", []string{"check", "--db", db}, ExitOK, "integrity_check: ok", ""},
		{"quick check", []string{"check", "--db", db, "--quick"}, ExitOK, "quick_check: ok", ""},
		{"backup", []string{"backup", "--db", db, "--out", copyPath}, ExitOK, "backup written: " + copyPath, ""},
		{"backup over a file", []string{"backup", "--db", db, "--out", copyPath}, ExitFailure, "", "already exists"},
		{"default backup", []string{"backup", "--db", db}, ExitOK, filepath.Join(dir, "backups", "otklik-manual-"), ""},
		{"restore without --from", []string{"restore", "--db", db}, ExitUsage, "", "want --from"},
		{"restore a text file", []string{"restore", "--db", db, "--from", filepath.Join(dir, "otklik.db.lock")}, ExitFailure, "", "cannot be used"},
		{"restore", []string{"restore", "--db", db, "--from", copyPath}, ExitOK, "the replaced store is kept as " + db + ".bak", ""},
		{"check the restored store", []string{"check", "--db", db}, ExitOK, "last shutdown: clean", ""},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, s.args...)
		if code != s.code || !strings.Contains(stdout, s.inStdout) || !strings.Contains(stderr, s.inStderr) {
			t.Errorf("%s: code %d\nstdout: %s\nstderr: %s", s.name, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(db + ".bak"); err != nil {
		t.Error(err)
	}
}
