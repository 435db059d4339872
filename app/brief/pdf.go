package brief

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"

	"otklik/app/textru"
	"otklik/assets"
)

// Font files shipped in assets (DejaVu: free to redistribute, see
// assets/fonts_DejaVu_LICENSE.txt). Both PDF and DOCX embed them, so
// Cyrillic renders wherever the document is opened.
const (
	fontRegularFile = "fonts_DejaVuSans.ttf"
	fontBoldFile    = "fonts_DejaVuSans-Bold.ttf"
	fontFamily      = "DejaVu Sans"
)

var loadFonts = sync.OnceValues(func() (fonts [2][]byte, err error) {
	for i, name := range []string{fontRegularFile, fontBoldFile} {
		if fonts[i], err = fs.ReadFile(assets.FS, name); err != nil {
			return fonts, fmt.Errorf("brief: font for exports: %w", err)
		}
	}
	return fonts, nil
})

// Palette shared by the PDF, DOCX and HTML charts.
var (
	colAccent = [3]int{31, 94, 163}   // bars
	colPrev   = [3]int{170, 186, 204} // previous period
	colUp     = [3]int{192, 57, 43}   // more complaints: red
	colDown   = [3]int{39, 134, 76}   // fewer: green
	colNeu    = [3]int{150, 150, 150}
	colPOS    = [3]int{232, 142, 36}
	colText   = [3]int{33, 33, 33}
	colMuted  = [3]int{110, 110, 110}
)

const (
	pdfMargin = 15.0
	pdfFont   = "dejavu"
)

