package textru

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in    string
		match string
		stems []string
	}{
		{"", "", nil},
		{"   ", "", nil},
		{"😡 !!! ---", "", nil},
		{"дороги", `"дорог"`, []string{"дорог"}},
		{"Дорога Рославль", `"дорог" AND "рославл"`, []string{"дорог", "рославл"}},
		{`"горячей воды"`, `"горяч вод"`, []string{"горяч", "вод"}},
		{`«горячей воды» нет`, `"горяч вод" AND "нет"`, []string{"горяч", "вод", "нет"}},
		{"газиф*", `"газиф" *`, []string{"газиф*"}},
		{"дороги*", `"дорог" *`, []string{"дорог*"}},
		{"мусор -вывоз", `("мусор") NOT ("вывоз")`, []string{"мусор"}},
		{"мусор NOT вывоз", `("мусор") NOT ("вывоз")`, []string{"мусор"}},
		{"-мусор", "", nil},
		{"свет или газ", `("свет" OR "газ")`, []string{"свет", "газ"}},
		{"свет OR газ Рославль", `("свет" OR "газ") AND "рославл"`, []string{"свет", "газ", "рославл"}},
		{"OR свет", `"свет"`, []string{"свет"}},
		{"дороги и мусор", `"дорог" AND "мусор"`, []string{"дорог", "мусор"}},
		{"и", `"и"`, []string{"и"}},
		{"Холм-Жирковский", `"холм жирковск"`, []string{"холм", "жирковск"}},
		{`AND( NEAR(a b) col:val ^start "`, `"near" AND "b" AND "col val" AND "start"`, []string{"near", "b", "col", "val", "start"}},
		{`"незакрытая кавычка`, `"незакрыт кавычк"`, []string{"незакрыт", "кавычк"}},
	} {
		q := ParseQuery(tc.in)
		if q.Match != tc.match || !reflect.DeepEqual(q.Stems, tc.stems) || q.Empty != (tc.match == "") {
			t.Errorf("ParseQuery(%q) = %+v, want Match %q Stems %q", tc.in, q, tc.match, tc.stems)
		}
	}
}

func TestParseQueryCapsTerms(t *testing.T) {
	q := ParseQuery(strings.Repeat("дорога яма ", 5000))
	if n := strings.Count(q.Match, `"`) / 2; n != maxQueryTerms {
		t.Errorf("%d terms, want the cap %d", n, maxQueryTerms)
	}
}

// openFTS returns an in-memory FTS5 table shaped like the store's index.
func openFTS(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE m USING fts5(body, tokenize='unicode61')`); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"На дороге в Рославле яма, дорогу не ремонтируют",
		"Горячей воды нет третий день, управляющая компания молчит",
		"Мусор не вывозят, контейнерная площадка переполнена",
		"Спасибо за газификацию деревни!",
		"Холм-Жирковский: дороги разбиты",
	} {
		if _, err := db.Exec(`INSERT INTO m(body) VALUES (?)`, StemText(s)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func search(t testing.TB, db *sql.DB, q Query) ([]int64, error) {
	t.Helper()
	rows, err := db.Query(`SELECT rowid FROM m WHERE m MATCH ? ORDER BY rowid`, q.Match)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func TestParseQueryFTS(t *testing.T) {
	db := openFTS(t)
	for _, tc := range []struct {
		in   string
		want []int64
	}{
		{"дорога", []int64{1, 5}},
		{"дорогу", []int64{1, 5}},
		{`"горячая вода"`, []int64{2}},
		{"газиф*", []int64{4}},
		{"дороги -рославль", []int64{5}},
		{"мусор или вода", []int64{2, 3}},
		{"холм-жирковский дорога", []int64{5}},
		{"яма рославль", []int64{1}},
	} {
		ids, err := search(t, db, ParseQuery(tc.in))
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("%q found %v, want %v", tc.in, ids, tc.want)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "дорога", `"`, `""`, `"a" "b`, "AND(", "*", "**", "-", "--x", "NEAR(a b, 3)", "col:val", "^x",
		"или", "OR OR", "x OR", "-a -b", "a -", "дорог* -яма OR \"горячая вода\"", "😡", "\x00\x01", "\xff",
		"Холм-Жирковский", "«кавычки»", "(((", ")", "NOT", "a NOT", strings.Repeat("я ", 100),
	} {
		f.Add(s)
	}
	db := openFTS(f)
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if q.Empty {
			if q.Match != "" {
				t.Fatalf("Empty query %q has Match %q", s, q.Match)
			}
			return
		}
		if q.Match == "" {
			t.Fatalf("ParseQuery(%q) is neither Empty nor a Match", s)
		}
		if _, err := search(t, db, q); err != nil {
			t.Fatalf("ParseQuery(%q).Match = %q: %v", s, q.Match, err)
		}
	})
}

func TestHighlight(t *testing.T) {
	for _, tc := range []struct {
		text  string
		query string
		want  []string
	}{
		{"Дорогу в Рославле опять разбили, дороги все в ямах", "дорога", []string{"Дорогу", "дороги"}},
		{"Газификация Ёлкино и газ в Сычёвке", "газиф*", []string{"Газификация"}},
		{"Ёлки в Сычёвке", "сычевка", []string{"Сычёвке"}},
		{"Холм-Жирковский район", "жирковский", []string{"Жирковский"}},
		{"нет совпадений", "дорога", nil},
		{"мусор, мусорка", `"мусор"`, []string{"мусор"}},
	} {
		var got []string
		for _, r := range Highlight(tc.text, ParseQuery(tc.query).Stems) {
			got = append(got, tc.text[r[0]:r[1]])
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Highlight(%q, %q) = %q, want %q", tc.text, tc.query, got, tc.want)
		}
	}
	if Highlight("текст", nil) != nil {
		t.Error("no stems, no ranges")
	}
}
