package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"otklik/data"
)

// baseTime is a Monday morning in Smolensk (UTC+3), stored as UTC.
var baseTime = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

func mustOpen(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "otklik.db"))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func mustAccount(tb testing.TB, db *DB, p data.Platform, ext, name string) data.Account {
	tb.Helper()
	a := data.Account{Platform: p, ExternalID: ext, Name: name, Kind: "community"}
	if err := db.UpsertAccount(context.Background(), &a); err != nil {
		tb.Fatalf("UpsertAccount: %v", err)
	}
	return a
}

// testStem stands in for the core's stemmer: lower case, ё→е, and the first
// five letters of each word. The store only needs the same function applied
// to text and queries.
func testStem(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		if r := []rune(w); len(r) > 5 {
			words[i] = string(r[:5])
		}
	}
	return strings.Join(words, " ")
}

func im(m data.Message) IngestMessage { return IngestMessage{Message: m, Stemmed: testStem(m.Text)} }

func mustIngest(tb testing.TB, db *DB, b Batch) IngestResult {
	tb.Helper()
	res, err := db.Ingest(context.Background(), b)
	if err != nil {
		tb.Fatalf("Ingest: %v", err)
	}
	return res
}

func mustGet(tb testing.TB, db *DB, p data.Platform, ext string) data.Message {
	tb.Helper()
	m, err := db.MessageByExternal(context.Background(), p, ext)
	if err != nil {
		tb.Fatalf("MessageByExternal(%s, %s): %v", p, ext, err)
	}
	return m
}

func extIDs(ms []data.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ExternalID
	}
	return out
}