// WritePDF writes the briefing as an A4 PDF with embedded DejaVu fonts.
func WritePDF(w io.Writer, b Briefing) error {
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	b = prepared(b)
	p := &pdfDoc{f: fpdf.New("P", "mm", "A4", ""), b: b}
	f := p.f
	f.AddUTF8FontFromBytes(pdfFont, "", fonts[0])
	f.AddUTF8FontFromBytes(pdfFont, "B", fonts[1])
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin+5)
	f.SetTitle(b.Title(), true)
	f.SetCreator("Отклик", true)
	f.SetLang("ru-RU")
	if !b.Generated.IsZero() {
		f.SetCreationDate(b.Generated)
		f.SetModificationDate(b.Generated)
	}
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-pdfMargin)
		p.font("", 8, colMuted)
		f.CellFormat(0, 5, b.Title(), "", 0, "L", false, 0, "")
		f.CellFormat(0, 5, fmt.Sprintf("Стр. %d из {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	})
	f.AddPage()
	p.cover()
	p.categories()
	p.timeline()
	p.sources()
	p.shortlist()
	p.groups()
	p.announcement()
	p.unresolved()
	if err := f.Error(); err != nil {
		return fmt.Errorf("brief: pdf: %w", err)
	}
	return f.Output(w)
}

type pdfDoc struct {
	f *fpdf.Fpdf
	b Briefing
}

func (p *pdfDoc) width() float64 {
	w, _ := p.f.GetPageSize()
	return w - 2*pdfMargin
}

func (p *pdfDoc) font(style string, size float64, c [3]int) {
	p.f.SetFont(pdfFont, style, size)
	p.f.SetTextColor(c[0], c[1], c[2])
}

func (p *pdfDoc) fill(c [3]int) { p.f.SetFillColor(c[0], c[1], c[2]) }

// need starts a new page unless h millimetres fit on this one.
func (p *pdfDoc) need(h float64) {
	_, ph := p.f.GetPageSize()
	if p.f.GetY()+h > ph-pdfMargin-5 {
		p.f.AddPage()
	}
}

func (p *pdfDoc) heading(s string) {
	p.need(22)
	p.f.Ln(4)
	p.font("B", 13, colAccent)
	p.f.MultiCell(0, 7, s, "", "L", false)
	y := p.f.GetY()
	p.f.SetDrawColor(colAccent[0], colAccent[1], colAccent[2])
	p.f.SetLineWidth(0.4)
	p.f.Line(pdfMargin, y, pdfMargin+p.width(), y)
	p.f.Ln(2)
}

func (p *pdfDoc) para(style string, size, lh float64, c [3]int, s string) {
	p.font(style, size, c)
	p.f.MultiCell(0, lh, s, "", "L", false)
}

// fit shortens s with «…» until it fits w millimetres in the current font.
func (p *pdfDoc) fit(s string, w float64) string {
	if p.f.GetStringWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 && p.f.GetStringWidth(string(rs)+"…") > w {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + "…"
}

func (p *pdfDoc) cover() {
	f, b := p.f, p.b
	p.fill([3]int{235, 241, 248})
	y := f.GetY()
	p.font("B", 17, colText)
	lines := f.SplitText(b.Title(), p.width()-10)
	h := float64(len(lines))*8 + 26
	f.Rect(pdfMargin, y, p.width(), h, "F")
	f.SetXY(pdfMargin+5, y+5)
	f.MultiCell(p.width()-10, 8, b.Title(), "", "L", false)
	f.SetX(pdfMargin + 5)
	var sub []string
	if !b.BroadcastAt.IsZero() {
		sub = append(sub, "Эфир: "+DateRu(b.BroadcastAt)+", "+b.BroadcastAt.Format("15:04"))
	}
	if !b.PrevFrom.IsZero() {
		sub = append(sub, "Сравнение с периодом: "+PeriodRu(b.PrevFrom, b.PrevTo))
	}
	if !b.Generated.IsZero() {
		sub = append(sub, "Подготовлено "+dateTimeRu(b.Generated))
	}
	p.font("", 10, colMuted)
	f.MultiCell(p.width()-10, 5, strings.Join(sub, " · "), "", "L", false)
	f.SetX(pdfMargin + 5)
	total, unanswered := summary(b)
	social, pos := b.PlatformSplit()
	p.font("B", 10, colText)
	f.MultiCell(p.width()-10, 6, fmt.Sprintf("Обращений за период: %d (социальные сети — %d, ПОС — %d); без ответа: %d", total, social, pos, unanswered), "", "L", false)
	f.SetY(y + h + 2)
	if b.Pseudonymise {
		p.para("", 8, 4, colMuted, "Имена жителей заменены псевдонимами; телефоны и адреса электронной почты скрыты.")
	}
}

// summary returns the period's total (from categories, else platforms) and
// the unanswered count (groups' open members plus unresolved not in groups).
func summary(b Briefing) (total, unanswered int) {
	for _, c := range b.Categories {
		total += c.Count
	}
	if total == 0 {
		for _, n := range b.Platforms {
			total += n
		}
	}
	return total, len(b.Unresolved)
}

func (p *pdfDoc) categories() {
	if len(p.b.Categories) == 0 {
		return
	}
	f := p.f
	p.heading("Темы обращений и динамика")
	maxN := 1
	for _, c := range p.b.Categories {
		maxN = max(maxN, c.Count, c.PrevCount)
	}
	const nameW, numW, trendW, rowH = 52.0, 14.0, 32.0, 7.0
	barW := p.width() - nameW - numW - trendW
	p.font("", 8, colMuted)
	f.CellFormat(nameW, 5, "Тема", "", 0, "L", false, 0, "")
	f.CellFormat(barW, 5, "Обращения (серым — прошлый период)", "", 0, "L", false, 0, "")
	f.CellFormat(numW, 5, "Всего", "", 0, "R", false, 0, "")
	f.CellFormat(trendW, 5, "К прошлому", "", 1, "R", false, 0, "")
	for _, c := range p.b.Categories {
		p.need(rowH)
		x, y := pdfMargin, f.GetY()
		p.font("", 9, colText)
		f.CellFormat(nameW, rowH, p.fit(c.Name, nameW-2), "", 0, "L", false, 0, "")
		bx := x + nameW
		p.fill(colPrev)
		f.Rect(bx, y+rowH*0.62, barW*float64(c.PrevCount)/float64(maxN), rowH*0.22, "F")
		p.fill(colAccent)
		f.Rect(bx, y+rowH*0.12, barW*float64(c.Count)/float64(maxN), rowH*0.46, "F")
		f.SetXY(bx+barW, y)
		f.CellFormat(numW, rowH, fmt.Sprint(c.Count), "", 0, "R", false, 0, "")
		tr := TrendOf(c.Count, c.PrevCount)
		ax := bx + barW + numW + 4
		cy := y + rowH/2
		switch tr.Dir {
		case 1:
			p.fill(colUp)
			f.Polygon([]fpdf.PointType{{X: ax, Y: cy + 1.6}, {X: ax + 3.4, Y: cy + 1.6}, {X: ax + 1.7, Y: cy - 1.8}}, "F")
		case -1:
			p.fill(colDown)
			f.Polygon([]fpdf.PointType{{X: ax, Y: cy - 1.6}, {X: ax + 3.4, Y: cy - 1.6}, {X: ax + 1.7, Y: cy + 1.8}}, "F")
		default:
			p.fill(colNeu)
			f.Rect(ax, cy-1.2, 3.4, 0.8, "F")
			f.Rect(ax, cy+0.4, 3.4, 0.8, "F")
		}
		label := strings.TrimLeft(tr.Label, "▲▼ ")
		p.font("", 8, colMuted)
		f.SetXY(ax+4, y)
		f.CellFormat(trendW-8, rowH, label, "", 1, "R", false, 0, "")
	}
}

func (p *pdfDoc) timeline() {
	tl := p.b.Timeline
	if len(tl) == 0 {
		return
	}
	f := p.f
	p.heading("Обращения по дням")
	const h = 38.0
	p.need(h + 10)
	maxN := 1
	for _, d := range tl {
		maxN = max(maxN, d.Count)
	}
	x0, y0 := pdfMargin+8, f.GetY()+2
	w := p.width() - 8
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.2)
	p.font("", 7, colMuted)
	for _, frac := range []float64{0, 0.5, 1} {
		y := y0 + h - h*frac
		f.Line(x0, y, x0+w, y)
		f.SetXY(pdfMargin, y-2)
		f.CellFormat(7, 4, fmt.Sprint(int(math.Round(float64(maxN)*frac))), "", 0, "R", false, 0, "")
	}
	step := w / float64(len(tl))
	p.fill(colAccent)
	for i, d := range tl {
		bh := h * float64(d.Count) / float64(maxN)
		f.Rect(x0+float64(i)*step+step*0.15, y0+h-bh, step*0.7, bh, "F")
	}
	every := max(1, int(math.Ceil(float64(len(tl))/10)))
	for i := 0; i < len(tl); i += every {
		f.SetXY(x0+float64(i)*step-4, y0+h+0.5)
		f.CellFormat(step+8, 4, tl[i].Day.Format("02.01"), "", 0, "C", false, 0, "")
	}
	f.SetY(y0 + h + 6)
}

// stacked draws a labelled 100% bar of parts.
func (p *pdfDoc) stacked(title string, parts []part) {
	f := p.f
	total := 0
	for _, s := range parts {
		total += s.n
	}
	p.need(20)
	p.para("B", 10, 6, colText, title)
	if total == 0 {
		p.para("", 9, 5, colMuted, "Нет данных за период.")
		return
	}
	y := f.GetY() + 1
	x := pdfMargin
	for _, s := range parts {
		w := p.width() * float64(s.n) / float64(total)
		p.fill(s.c)
		f.Rect(x, y, w, 6, "F")
		x += w
	}
	f.SetY(y + 8)
	x = pdfMargin
	for _, s := range parts {
		label := fmt.Sprintf("%s — %d (%d%%)", s.label, s.n, int(math.Round(float64(s.n)*100/float64(total))))
		p.font("", 8, colText)
		lw := f.GetStringWidth(label) + 10
		if x+lw > pdfMargin+p.width() {
			f.Ln(5)
			x = pdfMargin
		}
		p.fill(s.c)
		f.Rect(x, f.GetY()+1, 3, 3, "F")
		f.SetX(x + 4)
		f.CellFormat(lw-4, 5, label, "", 0, "L", false, 0, "")
		x += lw
	}
	f.Ln(7)
}

type part struct {
	label string
	n     int
	c     [3]int
}

func platformParts(b Briefing) []part {
	social, pos := b.PlatformSplit()
	return []part{{"Социальные сети", social, colAccent}, {"ПОС «Решаем вместе»", pos, colPOS}}
}

func sentimentParts(b Briefing) []part {
	return []part{{"Негатив", b.Sentiment.Neg, colUp}, {"Нейтрально", b.Sentiment.Neu, colNeu}, {"Позитив", b.Sentiment.Pos, colDown}}
}

// platformLine lists messages per platform: «ВКонтакте — 120, Telegram — 40…».
func platformLine(b Briefing) string {
	var parts []string
	for _, pl := range []string{"vk", "telegram", "ok", "pos"} {
		if n, ok := b.Platforms[pl]; ok {
			parts = append(parts, fmt.Sprintf("%s — %d", platformName(pl), n))
		}
	}
	var other []string
	for pl := range b.Platforms {
		if _, known := PlatformNames[pl]; !known {
			other = append(other, pl)
		}
	}
	sort.Strings(other)
	for _, pl := range other {
		parts = append(parts, fmt.Sprintf("%s — %d", platformName(pl), b.Platforms[pl]))
	}
	return strings.Join(parts, ", ")
}

func (p *pdfDoc) sources() {
	p.heading("Источники и тональность")
	p.stacked("Социальные сети и ПОС", platformParts(p.b))
	if s := platformLine(p.b); s != "" {
		p.para("", 8, 4, colMuted, s)
		p.f.Ln(2)
	}
	p.stacked("Тональность обращений", sentimentParts(p.b))
}

func (p *pdfDoc) shortlist() {
	if len(p.b.Shortlist) == 0 {
		return
	}
	p.heading("Короткий список: к чему готовиться")
	for i, s := range p.b.Shortlist {
		p.need(25)
		p.para("B", 11, 6, colText, fmt.Sprintf("%d. %s", i+1, s.Title))
		var facts []string
		if s.Size > 0 {
			facts = append(facts, fmt.Sprintf("обращений: %d", s.Size))
		}
		facts = append(facts, fmt.Sprintf("без ответа: %d", s.Unanswered))
		if s.Agency != "" {
			facts = append(facts, "отвечает: "+s.Agency)
		}
		p.para("", 9, 5, colMuted, strings.Join(facts, " · "))
		if s.Note != "" {
			p.para("", 10, 5, colText, s.Note)
		}
		for _, q := range s.Quotes {
			p.quote(q, "")
		}
		p.f.Ln(2)
	}
}

func (p *pdfDoc) quote(text, by string) {
	f := p.f
	f.SetX(pdfMargin + 6)
	p.font("", 9, colMuted)
	s := "«" + strings.Trim(text, "«»\" ") + "»"
	if by != "" {
		s += " — " + by
	}
	y := f.GetY()
	f.MultiCell(p.width()-6, 4.6, s, "", "L", false)
	if f.GetY() > y { // same page: a rule on the left marks the quote
		f.SetDrawColor(colPrev[0], colPrev[1], colPrev[2])
		f.SetLineWidth(0.8)
		f.Line(pdfMargin+3, y+0.5, pdfMargin+3, f.GetY()-0.5)
	}
	f.Ln(1)
}

// categoryName returns the display name of a topic code: from the
// briefing's own statistics, else from the shipped rubricator.
func categoryName(b Briefing, code string) string {
	for _, c := range b.Categories {
		if c.Code == code {
			return c.Name
		}
	}
	for _, c := range textru.DefaultTagger().Categories() {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

func quoteBy(q Quote) string {
	var parts []string
	if q.Author != "" {
		parts = append(parts, q.Author)
	}
	if !q.Created.IsZero() {
		parts = append(parts, q.Created.Format("02.01.2006"))
	}
	return strings.Join(parts, ", ")
}

func groupFacts(b Briefing, c Cluster) string {
	s := fmt.Sprintf("обращений: %d · без ответа: %d", c.Size, c.Unanswered)
	if c.Category != "" {
		s += " · тема: " + categoryName(b, c.Category)
	}
	return s
}

func (p *pdfDoc) groups() {
	if len(p.b.Groups) == 0 {
		return
	}
	p.heading("Самые частые вопросы")
	for i, c := range p.b.Groups {
		p.need(22)
		p.para("B", 10, 5.5, colText, fmt.Sprintf("%d. %s", i+1, c.Representative))
		p.para("", 8, 4.5, colMuted, groupFacts(p.b, c))
		for _, q := range c.Quotes {
			p.quote(q.Text, quoteBy(q))
		}
		p.f.Ln(1.5)
	}
}

func (p *pdfDoc) announcement() {
	if len(p.b.AnnouncementQuestions) == 0 {
		return
	}
	p.heading("Вопросы под анонсом эфира")
	for i, it := range p.b.AnnouncementQuestions {
		p.need(12)
		p.para("", 10, 5, colText, fmt.Sprintf("%d. %s", i+1, collapseSpace(it.Text)))
		if by := quoteBy(Quote{Author: it.Author, Created: it.Created}); by != "" {
			p.para("", 8, 4, colMuted, by)
		}
		p.f.Ln(1)
	}
}

func (p *pdfDoc) unresolved() {
	if len(p.b.Unresolved) == 0 {
		return
	}
	f := p.f
	p.need(40) // the heading, the table header and a first row stay together
	p.heading(fmt.Sprintf("Без ответа: %d", len(p.b.Unresolved)))
	cols := []float64{22, 30, 32, 0}
	cols[3] = p.width() - cols[0] - cols[1] - cols[2]
	header := func() {
		p.font("B", 8, colText)
		p.fill([3]int{235, 241, 248})
		for i, h := range []string{"Дата", "Площадка", "Автор", "Текст"} {
			f.CellFormat(cols[i], 6, h, "", 0, "L", true, 0, "")
		}
		f.Ln(6)
	}
	header()
	const lh = 4.2
	for _, u := range p.b.Unresolved {
		p.font("", 8, colText)
		cells := [4][]string{
			{u.Created.Format("02.01.2006"), u.Created.Format("15:04")},
			f.SplitText(platformName(u.Platform), cols[1]-2),
			f.SplitText(u.Author, cols[2]-2),
			f.SplitText(collapseSpace(u.Text), cols[3]-2),
		}
		if u.Created.IsZero() {
			cells[0] = nil
		}
		if u.Overdue {
			cells[0] = append(cells[0], "просрочено")
		}
		if l := cells[3]; len(l) > 12 { // a long letter: the first lines carry the question
			cells[3] = append(l[:11:11], p.fit(l[11]+" …", cols[3]-2))
		}
		n := 1
		for _, c := range cells {
			n = max(n, len(c))
		}
		h := float64(n)*lh + 2
		_, ph := f.GetPageSize()
		if f.GetY()+h > ph-pdfMargin-5 {
			f.AddPage()
			header()
		}
		y := f.GetY()
		if u.Overdue {
			p.fill([3]int{253, 236, 234})
			f.Rect(pdfMargin, y, p.width(), h, "F")
		}
		for i, lines := range cells {
			for k, line := range lines {
				c := colText
				if i == 0 && k == 2 {
					c = colUp
				}
				p.font("", 8, c)
				f.SetXY(pdfMargin+sum(cols[:i]), y+1+float64(k)*lh)
				f.CellFormat(cols[i], lh, p.fit(line, cols[i]-1), "", 0, "L", false, 0, "")
			}
		}
		f.SetDrawColor(220, 220, 220)
		f.SetLineWidth(0.2)
		f.Line(pdfMargin, y+h, pdfMargin+p.width(), y+h)
		f.SetY(y + h)
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
