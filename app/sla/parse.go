package sla

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxCalendarBytes bounds an imported file; a real one is a few kilobytes.
const maxCalendarBytes = 4 << 20

// ParseCalendar reads a production calendar in one of three formats:
//
//   - Otklik's own JSON (assets/calendar_ru_YYYY.json): one Year object or an
//     array of them;
//   - the open-data JSON of data.gov.ru: an array of objects keyed
//     "Год/Месяц", "Январь" … "Декабрь";
//   - the same table as CSV (data.gov.ru, КонсультантПлюс exports), comma or
//     semicolon separated, with the header row "Год/Месяц,Январь,…".
//
// In the open-data table each month cell lists the non-working days; "N*"
// marks a shortened working day and "N+" a transferred day off; a weekend
// day left out of the list is a working weekend.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxCalendarBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxCalendarBytes {
		return nil, fmt.Errorf("calendar: file larger than %d bytes", maxCalendarBytes)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, errors.New("calendar: empty file")
	}
	var years []Year
	switch trimmed[0] {
	case '{':
		var y Year
		if err := strictJSON(trimmed, &y); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		years = []Year{y}
	case '[':
		var probe []map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &probe); err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		if len(probe) > 0 {
			if _, ok := probe[0][openDataYearKey]; ok {
				years, err = parseOpenDataJSON(probe)
				break
			}
		}
		err = strictJSON(trimmed, &years)
	default:
		years, err = parseOpenDataCSV(raw)
	}
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	if len(years) == 0 {
		return nil, errors.New("calendar: no years in file")
	}
	return NewCalendar(years...)
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

const openDataYearKey = "Год/Месяц"

var monthsRU = [...]string{"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
	"Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"}

func parseOpenDataJSON(rows []map[string]json.RawMessage) ([]Year, error) {
	var out []Year
	for i, row := range rows {
		rec := map[string]string{}
		for k, v := range row {
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				// Totals may come as numbers; only the year and month cells matter.
				var n json.Number
				if json.Unmarshal(v, &n) != nil {
					return nil, fmt.Errorf("row %d: field %q is neither text nor number", i+1, k)
				}
				s = n.String()
			}
			rec[k] = s
		}
		y, err := openDataYear(rec)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, err)
		}
		out = append(out, y)
	}
	return out, nil
}

func parseOpenDataCSV(raw []byte) ([]Year, error) {
	first, _, _ := bufio.NewReader(bytes.NewReader(raw)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(raw))
	if strings.Count(string(first), ";") > strings.Count(string(first), ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.Trim(header[i], "\ufeff"))
	}
	if len(header) == 0 || header[0] != openDataYearKey {
		return nil, fmt.Errorf("not a production calendar: want JSON or a CSV starting with %q", openDataYearKey)
	}
	var out []Year
	for line := 2; ; line++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		rec := map[string]string{}
		for i, v := range row {
			if i < len(header) {
				rec[header[i]] = v
			}
		}
		y, err := openDataYear(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, y)
	}
	return out, nil
}

// openDataYear converts one row of the open-data table.
func openDataYear(rec map[string]string) (Year, error) {
	year, err := strconv.Atoi(strings.TrimSpace(rec[openDataYearKey]))
	if err != nil || year < 1992 || year > 2200 {
		return Year{}, fmt.Errorf("year %q is not a year", rec[openDataYearKey])
	}
	y := Year{Year: year, Status: StatusOfficial, Source: "Импорт открытых данных (data.gov.ru / КонсультантПлюс)"}
	for mi, name := range monthsRU {
		cell, ok := rec[name]
		if !ok {
			return Year{}, fmt.Errorf("%d: no column %q", year, name)
		}
		month := time.Month(mi + 1)
		last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
		listed := map[int]byte{} // day → marker: 0, '*', '+'
		for tok := range strings.SplitSeq(cell, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			var mark byte
			if c := tok[len(tok)-1]; c == '*' || c == '+' {
				mark, tok = c, tok[:len(tok)-1]
			}
			d, err := strconv.Atoi(tok)
			if err != nil || d < 1 || d > last {
				return Year{}, fmt.Errorf("%d %s: %q is not a day of the month", year, name, tok)
			}
			if _, dup := listed[d]; dup {
				return Year{}, fmt.Errorf("%d %s: day %d listed twice", year, name, d)
			}
			listed[d] = mark
		}
		for d := 1; d <= last; d++ {
			t := time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
			weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
			mark, isListed := listed[d]
			holidayName, holiday := isFixedHoliday(t)
			e := DayEntry{Date: t.Format(time.DateOnly)}
			switch {
			case isListed && mark == '*':
				e.Type, e.Name = TypeShort, "Предпраздничный день"
			case isListed && holiday:
				e.Type, e.Name = TypeHoliday, holidayName
			case isListed && !weekend:
				e.Type, e.Name = TypeOff, "Перенесённый выходной"
			case !isListed && weekend:
				e.Type, e.Name = TypeWork, "Рабочий выходной (перенос)"
			default:
				continue
			}
			y.Days = append(y.Days, e)
		}
	}
	return y, nil
}
