package pos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"otklik/app/connector"
	"otklik/data"
)

// Source is a ПОС export file as a connector: Backfill walks its rows in
// pages. The cursor names the file's content, so a changed file starts
// over (ingest upserts, so repeats are harmless). One engine loop drives a
// Source; it is not safe for concurrent use.
type Source struct {
	acc      data.Account
	path     string
	mapping  Mapping
	pageSize int

	loaded bool
	sum    string
	res    Result
}

// Open makes a Source for the CSV or XLSX file at path; a nil mapping is
// detected from the header.
func Open(acc data.Account, path string, m Mapping) *Source {
	return &Source{acc: acc, path: path, mapping: m, pageSize: 500}
}

// Platform implements connector.Connector.
func (s *Source) Platform() data.Platform { return data.POS }

// Account implements connector.Connector.
func (s *Source) Account() data.Account { return s.acc }

// Result is the parse of the file, after the first Backfill.
func (s *Source) Result() Result { return s.res }

func (s *Source) load() error {
	b, err := os.ReadFile(s.path)
	if err != nil {
		return &connector.Error{Kind: connector.UserVisible, Platform: data.POS, Method: "open", Msg: err.Error(), Err: err}
	}
	sum := sha256.Sum256(b)
	var res Result
	if strings.EqualFold(filepath.Ext(s.path), ".xlsx") {
		res, err = ParseXLSX(bytes.NewReader(b), s.acc, s.mapping)
	} else {
		res, err = ParseCSV(bytes.NewReader(b), s.acc, s.mapping)
	}
	if err != nil {
		return &connector.Error{Kind: connector.UserVisible, Platform: data.POS, Method: "parse", Msg: err.Error(), Err: err}
	}
	s.loaded, s.sum, s.res = true, hex.EncodeToString(sum[:8]), res
	return nil
}

// Backfill implements connector.Backfiller. Quarantined rows come with the
// first page.
func (s *Source) Backfill(ctx context.Context, cursor string) (connector.Page, error) {
	if err := ctx.Err(); err != nil {
		return connector.Page{}, err
	}
	if !s.loaded {
		if err := s.load(); err != nil {
			return connector.Page{}, err
		}
	}
	start := 0
	if sum, pos, ok := strings.Cut(cursor, ":"); ok && sum == s.sum {
		n, err := strconv.Atoi(pos)
		if err != nil || n < 0 {
			return connector.Page{}, &connector.Error{Kind: connector.Permanent, Platform: data.POS, Method: "backfill", Msg: fmt.Sprintf("bad cursor %q", cursor)}
		}
		start = min(n, len(s.res.Messages))
	}
	end := min(start+s.pageSize, len(s.res.Messages))
	page := connector.Page{Messages: s.res.Messages[start:end], Cursor: s.sum + ":" + strconv.Itoa(end), More: end < len(s.res.Messages)}
	if start == 0 {
		page.Quarantine = s.res.Quarantine
	}
	return page, nil
}

var (
	_ connector.Connector  = (*Source)(nil)
	_ connector.Backfiller = (*Source)(nil)
)
