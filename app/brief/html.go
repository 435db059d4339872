package brief

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// WriteHTML writes the briefing as one self-contained, printable HTML page:
// inline CSS, inline SVG charts, no external resources.
func WriteHTML(w io.Writer, b Briefing) error {
	v := newView(prepared(b))
	if err := htmlTmpl.Execute(w, v); err != nil {
		return fmt.Errorf("brief: html: %w", err)
	}
	return nil
}

// view is the briefing laid out for a document: strings formatted, chart
// geometry computed. The HTML and DOCX writers share it.
type view struct {
	B                              Briefing
	Title, Meta                    string
	Total, Unanswered, Social, POS int
	PlatformLine                   string
	Cats                           []catRow
	Timeline                       timelineChart
	PlatformBar, SentimentBar      []barPart
	Groups                         []groupView
	Shortlist                      []shortView
	Unresolved                     []unresolvedView
	Announcement                   []quoteView
}

type catRow struct {
	Name        string
	Count, Prev int
	W, PW       float64 // bar widths, % of the widest
	Trend       Trend
	TrendClass  string // up, down, flat
}

type timelineChart struct {
	Width, Height, Max int
	Base, LabelY       int // the bars' baseline and the date labels' y
	Bars               []timelineBar
	Ticks              []timelineTick
}

type timelineBar struct {
	X, Y, W, H float64
	Title      string
}

type timelineTick struct {
	X     float64
	Label string
}

type barPart struct {
	Label   string
	N, Pct  int
	X, W    float64 // in % of the bar
	Color   string
	Caption string
}

type quoteView struct{ Text, By string }

type groupView struct {
	N              int
	Representative string
	Facts          string
	Quotes         []quoteView
}

type shortView struct {
	N                  int
	Title, Facts, Note string
	Quotes             []string
}

type unresolvedView struct {
	Date, Platform, Author, Text string
	Overdue                      bool
}

func rgb(c [3]int) string { return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]) }

func newView(b Briefing) view {
	v := view{B: b, Title: b.Title(), PlatformLine: platformLine(b)}
	v.Total, v.Unanswered = summary(b)
	v.Social, v.POS = b.PlatformSplit()
	var meta []string
	if !b.BroadcastAt.IsZero() {
		meta = append(meta, "Эфир: "+DateRu(b.BroadcastAt)+", "+b.BroadcastAt.Format("15:04"))
	}
	if !b.PrevFrom.IsZero() {
		meta = append(meta, "Сравнение с периодом: "+PeriodRu(b.PrevFrom, b.PrevTo))
	}
	if !b.Generated.IsZero() {
		meta = append(meta, "Подготовлено "+dateTimeRu(b.Generated))
	}
	v.Meta = strings.Join(meta, " · ")

	maxN := 1
	for _, c := range b.Categories {
		maxN = max(maxN, c.Count, c.PrevCount)
	}
	for _, c := range b.Categories {
		tr := TrendOf(c.Count, c.PrevCount)
		class := map[int]string{1: "up", -1: "down", 0: "flat"}[tr.Dir]
		v.Cats = append(v.Cats, catRow{
			Name: c.Name, Count: c.Count, Prev: c.PrevCount,
			W: pct(c.Count, maxN), PW: pct(c.PrevCount, maxN), Trend: tr, TrendClass: class,
		})
	}

	v.Timeline = newTimeline(b.Timeline)
	v.PlatformBar = stackParts(platformParts(b))
	v.SentimentBar = stackParts(sentimentParts(b))

	for i, c := range b.Groups {
		g := groupView{N: i + 1, Representative: c.Representative, Facts: groupFacts(b, c)}
		for _, q := range c.Quotes {
			g.Quotes = append(g.Quotes, quoteView{Text: strings.Trim(q.Text, "«»\" "), By: quoteBy(q)})
		}
		v.Groups = append(v.Groups, g)
	}
	for i, s := range b.Shortlist {
		var facts []string
		if s.Size > 0 {
			facts = append(facts, fmt.Sprintf("обращений: %d", s.Size))
		}
		facts = append(facts, fmt.Sprintf("без ответа: %d", s.Unanswered))
		if s.Agency != "" {
			facts = append(facts, "отвечает: "+s.Agency)
		}
		sv := shortView{N: i + 1, Title: s.Title, Facts: strings.Join(facts, " · "), Note: s.Note}
		for _, q := range s.Quotes {
			sv.Quotes = append(sv.Quotes, strings.Trim(q, "«»\" "))
		}
		v.Shortlist = append(v.Shortlist, sv)
	}
	for _, u := range b.Unresolved {
		v.Unresolved = append(v.Unresolved, unresolvedView{
			Date: dateTimeRu(u.Created), Platform: platformName(u.Platform), Author: u.Author,
			Text: collapseSpace(u.Text), Overdue: u.Overdue,
		})
	}
	for _, it := range b.AnnouncementQuestions {
		v.Announcement = append(v.Announcement, quoteView{Text: collapseSpace(it.Text), By: quoteBy(Quote{Author: it.Author, Created: it.Created})})
	}
	return v
}

