package app

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			a := openTest(t)
			src := filepath.Join("testdata", "sample."+format)
			res, err := a.Import(ctx, src, ImportOptions{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 6 || res.Inserted != 6 {
				t.Fatalf("import: %+v, want 6 rows inserted", res)
			}
			// Importing the same file again changes nothing.
			res, err = a.Import(ctx, src, ImportOptions{Format: format})
			if err != nil || res.Inserted != 0 {
				t.Fatalf("re-import: %+v %v", res, err)
			}
			var out bytes.Buffer
			n, err := a.Export(ctx, &out, ExportOptions{Format: format})
			if err != nil || n != 6 {
				t.Fatalf("export: %d rows, %v", n, err)
			}
			golden(t, "export."+format, out.Bytes())

			// What was exported imports into a fresh store as the same data.
			tmp := filepath.Join(t.TempDir(), "again."+format)
			if err := os.WriteFile(tmp, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			b := openTest(t)
			if _, err := b.Import(ctx, tmp, ImportOptions{Format: format}); err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if _, err := b.Export(ctx, &again, ExportOptions{Format: format}); err != nil {
				t.Fatal(err)
			}
			gotLines, wantLines := strings.Split(again.String(), "\n"), strings.Split(out.String(), "\n")
			for i := range max(len(gotLines), len(wantLines)) {
				var g, w string
				if i < len(gotLines) {
					g = gotLines[i]
				}
				if i < len(wantLines) {
					w = wantLines[i]
				}
				if g != w {
					t.Errorf("export → import → export differs at line %d:\ngot  %s\nwant %s", i+1, g, w)
				}
			}

			var roslavl bytes.Buffer
			n, err = a.Export(ctx, &roslavl, ExportOptions{Format: format, Filter: data.Filter{Districts: []string{"roslavl"}}})
			// The complaint, the neighbour's reply that names no place, and the office's answer.
			if err != nil || n != 3 {
				t.Fatalf("export --district roslavl: %d rows, %v; want 3", n, err)
			}
		})
	}
}

func TestImportBadRows(t *testing.T) {
	ctx := context.Background()
	good := `{"platform":"vk","external_id":"1","account":"-100","created_at":"2026-11-20T10:00:00+03:00","text":"В Гагарине не вывозят мусор"}`
	cases := []struct {
		name, body, wantLine, wantField string
	}{
		{"malformed JSON", good + "\n{\"platform\":\"vk\",\n", ":2", ""},
		{"unknown platform", good + "\n" + strings.Replace(good, `"vk"`, `"myspace"`, 1), ":2", "platform"},
		{"bad time", good + "\n" + strings.Replace(good, "2026-11-20T10:00:00+03:00", "вчера", 1), ":2", "created_at"},
		{"unknown field", good + "\n" + strings.Replace(good, `"text"`, `"txet"`, 1), ":2", "txet"},
		{"invalid UTF-8", good + "\n" + strings.Replace(good, "мусор", "\xff\xfe", 1), ":2", ""},
		{"empty id", good + "\n" + strings.Replace(good, `"external_id":"1"`, `"external_id":""`, 1), ":2", "external_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := openTest(t)
			path := filepath.Join(t.TempDir(), "in.jsonl")
			if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := a.Import(ctx, path, ImportOptions{Format: "jsonl"})
			var ie *ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an ImportError", err)
			}
			msg := ie.Error()
			if !strings.Contains(msg, path+c.wantLine) || (c.wantField != "" && !strings.Contains(msg, c.wantField)) {
				t.Errorf("error %q does not name %s%s field %q", msg, path, c.wantLine, c.wantField)
			}
			if n, _ := a.Count(ctx, Query{}); n != 0 {
				t.Errorf("a refused import left %d rows behind", n)
			}
			var skipped []*RowError
			res, err := a.Import(ctx, path, ImportOptions{Format: "jsonl", SkipBad: true, OnSkip: func(r *RowError) { skipped = append(skipped, r) }})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 1 || res.Skipped != 1 || len(skipped) != 1 {
				t.Errorf("--skip-bad: %+v, %d reported; want 1 imported, 1 skipped", res, len(skipped))
			}
		})
	}
}

func TestImportBrokenCSV(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	body := "platform,external_id,account,created_at,text\n" +
		"vk,1,-100,2026-11-20 10:00,Во Вязьме нет света третий день\n" +
		"vk,2,-100,2026-11-20 11:00,\"незакрытая кавычка\n"
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(ctx, path, ImportOptions{Format: "csv"}); err == nil {
		t.Fatal("a broken CSV row was accepted")
	}
	if n, _ := a.Count(ctx, Query{}); n != 0 {
		t.Fatalf("a refused import left %d rows", n)
	}
	res, err := a.Import(ctx, path, ImportOptions{Format: "csv", SkipBad: true})
	if err != nil || res.Rows != 1 {
		t.Fatalf("--skip-bad: %+v %v", res, err)
	}
	db, _ := a.store()
	m, err := db.MessageByExternal(ctx, data.VK, "1")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC); !m.CreatedAt.Equal(want) {
		t.Errorf("spreadsheet time read as %v, want %v (Moscow time)", m.CreatedAt.UTC(), want)
	}
}
