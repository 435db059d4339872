package cli

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"otklik/app"
	"otklik/app/demo"
)

// demoStore writes a demo region ending at a fixed time and shortlists five
// question groups for Рославль's planned broadcast, as the panel would.
func demoStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, moscow)
	path := filepath.Join(t.TempDir(), "otklik.db")
	a, err := app.Open(ctx, app.Options{DBPath: path, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SeedDemo(ctx, demo.Options{Seed: 5, Comments: 4000, Now: now}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := a.BroadcastPanel(ctx, "roslavl", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Broadcast == nil || len(p.Groups) < 5 {
		t.Fatalf("demo: broadcast %v, %d groups", p.Broadcast, len(p.Groups))
	}
	for i, g := range p.Groups[:5] {
		it, err := a.ShortlistGroup(ctx, p.Broadcast.ID, g)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			it.Agency, it.Note = "Министерство транспорта и дорожного хозяйства", "Ремонт включён в план на 2027 год"
			if err := a.UpdateShortlistItem(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
	}
	return path
}

func TestBriefCommand(t *testing.T) {
	db := demoStore(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no district", []string{"brief", "--db", db, "--out", filepath.Join(dir, "x.pdf")}, ExitUsage, "--district and --out"},
		{"no out", []string{"brief", "--db", db, "--district", "roslavl"}, ExitUsage, "--district and --out"},
		{"unknown extension", []string{"brief", "--db", db, "--district", "roslavl", "--out", filepath.Join(dir, "x.odt")}, ExitUsage, "cannot tell the format"},
		{"unknown format", []string{"brief", "--db", db, "--district", "roslavl", "--out", filepath.Join(dir, "x.pdf"), "--format", "rtf"}, ExitUsage, "unknown format"},
		{"bad date", []string{"brief", "--db", db, "--district", "roslavl", "--out", filepath.Join(dir, "x.pdf"), "--from", "1.11.2026", "--to", "2026-11-30"}, ExitUsage, "YYYY-MM-DD"},
		{"one date", []string{"brief", "--db", db, "--district", "roslavl", "--out", filepath.Join(dir, "x.pdf"), "--from", "2026-11-01"}, ExitUsage, "both --from and --to"},
		{"reversed", []string{"brief", "--db", db, "--district", "roslavl", "--out", filepath.Join(dir, "x.pdf"), "--from", "2026-11-30", "--to", "2026-11-01"}, ExitUsage, "before --from"},
		{"unknown district", []string{"brief", "--db", db, "--district", "atlantis", "--out", filepath.Join(dir, "x.pdf")}, ExitUsage, "unknown municipality"},
		{"no folder", []string{"brief", "--db", db, "--district", "roslavl", "--out", filepath.Join(dir, "nope", "x.pdf")}, ExitNoInput, "saving the briefing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.args...)
			if code != c.code || !strings.Contains(stderr, c.err) {
				t.Errorf("exit %d, stderr %q; want %d with %q", code, stderr, c.code, c.err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a failed run left a file")
	}

	out := map[string]string{}
	for _, f := range []struct{ name, format string }{{"brief.pdf", ""}, {"brief.docx", ""}, {"brief.html", ""}, {"named.bin", "html"}} {
		path := filepath.Join(dir, f.name)
		args := []string{"brief", "--db", db, "--district", "Рославль", "--from", "2026-10-27", "--to", "2026-11-25", "--out", path}
		if f.format != "" {
			args = append(args, "--format", f.format)
		}
		code, stdout, stderr := run(t, args...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", f.name, code, stderr)
		}
		if !strings.Contains(stdout, "Рославльский район") || !strings.Contains(stdout, "5 shortlisted") {
			t.Errorf("%s: stdout %q", f.name, stdout)
		}
		out[f.name] = path
	}

	html, _ := os.ReadFile(out["brief.html"])
	for _, want := range []string{"Подготовка к прямому эфиру: Рославльский район, 27 октября – 25 ноября 2026", "Министерство транспорта", "Вопросы под анонсом эфира"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if named, _ := os.ReadFile(out["named.bin"]); !strings.HasPrefix(string(named), "<!DOCTYPE html>") {
		t.Errorf("--format html wrote %.40q", named)
	}

	doc := docxXML(t, out["brief.docx"])
	for _, want := range []string{"Подготовка к прямому эфиру", "Рославльский район", "Короткий список", "Самые частые вопросы", "Министерство транспорта и дорожного хозяйства"} {
		if !strings.Contains(doc, want) {
			t.Errorf("word/document.xml lacks %q", want)
		}
	}

	pdf, _ := os.ReadFile(out["brief.pdf"])
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed; the PDF's text was not checked")
	}
	txt, err := exec.Command("pdftotext", "-layout", out["brief.pdf"], "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(txt)), " ")
	for _, want := range []string{"Подготовка к прямому эфиру", "Рославльский район", "Короткий список: к чему готовиться", "Самые частые вопросы", "Без ответа", "Стр. 1 из"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}

	// Pseudonymised: no resident's name from the plain briefing survives.
	pp := filepath.Join(dir, "pseudo.html")
	if code, _, stderr := run(t, "brief", "--db", db, "--district", "roslavl", "--from", "2026-10-27", "--to", "2026-11-25", "--out", pp, "--pseudonymise"); code != ExitOK {
		t.Fatalf("pseudonymise: %s", stderr)
	}
	ph, _ := os.ReadFile(pp)
	if !strings.Contains(string(ph), "Житель") || !strings.Contains(string(ph), "Имена жителей заменены") {
		t.Error("the pseudonymised briefing shows no pseudonyms")
	}
}

// docxXML returns word/document.xml of a DOCX file.
func docxXML(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("DOCX does not open as a zip: %v", err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatal("no word/document.xml in the DOCX")
	return ""
}

// FuzzBriefPeriod: any --from/--to either fails with a message or gives a
// non-empty period of whole Moscow days.
func FuzzBriefPeriod(f *testing.F) {
	for _, s := range [][2]string{{"2026-11-01", "2026-11-30"}, {"", ""}, {"2026-11-30", "2026-11-01"}, {"1.11.2026", "x"}, {"2026-02-29", "2026-03-01"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, fromS, toS string) {
		from, to, err := briefPeriod(fromS, toS)
		switch {
		case err != nil:
			if err.Error() == "" {
				t.Error("an error without a message")
			}
		case fromS == "" && toS == "":
			if !from.IsZero() || !to.IsZero() {
				t.Error("no dates must mean the default period")
			}
		default:
			if !from.Before(to) || to.Sub(from)%(24*time.Hour) != 0 || from.Hour() != 0 {
				t.Errorf("%q–%q gave %v – %v", fromS, toS, from, to)
			}
		}
	})
}
