package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"otklik/data/sqlite"
)

// ReportRow is one group of the response-time report: resident messages
// created in the period, how many got a first response, and the median
// and 90th percentile of the time to it.
type ReportRow struct {
	Key       string // category or municipality code, or the week's Monday (2006-01-02)
	Label     string // «Отопление», «Ярцево», «с 23 ноября»
	Total     int
	Responded int
	Median    time.Duration
	P90       time.Duration
}

// Report is the response-time report for a period.
type Report struct {
	Since, Until time.Time
	ByCategory   []ReportRow
	ByDistrict   []ReportRow
	ByWeek       []ReportRow
}

// ResponseReport computes time to first response for messages created in
// [since, until). The store aggregates in SQL; only the groups are read.
func (a *App) ResponseReport(ctx context.Context, since, until time.Time) (Report, error) {
	db, err := a.store()
	if err != nil {
		return Report{}, err
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return Report{}, fmt.Errorf("the period is empty: %s is not before %s", since.Format(time.DateOnly), until.Format(time.DateOnly))
	}
	r := Report{Since: since, Until: until}
	for _, g := range []struct {
		by  string
		out *[]ReportRow
	}{{sqlite.ByCategory, &r.ByCategory}, {sqlite.ByDistrict, &r.ByDistrict}, {sqlite.ByWeek, &r.ByWeek}} {
		groups, err := db.ResponseTimes(ctx, g.by, since, until)
		if err != nil {
			return Report{}, err
		}
		for _, gr := range groups {
			*g.out = append(*g.out, ReportRow{Key: gr.Key, Label: a.reportLabel(g.by, gr.Key), Total: gr.Total,
				Responded: gr.Responded, Median: gr.Median, P90: gr.P90})
		}
	}
	return r, nil
}

func (a *App) reportLabel(by, key string) string {
	switch by {
	case sqlite.ByCategory:
		for _, c := range a.tagger.Categories() {
			if c.Code == key {
				return c.Name
			}
		}
	case sqlite.ByDistrict:
		if m, ok := a.tagger.Municipality(key); ok {
			return m.Short
		}
		if key == "" {
			return "Район не определён"
		}
	case sqlite.ByWeek:
		if t, err := time.Parse(time.DateOnly, key); err == nil {
			return "с " + RussianDate(t.Add(12*time.Hour))
		}
	}
	return key
}

// WriteReportCSV writes the report as CSV for a spreadsheet: one line per
// group with the grouping, the group, counts and times in minutes.
func WriteReportCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"Разрез", "Группа", "Код", "Сообщений", "С ответом", "Медиана, мин", "90-й процентиль, мин"}); err != nil {
		return err
	}
	for _, part := range []struct {
		name string
		rows []ReportRow
	}{{"Тема", r.ByCategory}, {"Район", r.ByDistrict}, {"Неделя", r.ByWeek}} {
		for _, row := range part.rows {
			med, p90 := "", ""
			if row.Responded > 0 {
				med, p90 = minutes(row.Median), minutes(row.P90)
			}
			if err := cw.Write([]string{part.name, row.Label, row.Key, strconv.Itoa(row.Total), strconv.Itoa(row.Responded), med, p90}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func minutes(d time.Duration) string {
	return strconv.FormatFloat(d.Minutes(), 'f', 1, 64)
}
