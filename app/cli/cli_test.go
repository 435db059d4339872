package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "otklik.db")
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"platform\":\"vk\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"version", []string{"version"}, ExitOK, "otklik ", ""},
		{"--version", []string{"--version"}, ExitOK, "otklik ", ""},
		{"help", []string{"help"}, ExitOK, "otklik export", ""},
		{"unknown command", []string{"frobnicate"}, ExitUsage, "", "unknown command"},
		{"bad flag", []string{"export", "--db", db, "--bogus"}, ExitUsage, "", "bogus"},
		{"bad format", []string{"export", "--db", db, "--format", "xml"}, ExitUsage, "", "unknown format"},
		{"bad district", []string{"export", "--db", db, "--district", "atlantis"}, ExitUsage, "", "unknown district"},
		{"bad status", []string{"export", "--db", db, "--status", "lost"}, ExitUsage, "", "unknown status"},
		{"bad since", []string{"export", "--db", db, "--since", "вчера"}, ExitUsage, "", "--since"},
		{"missing file", []string{"import", "--db", db, filepath.Join(dir, "nope.jsonl")}, ExitNoInput, "", "nope.jsonl"},
		{"bad rows", []string{"import", "--db", db, bad}, ExitDataErr, "", "bad.jsonl:1"},
		{"demo", []string{"demo", "--db", db, "--comments", "800"}, ExitOK, "demo region:", ""},
		{"telegram export", []string{"import", "--db", filepath.Join(dir, "tg.db"), "--format", "telegram-export",
			filepath.Join("..", "connector", "telegram", "testdata", "result.json")}, ExitOK, "imported ", ""},
		{"pos export with a bad row", []string{"import", "--db", filepath.Join(dir, "pos.db"), "--format", "pos-csv",
			filepath.Join("..", "connector", "pos", "testdata", "export_utf8.csv")}, ExitDataErr, "", "export_utf8.csv:"},
		{"pos export, skip bad", []string{"import", "--db", filepath.Join(dir, "pos.db"), "--format", "pos-csv", "--skip-bad",
			filepath.Join("..", "connector", "pos", "testdata", "export_utf8.csv")}, ExitOK, "imported ", "skipped "},
		{"unknown import format", []string{"import", "--db", db, "--format", "xml", bad}, ExitUsage, "", "unknown format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := run(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if !strings.Contains(out, c.inStdout) || !strings.Contains(errs, c.inStderr) {
				t.Errorf("stdout %q / stderr %q; want them to contain %q / %q", out, errs, c.inStdout, c.inStderr)
			}
		})
	}

	// Export from the demo store by district, as analysts' scripts do.
	code, out, errs := run(t, "export", "--format", "jsonl", "--db", db, "--district", "roslavl")
	if code != ExitOK {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		for _, f := range []string{"platform", "external_id", "account", "post_external_id", "parent_external_id",
			"author", "author_city", "created_at", "text", "district", "category", "sentiment", "status",
			"assignee", "first_response_due", "answer_due"} {
			if _, ok := rec[f]; !ok {
				t.Fatalf("line %d lacks field %q", n+1, f)
			}
		}
		if rec["district"] != "roslavl" {
			t.Fatalf("line %d: district %v, want roslavl", n+1, rec["district"])
		}
		n++
	}
	if n == 0 {
		t.Fatal("the demo region has no messages from Рославль")
	}

	// The exported file imports back with the same count, and CSV too.
	file := filepath.Join(dir, "roslavl.csv")
	if code, _, errs := run(t, "export", "--format", "csv", "--db", db, "--district", "roslavl", "--out", file); code != ExitOK {
		t.Fatalf("export csv: %s", errs)
	}
	db2 := filepath.Join(dir, "copy.db")
	code, out, errs = run(t, "import", "--db", db2, file)
	if code != ExitOK || !strings.Contains(out, "imported ") {
		t.Fatalf("import: exit %d %s %s", code, out, errs)
	}
	code, out2, _ := run(t, "export", "--format", "jsonl", "--db", db2)
	if code != ExitOK || strings.Count(out2, "\n") != n {
		t.Fatalf("re-imported copy exports %d rows, want %d", strings.Count(out2, "\n"), n)
	}
}
