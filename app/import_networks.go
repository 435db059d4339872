package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"otklik/app/connector/pos"
	"otklik/app/connector/telegram"
	"otklik/data"
)

// NetworkImportResult counts an import of a network's own export.
type NetworkImportResult struct {
	Account    data.Account
	Posts      int
	Messages   int
	Skipped    int // service messages (Telegram) or bad rows (ПОС, with SkipBad)
	Quarantine int // items kept aside with the reason
	Inserted   int
	Updated    int
	Encoding   string // ПОС CSV: utf-8 or windows-1251
}

// ImportTelegramExport reads the result.json that Telegram Desktop's
// "Export chat history" writes for a channel's discussion group and stores
// its posts and comments under the chat's account (created when missing).
// The file is streamed, so a large export never sits in memory.
func (a *App) ImportTelegramExport(ctx context.Context, path string) (NetworkImportResult, error) {
	var res NetworkImportResult
	db, err := a.store()
	if err != nil {
		return res, err
	}
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	// Name, type and id come before the messages: read them first (stopping
	// at the first message), make the account, then stream from the start.
	errHeader := errors.New("header read")
	header, err := telegram.StreamExport(f, func(telegram.ExportItem) error { return errHeader })
	if err != nil && !errors.Is(err, errHeader) {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	if res.Account, err = a.telegramAccount(ctx, header); err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	in := a.NewIngester(ctx)
	var posts []data.Post
	var msgs []data.Message
	flush := func() error {
		if len(posts)+len(msgs) == 0 {
			return nil
		}
		err := in.Add(res.Account.ID, posts, msgs, "", "")
		posts, msgs = nil, nil
		return err
	}
	sum, err := telegram.StreamExport(f, func(it telegram.ExportItem) error {
		if it.Post != nil {
			p := *it.Post
			p.AccountID = res.Account.ID
			posts = append(posts, p)
			res.Posts++
		}
		if it.Message != nil {
			m := *it.Message
			m.AccountID = res.Account.ID
			msgs = append(msgs, m)
			res.Messages++
		}
		if len(posts)+len(msgs) >= importBatch {
			return flush()
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	st, cerr := in.Close()
	res.Inserted, res.Updated = st.Inserted, st.Updated
	res.Skipped = sum.Service
	if err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	if res.Account.ID != 0 {
		for _, b := range sum.Quarantine {
			if _, err := db.AddQuarantine(ctx, res.Account.ID, b.Raw, b.Reason, a.now()); err != nil {
				return res, err
			}
		}
	}
	res.Quarantine = len(sum.Quarantine)
	return res, nil
}

func (a *App) telegramAccount(ctx context.Context, h telegram.ExportSummary) (data.Account, error) {
	if h.ChatID == 0 {
		return data.Account{}, errors.New("the export names no chat id")
	}
	resolve, err := a.accountResolver(ctx)
	if err != nil {
		return data.Account{}, err
	}
	id, err := resolve(ctx, data.Telegram, strconv.FormatInt(h.ChatID, 10), h.Name)
	if err != nil {
		return data.Account{}, err
	}
	db, err := a.store()
	if err != nil {
		return data.Account{}, err
	}
	return db.Account(ctx, id)
}

// POSImportOptions configure ImportPOS.
type POSImportOptions struct {
	Format  string // csv or xlsx (default: from the extension)
	Account string // the source's name; default "pos"
	SkipBad bool
	OnSkip  func(error)
}

// settingPOSMapping keeps the column mapping of each ПОС source, so an
// export whose headers the detector does not know is mapped once.
const settingPOSMapping = "pos.mapping."

// ImportPOS reads an export of «Госуслуги. Решаем вместе» (CSV from Excel in
// UTF-8 or Windows-1251, or XLSX). Columns are mapped by the source's saved
// mapping, else detected from the headers and then saved. As with Import, a
// bad row refuses the whole file unless SkipBad is set.
func (a *App) ImportPOS(ctx context.Context, path string, opts POSImportOptions) (NetworkImportResult, error) {
	var res NetworkImportResult
	db, err := a.store()
	if err != nil {
		return res, err
	}
	if opts.Account == "" {
		opts.Account = "pos"
	}
	if opts.Format == "" {
		opts.Format = strings.TrimPrefix(strings.ToLower(extOf(path)), ".")
	}
	resolve, err := a.accountResolver(ctx)
	if err != nil {
		return res, err
	}
	id, err := resolve(ctx, data.POS, opts.Account, "Госуслуги. Решаем вместе — "+opts.Account)
	if err != nil {
		return res, err
	}
	if res.Account, err = db.Account(ctx, id); err != nil {
		return res, err
	}
	var mapping pos.Mapping
	if raw, _ := setting(ctx, db, settingPOSMapping+opts.Account); raw != "" {
		if mapping, err = pos.LoadMapping([]byte(raw)); err != nil {
			return res, fmt.Errorf("saved column mapping of %q: %w", opts.Account, err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	var parsed pos.Result
	switch opts.Format {
	case "csv":
		parsed, err = pos.ParseCSV(f, res.Account, mapping)
	case "xlsx":
		parsed, err = pos.ParseXLSX(f, res.Account, mapping)
	default:
		return res, fmt.Errorf("unknown ПОС format %q (want csv or xlsx)", opts.Format)
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	res.Encoding = parsed.Encoding
	if len(parsed.Errors) > 0 && !opts.SkipBad {
		ie := &ImportError{Total: len(parsed.Errors)}
		for _, e := range parsed.Errors {
			if len(ie.Rows) < maxReportedRows {
				ie.Rows = append(ie.Rows, &RowError{File: path, Line: e.Row, Field: e.Column, Err: e.Err})
			}
		}
		return res, ie
	}
	for _, e := range parsed.Errors {
		if opts.OnSkip != nil {
			opts.OnSkip(fmt.Errorf("%s: %w", path, e))
		}
	}
	res.Skipped = len(parsed.Errors)
	if raw, err := json.Marshal(parsed.Mapping); err == nil && len(parsed.Mapping) > 0 {
		if err := db.SetSetting(ctx, settingPOSMapping+opts.Account, string(raw)); err != nil {
			return res, err
		}
	}
	in := a.NewIngester(ctx)
	for start := 0; start < len(parsed.Messages) && err == nil; start += importBatch {
		batch := parsed.Messages[start:min(start+importBatch, len(parsed.Messages))]
		err = in.Add(res.Account.ID, nil, batch, "", "")
	}
	st, cerr := in.Close()
	res.Inserted, res.Updated, res.Messages = st.Inserted, st.Updated, len(parsed.Messages)
	if err == nil {
		err = cerr
	}
	return res, err
}

func extOf(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 && !strings.ContainsAny(path[i:], `/\`) {
		return path[i:]
	}
	return ""
}
