package app

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"

	"otklik/data"
)

// Record is one message in Otklik's exchange formats (JSONL and CSV): what
// `otklik export` writes and `otklik import` reads back.
type Record struct {
	Platform         string   `json:"platform"`
	ExternalID       string   `json:"external_id"`
	Account          string   `json:"account"` // the account's external id
	AccountName      string   `json:"account_name,omitempty"`
	PostExternalID   string   `json:"post_external_id"`
	ParentExternalID string   `json:"parent_external_id"`
	Author           string   `json:"author"`
	AuthorID         string   `json:"author_id,omitempty"`
	AuthorCity       string   `json:"author_city"`
	CreatedAt        string   `json:"created_at"` // RFC 3339
	Text             string   `json:"text"`
	URL              string   `json:"url,omitempty"`
	FromOffice       bool     `json:"from_office,omitempty"`
	District         string   `json:"district"`
	Category         string   `json:"category"`
	Sentiment        string   `json:"sentiment"`
	Status           string   `json:"status"`
	Assignee         string   `json:"assignee"`
	FirstResponseDue string   `json:"first_response_due"`
	AnswerDue        string   `json:"answer_due"`
	Tags             []string `json:"tags,omitempty"`
}

// csvColumns is the CSV header, in order. Tags are joined with ";".
var csvColumns = []string{
	"platform", "external_id", "account", "account_name", "post_external_id", "parent_external_id",
	"author", "author_id", "author_city", "created_at", "text", "url", "from_office",
	"district", "category", "sentiment", "status", "assignee", "first_response_due", "answer_due", "tags",
}

