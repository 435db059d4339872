// Package pos imports appeals from «Госуслуги. Решаем вместе» (ПОС), which
// offers the office no API but exports CSV and XLSX tables. Which column
// holds what is a Mapping — data the user can correct and save per source —
// detected from the header row by default.
package pos

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"otklik/app/connector"
	"otklik/data"
)

// Fields a Mapping can assign a column to.
const (
	FieldNumber       = "number"       // «Номер»: the appeal's id, required
	FieldDate         = "date"         // «Дата поступления», required
	FieldSubject      = "subject"      // «Тема»
	FieldSubcategory  = "subcategory"  // «Подкатегория»
	FieldText         = "text"         // «Текст сообщения», required
	FieldAuthor       = "author"       // «Заявитель»
	FieldAddress      = "address"      // «Адрес»
	FieldMunicipality = "municipality" // «Муниципальное образование»
	FieldStatus       = "status"       // «Статус»
	FieldDue          = "due"          // «Срок ответа»
	FieldURL          = "url"          // «Ссылка»
)

// Fields lists every field in display order.
var Fields = []string{FieldNumber, FieldDate, FieldSubject, FieldSubcategory, FieldText, FieldAuthor,
	FieldAddress, FieldMunicipality, FieldStatus, FieldDue, FieldURL}

var required = []string{FieldNumber, FieldDate, FieldText}

// aliases are header spellings seen in ПОС exports and in tables offices
// retype by hand, lower-cased with ё→е; the first match wins.
var aliases = map[string][]string{
	FieldNumber:       {"номер", "номер сообщения", "№", "№ сообщения", "id", "идентификатор", "номер обращения"},
	FieldDate:         {"дата поступления", "дата создания", "дата", "дата сообщения", "дата регистрации", "создано"},
	FieldSubject:      {"тема", "тема сообщения", "категория"},
	FieldSubcategory:  {"подкатегория", "подтема"},
	FieldText:         {"текст сообщения", "текст", "сообщение", "содержание", "текст обращения", "суть обращения"},
	FieldAuthor:       {"заявитель", "автор", "фио заявителя", "фио"},
	FieldAddress:      {"адрес", "адрес проблемы", "место"},
	FieldMunicipality: {"муниципальное образование", "мо", "район", "муниципалитет", "муниципальный район"},
	FieldStatus:       {"статус", "состояние"},
	FieldDue:          {"срок ответа", "срок", "срок рассмотрения", "плановая дата ответа"},
	FieldURL:          {"ссылка", "url", "ссылка на сообщение"},
}

func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	s = strings.ReplaceAll(s, "ё", "е")
	return strings.Join(strings.Fields(s), " ")
}

// Mapping assigns fields to column headers: field → header as written in
// the file. It is plain data: save it per source with json.Marshal.
type Mapping map[string]string

// DetectMapping guesses the mapping from a header row.
func DetectMapping(headers []string) Mapping {
	m := Mapping{}
	taken := map[int]bool{}
	for _, f := range Fields {
		for _, alias := range aliases[f] {
			found := false
			for i, h := range headers {
				if !taken[i] && normHeader(h) == alias {
					m[f], taken[i], found = strings.TrimSpace(h), true, true
					break
				}
			}
			if found {
				break
			}
		}
	}
	return m
}

// LoadMapping reads a saved mapping and checks its field names.
func LoadMapping(b []byte) (Mapping, error) {
	var m Mapping
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("pos mapping: %w", err)
	}
	for f := range m {
		if _, ok := aliases[f]; !ok {
			return nil, fmt.Errorf("pos mapping: unknown field %q", f)
		}
	}
	return m, nil
}

// columns resolves a mapping against a header row: field → column index.
func (m Mapping) columns(headers []string) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range headers {
		if _, dup := idx[normHeader(h)]; !dup {
			idx[normHeader(h)] = i
		}
	}
	cols := map[string]int{}
	var missing []string
	for f, h := range m {
		if _, ok := aliases[f]; !ok {
			return nil, fmt.Errorf("pos mapping: unknown field %q", f)
		}
		i, ok := idx[normHeader(h)]
		if !ok {
			return nil, fmt.Errorf("pos: column «%s» (for %s) is not in the header row", h, f)
		}
		cols[f] = i
	}
	for _, f := range required {
		if _, ok := cols[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("pos: no column for %s; set the mapping by hand (headers: %s)",
			strings.Join(missing, ", "), strings.Join(headers, " | "))
	}
	return cols, nil
}

