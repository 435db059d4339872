package pos

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"otklik/data"
)

// maxFile bounds an export read into memory; the portal's exports for a
// region run to a few megabytes.
const maxFile = 256 << 20

// decodeText returns the file as UTF-8: files that are not valid UTF-8 are
// taken as Windows-1251, which Excel in Russian offices writes.
func decodeText(b []byte) (string, string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if utf8.Valid(b) {
		return string(b), "utf-8", nil
	}
	out, err := charmap.Windows1251.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", fmt.Errorf("pos: neither UTF-8 nor Windows-1251: %w", err)
	}
	return string(out), "windows-1251", nil
}

// detectDelimiter picks among ; , and tab by counting them in the header
// line outside quotes. Russian Excel writes ';' because ',' is the decimal
// separator.
func detectDelimiter(text string) rune {
	line := text
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		line = text[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{',', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// ParseCSV reads a CSV export. A nil mapping is detected from the header.
// Rows that cannot be read are quarantined with their row and column; the
// error is for a file that cannot be read at all.
func ParseCSV(r io.Reader, acc data.Account, m Mapping) (Result, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return Result{}, fmt.Errorf("pos: %w", err)
	}
	if len(b) > maxFile {
		return Result{}, errors.New("pos: file larger than 256 MB")
	}
	text, enc, err := decodeText(b)
	if err != nil {
		return Result{}, err
	}
	delim := detectDelimiter(text)
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Result{}, fmt.Errorf("pos: %w", err)
		}
		line, _ := cr.FieldPos(0)
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		return Result{}, errors.New("pos: the file is empty")
	}
	// Row numbers are file lines: a quoted cell may span several.
	res, err := parseRows(acc, m, records[0], records[1:], func(i int) int { return lines[i+1] }, func(i int) []byte {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = delim
		_ = w.Write(records[i+1])
		w.Flush()
		return bytes.TrimRight(buf.Bytes(), "\n")
	})
	if err != nil {
		return Result{}, err
	}
	res.Encoding, res.Delimiter = enc, delim
	return res, nil
}
