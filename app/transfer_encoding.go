package app

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// sniffSize is how much of a CSV file decides its encoding and delimiter:
// enough for the header and the first rows of Russian text.
const sniffSize = 1 << 20

// newCSVReader reads a CSV file as Excel writes it in a Russian office:
// UTF-8 (with or without BOM) or Windows-1251 («CSV (разделители —
// запятые)» saves in the ANSI code page), with ',' or ';' (the Russian
// list separator) or a tab between fields. The encoding is Windows-1251
// when the file's start is not valid UTF-8; the delimiter is the one that
// occurs most in the header line outside quotes.
func newCSVReader(r io.Reader) *csv.Reader {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(sniffSize) // a short file peeks whole; errors surface on Read
	var src io.Reader = br
	if isCP1251(head) {
		src = charmap.Windows1251.NewDecoder().Reader(br)
		head, _ = charmap.Windows1251.NewDecoder().Bytes(head)
	}
	cr := csv.NewReader(bufio.NewReaderSize(src, 1<<16))
	cr.Comma = sniffDelimiter(head)
	return cr
}

// isCP1251 reports whether head is not UTF-8 and so, for a spreadsheet made
// in Russia, Windows-1251. A multi-byte character cut at the end of the
// sniffed window does not count against UTF-8.
func isCP1251(head []byte) bool {
	if utf8.Valid(head) {
		return false
	}
	for cut := 1; cut < utf8.UTFMax && cut <= len(head); cut++ {
		if utf8.Valid(head[:len(head)-cut]) {
			return len(head) != sniffSize // only a full window can be cut short
		}
	}
	return true
}

// sniffDelimiter counts the candidate delimiters in the first line outside
// quoted fields; ',' wins ties, as it is the format's own.
func sniffDelimiter(head []byte) rune {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' || c == '\r' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}