func (r Record) csvRow() []string {
	return []string{
		r.Platform, r.ExternalID, r.Account, r.AccountName, r.PostExternalID, r.ParentExternalID,
		r.Author, r.AuthorID, r.AuthorCity, r.CreatedAt, r.Text, r.URL, strconv.FormatBool(r.FromOffice),
		r.District, r.Category, r.Sentiment, r.Status, r.Assignee, r.FirstResponseDue, r.AnswerDue,
		strings.Join(r.Tags, ";"),
	}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// RowError locates a bad row: file, line and field.
type RowError struct {
	File  string
	Line  int
	Field string // "" when the whole row is unreadable
	Err   error
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: field %q: %v", e.File, e.Line, e.Field, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// ImportError reports the bad rows of an import that was refused.
type ImportError struct {
	Rows  []*RowError // the first ones, at most maxReportedRows
	Total int
}

const maxReportedRows = 20

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad row(s), nothing imported (use --skip-bad to import the rest):", e.Total)
	for _, r := range e.Rows {
		b.WriteString("\n  ")
		b.WriteString(r.Error())
	}
	if e.Total > len(e.Rows) {
		fmt.Fprintf(&b, "\n  … and %d more", e.Total-len(e.Rows))
	}
	return b.String()
}

// ImportOptions configure Import.
type ImportOptions struct {
	Format  string // jsonl or csv
	SkipBad bool   // import good rows and report each bad one instead of refusing the file
	// OnSkip is called for every skipped row when SkipBad is set.
	OnSkip func(*RowError)
	// Progress is called after each written batch with the rows read so far.
	Progress func(rows int)
}

// ImportResult counts an import.
type ImportResult struct {
	Rows     int // good rows read
	Skipped  int
	Inserted int
	Updated  int
}

const importBatch = 2000

// Import reads a JSONL or CSV file of Records into the store. The file is
// validated in full first, so a bad row never leaves half an import behind
// unless SkipBad is set; re-importing the same file is harmless (upsert).
func (a *App) Import(ctx context.Context, path string, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	var bad []*RowError
	total := 0
	err := scanRecords(path, opts.Format, func(line int, r Record) error {
		if _, rerr := r.message(path, line); rerr != nil {
			total++
			if len(bad) < maxReportedRows || opts.SkipBad {
				bad = append(bad, rerr)
			}
		}
		return ctx.Err()
	}, func(rerr *RowError) {
		total++
		if len(bad) < maxReportedRows || opts.SkipBad {
			bad = append(bad, rerr)
		}
	})
	if err != nil {
		return res, err
	}
	if total > 0 && !opts.SkipBad {
		return res, &ImportError{Rows: bad, Total: total}
	}
	skip := map[int]bool{}
	for _, r := range bad {
		skip[r.Line] = true
		if opts.OnSkip != nil {
			opts.OnSkip(r)
		}
	}
	res.Skipped = total

	accounts, err := a.accountResolver(ctx)
	if err != nil {
		return res, err
	}
	in := a.NewIngester(ctx)
	batch := make([]data.Message, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := in.Add(0, nil, batch, "", ""); err != nil {
			return err
		}
		batch = make([]data.Message, 0, importBatch)
		if opts.Progress != nil {
			opts.Progress(res.Rows)
		}
		return nil
	}
	err = scanRecords(path, opts.Format, func(line int, r Record) error {
		if skip[line] {
			return nil
		}
		m, rerr := r.message(path, line)
		if rerr != nil {
			return rerr // the file changed between the passes
		}
		if m.AccountID, err = accounts(ctx, m.Platform, r.Account, r.AccountName); err != nil {
			return err
		}
		batch = append(batch, m)
		res.Rows++
		if len(batch) == importBatch {
			return flush()
		}
		return nil
	}, func(rerr *RowError) {})
	if err == nil {
		err = flush()
	}
	stats, cerr := in.Close()
	res.Inserted, res.Updated = stats.Inserted, stats.Updated
	if err == nil {
		err = cerr
	}
	return res, err
}

// accountResolver maps (platform, account external id) to a store id,
// creating accounts that the file names and the store does not have yet.
func (a *App) accountResolver(ctx context.Context) (func(context.Context, data.Platform, string, string) (int64, error), error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	accs, err := db.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, acc := range accs {
		ids[string(acc.Platform)+"\x00"+acc.ExternalID] = acc.ID
	}
	return func(ctx context.Context, p data.Platform, ext, name string) (int64, error) {
		key := string(p) + "\x00" + ext
		if id, ok := ids[key]; ok {
			return id, nil
		}
		if name == "" {
			name = ext
		}
		acc := data.Account{Platform: p, ExternalID: ext, Name: name, Kind: defaultKind(p), CreatedAt: a.now()}
		if err := db.UpsertAccount(ctx, &acc); err != nil {
			return 0, err
		}
		ids[key] = acc.ID
		return acc.ID, nil
	}, nil
}

func defaultKind(p data.Platform) string {
	switch p {
	case data.Telegram:
		return "channel"
	case data.POS:
		return "portal"
	}
	return "community"
}

// scanRecords reads a file row by row. Unreadable rows go to bad; readable
// ones to fn with their line number (1-based; for CSV the header is line 1).
func scanRecords(path, format string, fn func(line int, r Record) error, bad func(*RowError)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	switch format {
	case "jsonl", "json", "ndjson":
		return scanJSONL(path, f, fn, bad)
	case "csv":
		return scanCSV(path, f, fn, bad)
	}
	return fmt.Errorf("unknown format %q (want jsonl or csv)", format)
}

// jsonlChunk lines are read, then decoded on every core, then handed on in
// file order: decoding is most of the work of an import's reading side,
// and it would otherwise leave the writer waiting.
const jsonlChunk = 1024

type jsonlLine struct {
	line int
	text string
	rec  Record
	bad  *RowError
}

func scanJSONL(path string, r io.Reader, fn func(int, Record) error, bad func(*RowError)) error {
	br := bufio.NewReaderSize(r, 1<<16)
	chunk := make([]jsonlLine, 0, jsonlChunk)
	workers := runtime.GOMAXPROCS(0)
	line := 0
	for {
		chunk = chunk[:0]
		var readErr error
		eof := false
		for len(chunk) < jsonlChunk {
			raw, err := br.ReadBytes('\n')
			line++
			if len(raw) > 0 {
				s := strings.TrimSpace(string(raw))
				if line == 1 {
					s = strings.TrimPrefix(s, "\ufeff")
				}
				if s != "" {
					chunk = append(chunk, jsonlLine{line: line, text: s})
				}
			}
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				readErr = fmt.Errorf("%s:%d: %w", path, line, err)
				break
			}
		}
		var wg sync.WaitGroup
		for w := range min(workers, len(chunk)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(chunk); i += workers {
					decodeJSONL(path, &chunk[i])
				}
			}()
		}
		wg.Wait()
		for i := range chunk {
			l := &chunk[i]
			if l.bad != nil {
				bad(l.bad)
			} else if err := fn(l.line, l.rec); err != nil {
				return err
			}
			chunk[i] = jsonlLine{} // let the text go
		}
		if readErr != nil {
			return readErr
		}
		if eof {
			return nil
		}
	}
}

