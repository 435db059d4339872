package ui

import (
	"bytes"
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"otklik/app"
)

// reportView shows how fast the office responds: median and 90th
// percentile of time to first response by topic, municipality and week,
// as a table and bars, exportable to CSV.
type reportView struct {
	core    Core
	b       *bridge
	now     func() time.Time
	seq     int // the latest reload; older results are dropped
	win     fyne.Window
	period  *widget.Select
	groups  []*widget.Button // by topic, by district, by week
	groupBy int
	rows    *fyne.Container
	summary *widget.Label
	export  *widget.Button
	errText *widget.Label
	report  Report
	content fyne.CanvasObject
	// save writes the CSV; tests replace the file dialog.
	save func(data []byte)
}

// Report periods, days back from today.
var reportPeriods = []int{7, 30, 60}

func newReportView(core Core, b *bridge, now func() time.Time, win fyne.Window) *reportView {
	r := &reportView{core: core, b: b, now: now, win: win}
	var opts []string
	for _, d := range reportPeriods {
		opts = append(opts, Tf("report.days", map[string]any{"N": d}))
	}
	r.period = widget.NewSelect(opts, func(string) { r.reload() })
	for i, key := range []string{"report.by_category", "report.by_district", "report.by_week"} {
		r.groups = append(r.groups, widget.NewButton(T(key), func() { r.setGroup(i) }))
	}
	r.export = widget.NewButtonWithIcon(T("report.export"), theme.DocumentSaveIcon(), r.exportCSV)
	r.summary = muted("")
	r.errText = widget.NewLabel("")
	r.errText.Importance = widget.DangerImportance
	r.errText.Hide()
	r.rows = container.NewVBox()
	r.save = r.saveDialog
	title := widget.NewLabelWithStyle(T("report.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	bar := container.NewBorder(nil, nil, container.NewHBox(container.New(fixedWidth(210), r.period),
		container.NewHBox(r.groups[0], r.groups[1], r.groups[2])), r.export)
	top := container.NewVBox(title, muted(T("report.about")), bar, r.summary, r.errText)
	r.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, container.NewVScroll(container.NewPadded(r.rows)))
	r.period.SetSelectedIndex(0)
	r.setGroup(0)
	return r
}

// reload asks the core for the period's report off the UI goroutine.
func (r *reportView) reload() {
	i := max(0, r.period.SelectedIndex())
	now := r.now()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	since, until := day.AddDate(0, 0, 1-reportPeriods[i]), day.AddDate(0, 0, 1)
	// Only the latest request may paint: an earlier, slower one (the tab's
	// first load, a period clicked past) must not overwrite it.
	r.seq++
	seq := r.seq
	async(r.b, func(ctx context.Context) (Report, error) { return r.core.ResponseReport(ctx, since, until) },
		func(rep Report, err error) {
			if seq != r.seq {
				return
			}
			if err != nil {
				r.errText.SetText(Tf("report.failed", map[string]any{"Error": err.Error()}))
				r.errText.Show()
				return
			}
			r.errText.Hide()
			r.report = rep
			r.render()
		})
}

// setGroup switches the table between topics, districts and weeks.
func (r *reportView) setGroup(i int) {
	r.groupBy = i
	for j, b := range r.groups {
		b.Importance = widget.MediumImportance
		if j == i {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	r.render()
}

// current is the grouping shown.
func (r *reportView) current() []ReportRow {
	switch r.groupBy {
	case 1:
		return r.report.ByDistrict
	case 2:
		return r.report.ByWeek
	}
	return r.report.ByCategory
}

// render draws the table: group, counts, median and p90, and a bar whose
// length is the median with a lighter extension to the 90th percentile.
func (r *reportView) render() {
	rows := r.current()
	r.rows.RemoveAll()
	total, responded := 0, 0
	var longest time.Duration
	for _, row := range rows {
		total += row.Total
		responded += row.Responded
		longest = max(longest, row.P90)
	}
	r.summary.SetText(Tf("report.summary", map[string]any{"Messages": TN("inbox.count", total), "Responded": formatInt(responded)}))
	if len(rows) == 0 {
		r.rows.Add(muted(T("report.empty")))
		r.rows.Refresh()
		return
	}
	head := container.NewGridWithColumns(2,
		reportCell(T("report.col_group"), true),
		container.NewGridWithColumns(4, reportCell(T("report.col_total"), true), reportCell(T("report.col_responded"), true),
			reportCell(T("report.col_median"), true), reportCell(T("report.col_p90"), true)))
	r.rows.Add(head)
	for _, row := range rows {
		med, p90 := "—", "—"
		if row.Responded > 0 {
			med, p90 = spanText(row.Median), spanText(row.P90)
		}
		line := container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, nil, nil, reportBar(row, longest), reportCell(row.Label, false)),
			container.NewGridWithColumns(4, reportCell(formatInt(row.Total), false), reportCell(formatInt(row.Responded), false),
				reportCell(med, false), reportCell(p90, false)))
		r.rows.Add(line)
	}
	r.rows.Refresh()
}

func reportCell(s string, bold bool) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// reportBar is drawn behind the group's name: the median in the primary
// colour, the stretch to the 90th percentile paler.
func reportBar(row ReportRow, longest time.Duration) fyne.CanvasObject {
	p := theme.Color(theme.ColorNamePrimary)
	cr, cg, cb, _ := p.RGBA()
	med := canvas.NewRectangle(color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: 0x55})
	tail := canvas.NewRectangle(color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: 0x22})
	med.CornerRadius, tail.CornerRadius = 3, 3
	return container.New(&barLayout{med: fraction(row.Median, longest), p90: fraction(row.P90, longest)}, tail, med)
}

func fraction(d, of time.Duration) float32 {
	if of <= 0 {
		return 0
	}
	return float32(float64(d) / float64(of))
}

// barLayout sizes its two rectangles to fractions of the width: the
// first to p90, the second to the median.
type barLayout struct{ med, p90 float32 }

func (b *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	h := size.Height - 2*pad
	objs[0].Move(fyne.NewPos(0, pad))
	objs[0].Resize(fyne.NewSize(size.Width*b.p90, h))
	objs[1].Move(fyne.NewPos(0, pad))
	objs[1].Resize(fyne.NewSize(size.Width*b.med, h))
}

func (b *barLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// spanText writes a duration as «45 мин», «3 ч», «2 дн.».
func spanText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return Tf("span.minutes", map[string]any{"N": int(d.Round(time.Minute) / time.Minute)})
	case d < 48*time.Hour:
		return Tf("span.hours", map[string]any{"N": int(d.Round(time.Hour) / time.Hour)})
	}
	return Tf("span.days", map[string]any{"N": int(d / (24 * time.Hour))})
}

// csv writes the report as CSV through the core.
func (r *reportView) csv() ([]byte, error) {
	var buf bytes.Buffer
	if err := app.WriteReportCSV(&buf, r.report); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (r *reportView) exportCSV() {
	b, err := r.csv()
	if err != nil {
		r.errText.SetText(Tf("report.failed", map[string]any{"Error": err.Error()}))
		r.errText.Show()
		return
	}
	r.save(b)
}

// saveDialog asks where to save the CSV.
func (r *reportView) saveDialog(b []byte) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(b); err != nil {
			dialog.ShowError(err, r.win)
		}
	}, r.win)
	d.SetFileName("otklik-response-times-" + r.now().Format("2006-01-02") + ".csv")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	d.Show()
}
