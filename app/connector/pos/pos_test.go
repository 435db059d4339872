package pos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"otklik/data"
)

var acc = data.Account{ID: 4, Platform: data.POS, ExternalID: "pos-smolensk", Name: "ПОС Смоленская область"}

func read(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkExport(t *testing.T, res Result) {
	t.Helper()
	if res.Rows != 5 || len(res.Messages) != 3 || len(res.Errors) != 2 || len(res.Quarantine) != 2 {
		t.Fatalf("rows %d messages %d errors %v", res.Rows, len(res.Messages), res.Errors)
	}
	m := res.Messages[0]
	msk := time.FixedZone("MSK", 3*3600)
	if m.ExternalID != "2563417" || !m.CreatedAt.Equal(time.Date(2025, 1, 14, 9, 12, 0, 0, msk)) ||
		!m.AnswerDue.Equal(time.Date(2025, 1, 21, 0, 0, 0, 0, msk)) || m.AuthorName != "Киселёва О. П." ||
		m.AuthorCity != "город Смоленск" || m.Status != data.StatusInProgress || m.Platform != data.POS || m.AccountID != 4 {
		t.Errorf("first row %+v", m)
	}
	want := "Дороги — Ямы на дорогах\nЯма на въезде во двор дома 12, машины бьют подвеску; просим заделать.\nАдрес: г. Смоленск, ул. Кирова, д. 12"
	if m.Text != want {
		t.Errorf("text %q", m.Text)
	}
	if s := res.Messages[1].Status; s != data.StatusAnswered {
		t.Errorf("«Ответ дан» → %s", s)
	}
	if !strings.Contains(res.Messages[1].Text, "Дети сидят в кофтах.") {
		t.Errorf("multi-line cell lost: %q", res.Messages[1].Text)
	}
	e := res.Errors[0]
	if e.Column != "Дата поступления" || !strings.Contains(e.Error(), "«Дата поступления»") || !strings.Contains(e.Error(), "31.02.2025") {
		t.Errorf("date error %v", e)
	}
	if e := res.Errors[1]; e.Column != "Номер" {
		t.Errorf("number error %v", e)
	}
	if !bytes.Contains(res.Quarantine[0].Raw, []byte("Не чистят тротуар у школы")) {
		t.Errorf("quarantined row lost its content: %q", res.Quarantine[0].Raw)
	}
}

func TestCSVUTF8Semicolon(t *testing.T) {
	res, err := ParseCSV(bytes.NewReader(read(t, "export_utf8.csv")), acc, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkExport(t, res)
	if res.Encoding != "utf-8" || res.Delimiter != ';' {
		t.Errorf("encoding %s delimiter %q", res.Encoding, res.Delimiter)
	}
	// The cell with a line break makes the next rows one line lower.
	if res.Errors[0].Row != 5 || res.Errors[1].Row != 6 {
		t.Errorf("rows %d, %d; want 5, 6 as the file numbers them", res.Errors[0].Row, res.Errors[1].Row)
	}
}

func TestCSVWindows1251(t *testing.T) {
	utf := read(t, "export_utf8.csv")
	cp, err := charmap.Windows1251.NewEncoder().Bytes(bytes.ReplaceAll(utf, []byte("ё"), []byte("е")))
	if err != nil {
		t.Fatal(err)
	}
	// «» and № exist in Windows-1251; the test file keeps them.
	res, err := ParseCSV(bytes.NewReader(cp), acc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Encoding != "windows-1251" {
		t.Errorf("encoding %s", res.Encoding)
	}
	if len(res.Messages) != 3 || !strings.Contains(res.Messages[1].Text, "«Солнышко»") {
		t.Errorf("decoded %+v", res.Messages)
	}
}

func TestCSVCommaAndBOMAndMapping(t *testing.T) {
	in := "\ufeffИдентификатор,Создано,Суть обращения,Автор,Район\n" +
		`101,2025-02-01 10:00:00,"Нет света в деревне Каспля, третий день",Лебедев Д.,Смоленский муниципальный округ` + "\n"
	res, err := ParseCSV(strings.NewReader(in), acc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Delimiter != ',' || len(res.Messages) != 1 || res.Messages[0].Text != "Нет света в деревне Каспля, третий день" ||
		res.Messages[0].AuthorCity != "Смоленский муниципальный округ" {
		t.Fatalf("%+v", res)
	}
	// The mapping round-trips as JSON and can be given explicitly.
	b, _ := json.Marshal(res.Mapping)
	m, err := LoadMapping(b)
	if err != nil {
		t.Fatal(err)
	}
	m[FieldAuthor] = "Район"
	delete(m, FieldMunicipality)
	res, err = ParseCSV(strings.NewReader(in), acc, m)
	if err != nil || res.Messages[0].AuthorName != "Смоленский муниципальный округ" {
		t.Errorf("explicit mapping: %v %+v", err, res.Messages)
	}
	if _, err := LoadMapping([]byte(`{"colour":"Цвет"}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

func TestCSVUnreadable(t *testing.T) {
	for name, in := range map[string]string{
		"empty":       "",
		"no text":     "Номер;Дата поступления\n1;01.01.2025\n",
		"missing col": "Номер;Дата;Текст\n1;01.01.2025;x\n",
	} {
		m := Mapping(nil)
		if name == "missing col" {
			m = Mapping{FieldNumber: "Номер", FieldDate: "Дата", FieldText: "Текст сообщения"}
		}
		_, err := ParseCSV(strings.NewReader(in), acc, m)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func buildXLSX(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"Выгрузка сообщений ПОС — Смоленская область"},
		{},
		{"Номер", "Дата поступления", "Тема", "Текст сообщения", "Заявитель", "Муниципальное образование", "Статус"},
		{2563500, time.Date(2025, 3, 3, 14, 30, 0, 0, time.UTC), "Дороги", "Разбита дорога Угра — Знаменка", "Орлов В. Н.", "Угранский муниципальный округ", "Перенаправлено"},
		{2563501, "05.03.2025 08:00", "Вода", "Жёлтая вода из-под крана", "", "Угранский муниципальный округ", ""},
		{2563502, "когда-то", "Вода", "Текст", "", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm
	_ = f.SetCellStyle(sh, "B4", "B4", style)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	res, err := ParseXLSX(bytes.NewReader(buildXLSX(t)), acc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages) != 2 || len(res.Errors) != 1 {
		t.Fatalf("messages %+v errors %v", res.Messages, res.Errors)
	}
	m := res.Messages[0]
	msk := time.FixedZone("MSK", 3*3600)
	if m.ExternalID != "2563500" || !m.CreatedAt.Equal(time.Date(2025, 3, 3, 14, 30, 0, 0, msk)) || m.Status != data.StatusForwarded {
		t.Errorf("%+v", m)
	}
	if e := res.Errors[0]; e.Row != 6 || e.Column != "Дата поступления" {
		t.Errorf("error %v", e)
	}
	if _, err := ParseXLSX(strings.NewReader("not a zip"), acc, nil); err == nil {
		t.Error("garbage accepted")
	}
}

func TestSourceBackfillPages(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pos.csv")
	var b strings.Builder
	b.WriteString("Номер;Дата поступления;Текст сообщения\n")
	for i := range 1203 {
		b.WriteString(strings.Join([]string{strconv.Itoa(1000 + i), "01.02.2025 10:00", "Не вывозят мусор в Ярцеве"}, ";") + "\n")
	}
	b.WriteString("x;плохо;текст\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	src := Open(acc, path, nil)
	cur, total, pages, bad := "", 0, 0, 0
	for {
		p, err := src.Backfill(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		total += len(p.Messages)
		bad += len(p.Quarantine)
		if !p.More {
			break
		}
		cur = p.Cursor
	}
	if total != 1203 || pages != 3 || bad != 1 {
		t.Errorf("total %d pages %d bad %d", total, pages, bad)
	}
	// A cursor for other content starts over.
	p, err := src.Backfill(context.Background(), "0000:900")
	if err != nil || len(p.Messages) != 500 || p.Messages[0].ExternalID != "1000" {
		t.Errorf("foreign cursor: %v", err)
	}
	if _, err := Open(acc, filepath.Join(dir, "nope.csv"), nil).Backfill(context.Background(), ""); err == nil {
		t.Error("missing file accepted")
	}
}

func FuzzPOSCSV(f *testing.F) {
	f.Add(read(f, "export_utf8.csv"))
	f.Add([]byte("Номер,Дата,Текст\n1,01.01.2025,\"a\nb\"\n"))
	f.Add([]byte{0xcd, 0xee, 0xec, 0xe5, 0xf0, ';', 0xc4, 0xe0, 0xf2, 0xe0, '\n'})
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := ParseCSV(bytes.NewReader(b), acc, nil)
		if err != nil {
			return
		}
		if len(res.Messages)+len(res.Quarantine) > res.Rows {
			t.Fatalf("%d messages + %d bad > %d rows", len(res.Messages), len(res.Quarantine), res.Rows)
		}
		seen := map[string]bool{}
		for _, m := range res.Messages {
			if m.ExternalID == "" || m.CreatedAt.IsZero() || seen[m.ExternalID] {
				t.Fatalf("bad message %+v", m)
			}
			seen[m.ExternalID] = true
		}
		for _, e := range res.Errors {
			if e.Row < 2 || !errors.Is(e, e.Err) {
				t.Fatalf("bad row error %v", e)
			}
		}
	})
}