func decodeJSONL(path string, l *jsonlLine) {
	if !utf8.ValidString(l.text) {
		l.bad = &RowError{File: path, Line: l.line, Err: errors.New("invalid UTF-8 (the file must be UTF-8)")}
		return
	}
	// go-json decodes a line about three times faster than encoding/json,
	// with the same strictness (unknown fields refused).
	dec := gojson.NewDecoder(strings.NewReader(l.text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l.rec); err != nil {
		l.rec = Record{}
		l.bad = &RowError{File: path, Line: l.line, Field: jsonField(err), Err: fmt.Errorf("malformed JSON: %w", err)}
	}
}

func jsonField(err error) string {
	var gte *gojson.UnmarshalTypeError
	if errors.As(err, &gte) {
		return gte.Field
	}
	if s := err.Error(); strings.HasPrefix(s, "json: unknown field ") {
		return strings.Trim(strings.TrimPrefix(s, "json: unknown field "), `"`)
	}
	return ""
}

func scanCSV(path string, r io.Reader, fn func(int, Record) error, bad func(*RowError)) error {
	cr := newCSVReader(r) // UTF-8 or Windows-1251; , ; or tab (transfer_encoding.go)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s:1: unreadable CSV header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		col[strings.ToLower(h)] = i
	}
	for _, need := range []string{"platform", "external_id", "account", "created_at", "text"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s:1: CSV header lacks column %q", path, need)
		}
	}
	for {
		row, err := cr.Read()
		line, _ := cr.FieldPos(0)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad(&RowError{File: path, Line: pe.StartLine, Err: fmt.Errorf("malformed CSV: %v", pe.Err)})
				if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
					continue
				}
				continue
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		for _, v := range row {
			if !utf8.ValidString(v) {
				bad(&RowError{File: path, Line: line, Err: errors.New("invalid UTF-8 (save the CSV as UTF-8)")})
				goto next
			}
		}
		{
			rec := Record{
				Platform: get("platform"), ExternalID: get("external_id"), Account: get("account"),
				AccountName: get("account_name"), PostExternalID: get("post_external_id"),
				ParentExternalID: get("parent_external_id"), Author: get("author"), AuthorID: get("author_id"),
				AuthorCity: get("author_city"), CreatedAt: get("created_at"), Text: get("text"), URL: get("url"),
				District: get("district"), Category: get("category"), Sentiment: get("sentiment"),
				Status: get("status"), Assignee: get("assignee"), FirstResponseDue: get("first_response_due"),
				AnswerDue: get("answer_due"),
			}
			if v := strings.TrimSpace(get("from_office")); v != "" {
				b, perr := strconv.ParseBool(v)
				if perr != nil {
					bad(&RowError{File: path, Line: line, Field: "from_office", Err: fmt.Errorf("want true or false, got %q", v)})
					goto next
				}
				rec.FromOffice = b
			}
			if v := get("tags"); v != "" {
				rec.Tags = strings.Split(v, ";")
			}
			if err := fn(line, rec); err != nil {
				return err
			}
		}
	next:
	}
}

