package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"otklik/app"
)

// moscow is the office's zone: --from and --to are its calendar days.
var moscow = time.FixedZone("MSK", 3*60*60)

// runBrief writes the broadcast briefing for one municipality, the same
// document the «Эфир» panel exports.
func runBrief(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "brief")
	district := fs.String("district", "", "municipality code (roslavl) or name (Рославль)")
	fromS := fs.String("from", "", "first day, YYYY-MM-DD (default: 30 days up to today)")
	toS := fs.String("to", "", "last day, inclusive, YYYY-MM-DD")
	out := fs.String("out", "", "the file to write")
	format := fs.String("format", "", "pdf, docx or html (default: from the extension of --out)")
	pseudo := fs.Bool("pseudonymise", false, "replace residents' names, hide phones and e-mails")
	if code, ok := parseNoArgs(e, fs, args); !ok {
		return code
	}
	if *district == "" || *out == "" {
		fmt.Fprintln(e.stderr, "otklik brief: --district and --out are required")
		return ExitUsage
	}
	if *format == "" {
		f, err := app.BriefingFormat(*out)
		if err != nil {
			fmt.Fprintf(e.stderr, "otklik brief: %v\n", err)
			return ExitUsage
		}
		*format = f
	}
	if *format != app.FormatPDF && *format != app.FormatDOCX && *format != app.FormatHTML {
		fmt.Fprintf(e.stderr, "otklik brief: unknown format %q (want pdf, docx or html)\n", *format)
		return ExitUsage
	}
	from, to, err := briefPeriod(*fromS, *toS)
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik brief: %v\n", err)
		return ExitUsage
	}
	a, code := open(ctx, e, *dbPath)
	if a == nil {
		return code
	}
	defer a.Close()
	dcode, ok := resolveDistrict(a, *district)
	if !ok {
		fmt.Fprintf(e.stderr, "otklik brief: unknown municipality %q\n", *district)
		return ExitUsage
	}
	p, err := a.BroadcastPanel(ctx, dcode, from, to)
	if err != nil {
		return fail(e, err)
	}
	b, err := a.Briefing(ctx, p, app.BriefingOptions{Pseudonymise: *pseudo})
	if err != nil {
		return fail(e, err)
	}
	// SaveBriefing is what the panel's «Экспорт» (App.ExportBriefing) ends in.
	if err := app.SaveBriefing(*out, *format, b); err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d messages, %d question groups, %d shortlisted, %d unresolved → %s\n",
		p.DistrictName, strings.TrimSpace(b.Title()[strings.LastIndex(b.Title(), ",")+1:]), p.Total, len(b.Groups),
		len(b.Shortlist), len(b.Unresolved), *out)
	return ExitOK
}

// briefPeriod turns inclusive calendar days into [from, to). Both empty
// means the panel's default; one alone is an error.
func briefPeriod(fromS, toS string) (from, to time.Time, err error) {
	if fromS == "" && toS == "" {
		return time.Time{}, time.Time{}, nil
	}
	if fromS == "" || toS == "" {
		return from, to, fmt.Errorf("give both --from and --to, or neither")
	}
	if from, err = time.ParseInLocation(time.DateOnly, fromS, moscow); err != nil {
		return from, to, fmt.Errorf("--from %q: want YYYY-MM-DD", fromS)
	}
	last, err := time.ParseInLocation(time.DateOnly, toS, moscow)
	if err != nil {
		return from, to, fmt.Errorf("--to %q: want YYYY-MM-DD", toS)
	}
	if last.Before(from) {
		return from, to, fmt.Errorf("--to %s is before --from %s", toS, fromS)
	}
	// Messages exist from the networks' time on; a typo like 0206 for 2026
	// would otherwise scan nothing and report nothing.
	for _, t := range []time.Time{from, last} {
		if t.Year() < 2000 || t.Year() > 2100 {
			return from, to, fmt.Errorf("%s: the year must be between 2000 and 2100", t.Format(time.DateOnly))
		}
	}
	return from, last.AddDate(0, 0, 1), nil
}

// resolveDistrict accepts a municipality's code, name or short name.
func resolveDistrict(a *app.App, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, m := range a.Municipalities() {
		if strings.EqualFold(m.Code, s) || strings.EqualFold(m.Name, s) || strings.EqualFold(m.Short, s) {
			return m.Code, true
		}
	}
	return "", false
}