// RowError says which row (1-based, as a spreadsheet shows it) and column
// of the file could not be read.
type RowError struct {
	Row    int
	Column string // the header, "" when the whole row is at fault
	Err    error
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("row %d, column «%s»: %v", e.Row, e.Column, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Result is a parsed export.
type Result struct {
	Messages   []data.Message
	Quarantine []connector.Bad // rows that could not be read; Reason is a *RowError's text
	Errors     []*RowError     // the same rows, structured
	Mapping    Mapping         // the mapping used (detected or given)
	Rows       int             // data rows seen, header excluded
	Encoding   string          // "utf-8" or "windows-1251" (CSV)
	Delimiter  rune            // CSV only
}

// moscow is the portal's time zone; its exports carry local times.
var moscow = time.FixedZone("MSK", 3*3600)

var dateLayouts = []string{
	"02.01.2006 15:04:05", "02.01.2006 15:04", "02.01.2006", "2.1.2006 15:04", "2.1.2006",
	"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02", time.RFC3339,
}

// parseDate reads the dates the portal and Excel write, including Excel's
// serial day numbers in XLSX cells.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, moscow); err == nil {
			return t.UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1 && f < 2958466 {
		t, err := excelize.ExcelDateToTime(f, false)
		if err == nil {
			// Serials carry wall-clock time without a zone: read as Moscow.
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, moscow)
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read date %q", s)
}

// statusFor maps the portal's status to the office's starting status; the
// office's own status is never overwritten by a later import.
func statusFor(s string) data.Status {
	s = normHeader(s)
	switch {
	case s == "":
		return data.StatusNew
	case strings.Contains(s, "перенаправ") || strings.Contains(s, "передан"):
		return data.StatusForwarded
	case strings.Contains(s, "ответ") && (strings.Contains(s, "дан") || strings.Contains(s, "направлен") || strings.Contains(s, "опубликован")),
		strings.Contains(s, "решено"), strings.Contains(s, "исполнено"):
		return data.StatusAnswered
	case strings.Contains(s, "закрыт"), strings.Contains(s, "отклонен"), strings.Contains(s, "архив"):
		return data.StatusClosed
	case strings.Contains(s, "работ"), strings.Contains(s, "рассмотр"), strings.Contains(s, "модерац"), strings.Contains(s, "исполнен"):
		return data.StatusInProgress
	}
	return data.StatusNew
}

// rowToMessage converts one data row; line is its 1-based row number.
func rowToMessage(acc data.Account, cols map[string]int, m Mapping, row []string, line int) (data.Message, *RowError) {
	get := func(f string) string {
		i, ok := cols[f]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	fail := func(f string, err error) *RowError { return &RowError{Row: line, Column: m[f], Err: err} }
	num := get(FieldNumber)
	if num == "" {
		return data.Message{}, fail(FieldNumber, errors.New("empty number"))
	}
	text := get(FieldText)
	if text == "" {
		return data.Message{}, fail(FieldText, errors.New("empty text"))
	}
	created, err := parseDate(get(FieldDate))
	if err != nil {
		return data.Message{}, fail(FieldDate, err)
	}
	msg := data.Message{Platform: data.POS, AccountID: acc.ID, ExternalID: num, AuthorName: get(FieldAuthor),
		AuthorCity: get(FieldMunicipality), URL: get(FieldURL), CreatedAt: created, Status: statusFor(get(FieldStatus))}
	if due := get(FieldDue); due != "" {
		if msg.AnswerDue, err = parseDate(due); err != nil {
			return data.Message{}, fail(FieldDue, err)
		}
	}
	// The topic and address are part of what the resident said and what the
	// tagger reads to find the district, so they go into the text.
	var b strings.Builder
	subject, sub := get(FieldSubject), get(FieldSubcategory)
	switch {
	case subject != "" && sub != "":
		b.WriteString(subject + " — " + sub + "\n")
	case subject != "" || sub != "":
		b.WriteString(subject + sub + "\n")
	}
	b.WriteString(text)
	if addr := get(FieldAddress); addr != "" {
		b.WriteString("\nАдрес: " + addr)
	}
	msg.Text = b.String()
	return msg, nil
}

// parseRows converts a header row and data rows; lineOf gives the row
// number a user sees for data row i, raw its original text.
func parseRows(acc data.Account, m Mapping, header []string, rows [][]string, lineOf func(int) int, raw func(int) []byte) (Result, error) {
	if m == nil {
		m = DetectMapping(header)
	}
	cols, err := m.columns(header)
	if err != nil {
		return Result{}, err
	}
	res := Result{Mapping: m, Rows: len(rows)}
	seen := map[string]int{}
	for i, row := range rows {
		line := lineOf(i)
		if isBlank(row) {
			res.Rows--
			continue
		}
		msg, rerr := rowToMessage(acc, cols, m, row, line)
		if rerr == nil {
			if first, dup := seen[msg.ExternalID]; dup {
				rerr = &RowError{Row: line, Column: m[FieldNumber], Err: fmt.Errorf("number %s repeats row %d", msg.ExternalID, first)}
			}
		}
		if rerr != nil {
			res.Errors = append(res.Errors, rerr)
			res.Quarantine = append(res.Quarantine, connector.Bad{Raw: raw(i), Reason: rerr.Error()})
			continue
		}
		seen[msg.ExternalID] = line
		res.Messages = append(res.Messages, msg)
	}
	return res, nil
}

func isBlank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