// message validates a record and converts it.
func (r Record) message(path string, line int) (data.Message, *RowError) {
	fail := func(field string, format string, args ...any) (data.Message, *RowError) {
		return data.Message{}, &RowError{File: path, Line: line, Field: field, Err: fmt.Errorf(format, args...)}
	}
	p := data.Platform(strings.TrimSpace(r.Platform))
	if !p.Valid() {
		return fail("platform", "unknown platform %q (want vk, telegram, ok or pos)", r.Platform)
	}
	if strings.TrimSpace(r.ExternalID) == "" {
		return fail("external_id", "empty")
	}
	if strings.TrimSpace(r.Account) == "" {
		return fail("account", "empty")
	}
	created, err := ParseTime(r.CreatedAt)
	if err != nil || created.IsZero() {
		return fail("created_at", "want an RFC 3339 time like 2026-11-27T14:05:00+03:00, got %q", r.CreatedAt)
	}
	if !utf8.ValidString(r.Text) || strings.ContainsRune(r.Text, utf8.RuneError) {
		return fail("text", "invalid UTF-8")
	}
	const maxText = 64 << 10
	if len(r.Text) > maxText {
		return fail("text", "longer than %d KiB", maxText>>10)
	}
	m := data.Message{
		Platform: p, ExternalID: strings.TrimSpace(r.ExternalID),
		PostExternalID: r.PostExternalID, ParentExternalID: r.ParentExternalID,
		AuthorExternalID: r.AuthorID, AuthorName: r.Author, AuthorCity: r.AuthorCity,
		Text: r.Text, URL: r.URL, CreatedAt: created, FromOffice: r.FromOffice,
		District: r.District, Category: r.Category, Sentiment: data.Sentiment(r.Sentiment),
		Status: data.Status(r.Status), Assignee: r.Assignee, Tags: r.Tags,
	}
	if m.Sentiment != "" && !m.Sentiment.Valid() {
		return fail("sentiment", "unknown sentiment %q (want negative, neutral or positive)", r.Sentiment)
	}
	if m.Status != "" && !m.Status.Valid() {
		return fail("status", "unknown status %q", r.Status)
	}
	if m.FirstResponseDue, err = ParseTime(r.FirstResponseDue); err != nil {
		return fail("first_response_due", "%v", err)
	}
	if m.AnswerDue, err = ParseTime(r.AnswerDue); err != nil {
		return fail("answer_due", "%v", err)
	}
	return m, nil
}

var moscow = time.FixedZone("MSK", 3*60*60)

// ParseTime accepts RFC 3339, and the "2006-01-02 15:04:05" that spreadsheets
// write, read as Moscow time. "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, moscow); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

// ExportOptions configure Export.
type ExportOptions struct {
	Format string // jsonl or csv
	Filter data.Filter
	Search string
}

// Export writes the selected messages, oldest first, without loading them
// all: rows stream from the store to w.
func (a *App) Export(ctx context.Context, w io.Writer, opts ExportOptions) (int, error) {
	db, err := a.store()
	if err != nil {
		return 0, err
	}
	f, _, empty := a.filter(Query{Filter: opts.Filter, Search: opts.Search})
	f.IncludeOffice = true
	accs, err := db.Accounts(ctx)
	if err != nil {
		return 0, err
	}
	byID := map[int64]data.Account{}
	for _, acc := range accs {
		byID[acc.ID] = acc
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var write func(Record) error
	switch opts.Format {
	case "jsonl", "json", "ndjson":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		write = func(r Record) error { return enc.Encode(r) }
	case "csv":
		cw := csv.NewWriter(bw)
		if err := cw.Write(csvColumns); err != nil {
			return 0, err
		}
		write = func(r Record) error {
			if err := cw.Write(r.csvRow()); err != nil {
				return err
			}
			cw.Flush() // into bw; keeps csv's own buffer small
			return cw.Error()
		}
	default:
		return 0, fmt.Errorf("unknown format %q (want jsonl or csv)", opts.Format)
	}
	n := 0
	if !empty {
		err = db.ForEachMessage(ctx, f, func(m data.Message) error {
			acc := byID[m.AccountID]
			n++
			return write(Record{
				Platform: string(m.Platform), ExternalID: m.ExternalID, Account: acc.ExternalID,
				AccountName: acc.Name, PostExternalID: m.PostExternalID, ParentExternalID: m.ParentExternalID,
				Author: m.AuthorName, AuthorID: m.AuthorExternalID, AuthorCity: m.AuthorCity,
				CreatedAt: formatTime(m.CreatedAt), Text: m.Text, URL: m.URL, FromOffice: m.FromOffice,
				District: m.District, Category: m.Category, Sentiment: string(m.Sentiment),
				Status: string(m.Status), Assignee: m.Assignee,
				FirstResponseDue: formatTime(m.FirstResponseDue), AnswerDue: formatTime(m.AnswerDue), Tags: m.Tags,
			})
		})
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return n, err
}
