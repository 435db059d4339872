package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"otklik/data"
)

func TestImportTelegramExport(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	src := filepath.Join("connector", "telegram", "testdata", "result.json")
	res, err := a.ImportTelegramExport(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if res.Account.Platform != data.Telegram || res.Account.ExternalID != "-1001876543210" || res.Account.Name == "" {
		t.Fatalf("account %+v, want the discussion group -1001876543210", res.Account)
	}
	if res.Posts == 0 || res.Messages == 0 || res.Skipped == 0 {
		t.Fatalf("import %+v: want posts, comments and skipped service messages", res)
	}
	n, err := a.Count(ctx, Query{Filter: data.Filter{Platforms: []data.Platform{data.Telegram}, IncludeOffice: true}})
	if err != nil || n != res.Inserted {
		t.Fatalf("store holds %d Telegram messages (%v), import said %d new", n, err, res.Inserted)
	}
	// The same export again changes nothing and makes no second account.
	again, err := a.ImportTelegramExport(ctx, src)
	if err != nil || again.Inserted != 0 || again.Account.ID != res.Account.ID {
		t.Fatalf("re-import: %+v %v", again, err)
	}
}

func TestImportPOS(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join("connector", "pos", "testdata", "export_utf8.csv")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cp1251, err := charmap.Windows1251.NewEncoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	excel := filepath.Join(t.TempDir(), "выгрузка ПОС.csv")
	if err := os.WriteFile(excel, cp1251, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, path, enc string }{{"utf-8", src, "utf-8"}, {"excel cp1251", excel, "windows-1251"}} {
		t.Run(c.name, func(t *testing.T) {
			a := openTest(t)
			// The export has a row dated 31.02: the whole file is refused…
			_, err := a.ImportPOS(ctx, c.path, POSImportOptions{Format: "csv"})
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Rows) == 0 || ie.Rows[0].Line == 0 {
				t.Fatalf("got %v, want an ImportError naming the row", err)
			}
			if n, _ := a.Count(ctx, Query{}); n != 0 {
				t.Fatalf("a refused import left %d messages", n)
			}
			// …unless bad rows are skipped, each reported.
			var skipped int
			res, err := a.ImportPOS(ctx, c.path, POSImportOptions{Format: "csv", SkipBad: true, OnSkip: func(error) { skipped++ }})
			if err != nil {
				t.Fatal(err)
			}
			if res.Encoding != c.enc || res.Skipped == 0 || skipped != res.Skipped || res.Inserted == 0 {
				t.Fatalf("import %+v (%d reported)", res, skipped)
			}
			page, err := a.Inbox(ctx, Query{Filter: data.Filter{Platforms: []data.Platform{data.POS}}}, data.Cursor{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			districts := map[string]bool{}
			for _, m := range page.Items {
				districts[m.District] = true
				if m.AnswerDue.IsZero() {
					t.Errorf("ПОС message %s has no answer deadline", m.ExternalID)
				}
			}
			if !districts["smolensk"] || !districts["shumyachi"] {
				t.Errorf("districts %v: want the ones the export names (Смоленск, Шумячи)", districts)
			}
			// The detected column mapping is remembered for the source.
			db, _ := a.store()
			if m, _ := setting(ctx, db, settingPOSMapping+"pos"); m == "" {
				t.Error("the column mapping was not saved")
			}
		})
	}
}
