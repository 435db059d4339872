package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

var excelComplaints = []string{
	"Когда в Гагарине на улице Гагарина починят освещение? Вечером идти страшно",
	"В Вязьме у школы № 5 снова разрыли тротуар — дети ходят по проезжей части",
	"Спасибо дорожникам за ремонт моста через Днепр в Дорогобуже!",
	"Автобус № 104 из Рославля в Смоленск третий день не приходит по расписанию",
}

func excelRecords(n int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{
			Platform: "vk", ExternalID: fmt.Sprintf("77123456_%d", 5000+i), Account: "77123456",
			AccountName: "Правительство Смоленской области", Author: "Татьяна Ефремова", AuthorCity: "Вязьма",
			CreatedAt: "2026-11-24 10:15:00", Text: excelComplaints[i%len(excelComplaints)],
		}
	}
	return recs
}

// writeCSV writes records as Excel would: delimiter comma, UTF-8 or cp1251.
func writeCSV(t *testing.T, path string, recs []Record, comma rune, cp1251 bool) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	w.UseCRLF = true
	w.Write(csvColumns)
	for _, r := range recs {
		w.Write(r.csvRow())
	}
	w.Flush()
	out := b.Bytes()
	if cp1251 {
		var err error
		if out, err = charmap.Windows1251.NewEncoder().Bytes(out); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func storedTexts(t *testing.T, a *App) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := a.Export(context.Background(), &buf, ExportOptions{Format: "jsonl"}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		got[r.ExternalID] = r.Text
	}
	return got
}

func TestImportExcelCSVEncodingsAndDelimiters(t *testing.T) {
	for _, tc := range []struct {
		name   string
		comma  rune
		cp1251 bool
	}{
		{"utf-8 comma", ',', false},
		{"utf-8 semicolon", ';', false},
		{"cp1251 semicolon (Excel, Russian locale)", ';', true},
		{"cp1251 comma", ',', true},
		{"utf-8 tab", '\t', false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := openTest(t)
			recs := excelRecords(12)
			path := filepath.Join(t.TempDir(), "обращения.csv")
			writeCSV(t, path, recs, tc.comma, tc.cp1251)
			res, err := a.Import(context.Background(), path, ImportOptions{Format: "csv"})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if res.Rows != len(recs) || res.Inserted != len(recs) {
				t.Fatalf("Import = %+v, want %d rows inserted", res, len(recs))
			}
			got := storedTexts(t, a)
			for _, r := range recs {
				if got[r.ExternalID] != r.Text {
					t.Errorf("%s: stored %q, want %q", r.ExternalID, got[r.ExternalID], r.Text)
				}
			}
		})
	}
}

func TestSniffDelimiter(t *testing.T) {
	for _, tc := range []struct {
		head string
		want rune
	}{
		{"platform,external_id,text\r\nvk,1,a;b;c;d\r\n", ','},
		{"platform;external_id;text\nvk;1;\"a,b,c,d\"\n", ';'},
		{"\ufeffplatform;external_id;text\n", ';'},
		{"\"a;b;c\",x,y\n", ','}, // delimiters inside quotes do not count
		{"platform\texternal_id\ttext\n", '\t'},
		{"platform\n", ','},
		{"", ','},
	} {
		if got := sniffDelimiter([]byte(tc.head)); got != tc.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestIsCP1251(t *testing.T) {
	cp, _ := charmap.Windows1251.NewEncoder().String("Смоленск, ул. Ленина")
	full := bytes.Repeat([]byte("ж"), sniffSize/2) // exactly a full window of valid UTF-8
	cut := append(append([]byte{}, full[:sniffSize-1]...), 0xd0)
	for _, tc := range []struct {
		name string
		head []byte
		want bool
	}{
		{"utf-8", []byte("Смоленск, ул. Ленина"), false},
		{"ascii", []byte("platform,external_id"), false},
		{"cp1251", []byte(cp), true},
		{"utf-8 cut at the window's end", cut, false},
		{"cp1251 byte at the end of a short file", []byte("abc\xe6"), true},
	} {
		if got := isCP1251(tc.head); got != tc.want {
			t.Errorf("%s: isCP1251 = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A 10 MB text is refused row by row with a clear error; the other rows
// are untouched and, with --skip-bad, imported.
func TestImportHugeField(t *testing.T) {
	huge := strings.Repeat("Жалоба на отопление в Сафонове. ", (10<<20)/len("Жалоба на отопление в Сафонове. ")+1)
	for _, format := range []string{"jsonl", "csv"} {
		t.Run(format, func(t *testing.T) {
			a := openTest(t)
			recs := excelRecords(5)
			recs[2].Text = huge
			path := filepath.Join(t.TempDir(), "big."+format)
			if format == "csv" {
				writeCSV(t, path, recs, ';', false)
			} else {
				var b bytes.Buffer
				enc := json.NewEncoder(&b)
				for _, r := range recs {
					enc.Encode(r)
				}
				os.WriteFile(path, b.Bytes(), 0o600)
			}
			_, err := a.Import(context.Background(), path, ImportOptions{Format: format})
			var ie *ImportError
			if !errors.As(err, &ie) || ie.Total != 1 || ie.Rows[0].Field != "text" {
				t.Fatalf("Import(10 MB field) = %v, want one bad row in field text", err)
			}
			wantLine := 3
			if format == "csv" {
				wantLine = 4 // the header is line 1
			}
			if ie.Rows[0].Line != wantLine || !strings.Contains(err.Error(), "longer than") {
				t.Errorf("error = %v, want line %d «longer than»", err, wantLine)
			}
			if n := len(storedTexts(t, a)); n != 0 {
				t.Fatalf("a refused import stored %d rows", n)
			}
			res, err := a.Import(context.Background(), path, ImportOptions{Format: format, SkipBad: true})
			if err != nil || res.Rows != 4 || res.Skipped != 1 {
				t.Fatalf("Import --skip-bad = %+v, %v; want 4 rows, 1 skipped", res, err)
			}
		})
	}
}

// FuzzNewCSVReader: any bytes read as CSV give rows of valid UTF-8 or a
// parse error, never a panic; UTF-8 input is never re-decoded.
func FuzzNewCSVReader(f *testing.F) {
	cp, _ := charmap.Windows1251.NewEncoder().String("platform;text\nvk;Смоленск\n")
	for _, s := range []string{"platform,text\nvk,Вязьма\n", cp, "\ufeffa;b\n\"x;y\";z\n", "\"", "a\tb\n1\t2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		cr := newCSVReader(bytes.NewReader(in))
		cr.FieldsPerRecord = -1
		for i := 0; i < 1000; i++ {
			row, err := cr.Read()
			if err != nil {
				return
			}
			for _, v := range row {
				if !utf8.ValidString(v) {
					t.Fatalf("field %q is not UTF-8", v)
				}
				if utf8.Valid(in) && !bytes.Contains(in, []byte(v)) && !strings.ContainsAny(v, "\"\r\n") {
					t.Fatalf("UTF-8 input changed: field %q not in the input", v)
				}
			}
		}
	})
}
