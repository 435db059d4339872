package pos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"otklik/data"
)

// ParseXLSX reads the first sheet of an XLSX export. Cells are read raw, so
// dates arrive as Excel serials whatever their display format.
func ParseXLSX(r io.Reader, acc data.Account, m Mapping) (Result, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return Result{}, fmt.Errorf("pos: not an XLSX file: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Result{}, errors.New("pos: the workbook has no sheets")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return Result{}, fmt.Errorf("pos: sheet «%s»: %w", sheets[0], err)
	}
	// Skip a title block above the table: the header is the first row with
	// a number and a text column.
	head := -1
	for i, row := range rows {
		if i > 20 {
			break
		}
		dm := DetectMapping(row)
		if m != nil {
			if _, err := m.columns(row); err == nil {
				head = i
				break
			}
		} else if dm[FieldNumber] != "" && dm[FieldText] != "" {
			head = i
			break
		}
	}
	if head < 0 {
		if len(rows) == 0 {
			return Result{}, errors.New("pos: the sheet is empty")
		}
		head = 0 // let the mapping check name what is missing
	}
	res, err := parseRows(acc, m, rows[head], rows[head+1:], func(i int) int { return head + 2 + i }, func(i int) []byte {
		var b bytes.Buffer
		b.WriteString(strings.Join(rows[head+1+i], "\t"))
		return b.Bytes()
	})
	if err != nil {
		return Result{}, err
	}
	res.Encoding = "xlsx"
	return res, nil
}