func pct(n, of int) float64 {
	if of <= 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(of)) / 10
}

func newTimeline(days []DayCount) timelineChart {
	const width, height, left, bottom = 720, 160, 30, 18
	t := timelineChart{Width: width, Height: height, Max: 1, Base: height - bottom, LabelY: height - 4}
	for _, d := range days {
		t.Max = max(t.Max, d.Count)
	}
	if len(days) == 0 {
		return t
	}
	step := float64(width-left) / float64(len(days))
	plot := float64(height - bottom - 6)
	every := max(1, int(math.Ceil(float64(len(days))/10)))
	for i, d := range days {
		h := plot * float64(d.Count) / float64(t.Max)
		x := float64(left) + float64(i)*step
		t.Bars = append(t.Bars, timelineBar{
			X: round1(x + step*0.15), Y: round1(6 + plot - h), W: round1(step * 0.7), H: round1(h),
			Title: fmt.Sprintf("%s: %d", d.Day.Format("02.01"), d.Count),
		})
		if i%every == 0 {
			t.Ticks = append(t.Ticks, timelineTick{X: round1(x + step/2), Label: d.Day.Format("02.01")})
		}
	}
	return t
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func stackParts(parts []part) []barPart {
	total := 0
	for _, p := range parts {
		total += p.n
	}
	var out []barPart
	x := 0.0
	for _, p := range parts {
		bp := barPart{Label: p.label, N: p.n, Color: rgb(p.c)}
		if total > 0 {
			bp.Pct = int(math.Round(float64(p.n) * 100 / float64(total)))
			bp.W = pct(p.n, total)
		}
		bp.X = round1(x)
		x += bp.W
		bp.Caption = fmt.Sprintf("%s — %d (%d%%)", p.label, p.n, bp.Pct)
		out = append(out, bp)
	}
	return out
}

var htmlTmpl = template.Must(template.New("brief").Parse(`<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body{font-family:"DejaVu Sans",Arial,"Helvetica Neue",sans-serif;color:#212121;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.45;font-size:11pt}
header{background:#ebf1f8;padding:1em 1.2em;border-radius:4px}
h1{font-size:1.6em;margin:0 0 .3em}
h2{color:#1f5ea3;border-bottom:2px solid #1f5ea3;padding-bottom:.15em;margin-top:1.6em;font-size:1.2em}
h3{font-size:1em;margin:1em 0 .2em}
.meta,.facts,.by{color:#6e6e6e;font-size:.85em}
.total{font-weight:bold;margin-top:.4em}
table{border-collapse:collapse;width:100%;font-size:.9em}
th{background:#ebf1f8;text-align:left}
th,td{padding:.3em .4em;vertical-align:top;border-bottom:1px solid #ddd}
td.num{text-align:right;white-space:nowrap}
.bar{position:relative;height:1.1em;min-width:8em}
.bar .cur{position:absolute;top:0;height:.65em;background:#1f5ea3}
.bar .prev{position:absolute;top:.75em;height:.3em;background:#aabacc}
.up{color:#c0392b}.down{color:#27864c}.flat{color:#969696}
blockquote{margin:.3em 0 .3em .6em;padding-left:.7em;border-left:3px solid #aabacc;color:#555}
.legend span{display:inline-block;margin-right:1.2em;font-size:.85em}
.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}
tr.overdue td{background:#fdeceae6}
tr.overdue td.date{color:#c0392b}
.note{margin:.3em 0}
footer{margin-top:2em;color:#6e6e6e;font-size:.8em}
svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none;font-size:10pt}header{border-radius:0}h2{break-after:avoid}section.item,tr{break-inside:avoid}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{with .Meta}}<div class="meta">{{.}}</div>{{end}}
<div class="total">Обращений за период: {{.Total}} (социальные сети — {{.Social}}, ПОС — {{.POS}}); без ответа: {{.Unanswered}}</div>
{{if .B.Pseudonymise}}<div class="meta">Имена жителей заменены псевдонимами; телефоны и адреса электронной почты скрыты.</div>{{end}}
</header>
{{if .Cats}}
<h2>Темы обращений и динамика</h2>
<table>
<tr><th>Тема</th><th>Обращения (серым — прошлый период)</th><th>Всего</th><th>Было</th><th>К прошлому</th></tr>
{{range .Cats}}<tr><td>{{.Name}}</td><td><div class="bar"><div class="cur" style="width:{{.W}}%"></div><div class="prev" style="width:{{.PW}}%"></div></div></td><td class="num">{{.Count}}</td><td class="num">{{.Prev}}</td><td class="num {{.TrendClass}}">{{.Trend.Label}}</td></tr>
{{end}}</table>
{{end}}
{{if .Timeline.Bars}}
<h2>Обращения по дням</h2>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Timeline.Width}} {{.Timeline.Height}}" role="img" aria-label="Обращения по дням">
<line x1="30" y1="{{.Timeline.Base}}" x2="{{.Timeline.Width}}" y2="{{.Timeline.Base}}" stroke="#ccc"/>
<text x="26" y="{{.Timeline.Base}}" font-size="10" text-anchor="end" fill="#6e6e6e">0</text>
<text x="26" y="12" font-size="10" text-anchor="end" fill="#6e6e6e">{{.Timeline.Max}}</text>
<line x1="30" y1="6" x2="{{.Timeline.Width}}" y2="6" stroke="#eee"/>
{{range .Timeline.Bars}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="#1f5ea3"><title>{{.Title}}</title></rect>
{{end}}{{range $.Timeline.Ticks}}<text x="{{.X}}" y="{{$.Timeline.LabelY}}" font-size="10" text-anchor="middle" fill="#6e6e6e">{{.Label}}</text>
{{end}}</svg>
{{end}}
<h2>Источники и тональность</h2>
<h3>Социальные сети и ПОС</h3>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 4" preserveAspectRatio="none" width="100%" height="22" role="img" aria-label="Социальные сети и ПОС">
{{range .PlatformBar}}<rect x="{{.X}}" y="0" width="{{.W}}" height="4" fill="{{.Color}}"><title>{{.Caption}}</title></rect>
{{end}}</svg>
<div class="legend">{{range .PlatformBar}}<span><i style="background:{{.Color}}"></i>{{.Caption}}</span>{{end}}</div>
{{with .PlatformLine}}<div class="meta">{{.}}</div>{{end}}
<h3>Тональность обращений</h3>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 4" preserveAspectRatio="none" width="100%" height="22" role="img" aria-label="Тональность">
{{range .SentimentBar}}<rect x="{{.X}}" y="0" width="{{.W}}" height="4" fill="{{.Color}}"><title>{{.Caption}}</title></rect>
{{end}}</svg>
<div class="legend">{{range .SentimentBar}}<span><i style="background:{{.Color}}"></i>{{.Caption}}</span>{{end}}</div>
{{if .Shortlist}}
<h2>Короткий список: к чему готовиться</h2>
{{range .Shortlist}}<section class="item">
<h3>{{.N}}. {{.Title}}</h3>
<div class="facts">{{.Facts}}</div>
{{with .Note}}<p class="note">{{.}}</p>{{end}}
{{range .Quotes}}<blockquote>«{{.}}»</blockquote>
{{end}}</section>
{{end}}{{end}}
{{if .Groups}}
<h2>Самые частые вопросы</h2>
{{range .Groups}}<section class="item">
<h3>{{.N}}. {{.Representative}}</h3>
<div class="facts">{{.Facts}}</div>
{{range .Quotes}}<blockquote>«{{.Text}}»{{with .By}} <span class="by">— {{.}}</span>{{end}}</blockquote>
{{end}}</section>
{{end}}{{end}}
{{if .Announcement}}
<h2>Вопросы под анонсом эфира</h2>
<ol>
{{range .Announcement}}<li>{{.Text}}{{with .By}} <span class="by">— {{.}}</span>{{end}}</li>
{{end}}</ol>
{{end}}
{{if .Unresolved}}
<h2>Без ответа: {{len .Unresolved}}</h2>
<table>
<tr><th>Дата</th><th>Площадка</th><th>Автор</th><th>Текст</th></tr>
{{range .Unresolved}}<tr{{if .Overdue}} class="overdue"{{end}}><td class="date">{{.Date}}{{if .Overdue}}<br>просрочено{{end}}</td><td>{{.Platform}}</td><td>{{.Author}}</td><td>{{.Text}}</td></tr>
{{end}}</table>
{{end}}
<footer>{{.Title}}</footer>
</body>
</html>
`))
