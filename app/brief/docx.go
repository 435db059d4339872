package brief

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteDOCX writes the briefing as a Word document (ECMA-376
// WordprocessingML): headings, tables, PNG charts and page numbers. DejaVu
// Sans, regular and bold, is embedded as obfuscated fonts (ECMA-376 Part 1,
// §17.8.1) so that Cyrillic looks the same where DejaVu is not installed;
// Arial is named as the substitute for readers that ignore embedded fonts.
func WriteDOCX(w io.Writer, b Briefing) error {
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	v := newView(prepared(b))
	d := &docxDoc{}
	d.body(v)

	mod := b.Generated
	if mod.IsZero() {
		mod = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	z := zip.NewWriter(w)
	put := func(name string, data []byte) error {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	keys := [2]string{fontKey(fonts[0]), fontKey(fonts[1])}
	parts := []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(contentTypes)},
		{"_rels/.rels", []byte(rootRels)},
		{"docProps/core.xml", []byte(coreProps(b.Title(), mod))},
		{"docProps/app.xml", []byte(appProps)},
		{"word/document.xml", []byte(docHead + d.sb.String() + docTail)},
		{"word/styles.xml", []byte(stylesXML)},
		{"word/settings.xml", []byte(settingsXML)},
		{"word/fontTable.xml", []byte(fontTableXML(keys))},
		{"word/_rels/fontTable.xml.rels", []byte(fontTableRels)},
		{"word/fonts/font1.odttf", obfuscateFont(fonts[0], keys[0])},
		{"word/fonts/font2.odttf", obfuscateFont(fonts[1], keys[1])},
		{"word/footer1.xml", []byte(footerXML(v.Title))},
		{"word/_rels/document.xml.rels", []byte(d.rels())},
	}
	for _, p := range parts {
		if err := put(p.name, p.data); err != nil {
			return fmt.Errorf("brief: docx: %w", err)
		}
	}
	for i, img := range d.images {
		if err := put(fmt.Sprintf("word/media/image%d.png", i+1), img); err != nil {
			return fmt.Errorf("brief: docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("brief: docx: %w", err)
	}
	return nil
}

// fontKey derives a stable GUID from the font, so that the same briefing
// always produces the same bytes.
func fontKey(font []byte) string {
	h := sha256.Sum256(font)
	s := strings.ToUpper(hex.EncodeToString(h[:16]))
	return "{" + s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32] + "}"
}

// obfuscateFont applies the ECMA-376 font obfuscation: the first 32 bytes
// of the font are XORed with the 16 bytes of the GUID key read in reverse
// order (the last hex pair first).
func obfuscateFont(font []byte, guid string) []byte {
	hexs := strings.NewReplacer("{", "", "}", "", "-", "").Replace(guid)
	var key [16]byte
	for i := 0; i < 16; i++ {
		b, _ := hex.DecodeString(hexs[2*i : 2*i+2]) // fontKey always yields 32 hex digits
		key[15-i] = b[0]
	}
	out := append([]byte(nil), font...)
	for i := 0; i < 32 && i < len(out); i++ {
		out[i] ^= key[i%16]
	}
	return out
}

type docxDoc struct {
	sb     strings.Builder
	images [][]byte
}

func esc(s string) string {
	var b strings.Builder
	// xml.EscapeText replaces characters XML cannot hold; writes to a Builder do not fail.
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// run is a text run; color is "" or RRGGBB.
func run(text string, bold bool, size int, color string) string {
	var rpr strings.Builder
	if bold {
		rpr.WriteString("<w:b/>")
	}
	if color != "" {
		rpr.WriteString(`<w:color w:val="` + color + `"/>`)
	}
	if size > 0 {
		fmt.Fprintf(&rpr, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, size, size)
	}
	r := "<w:r>"
	if rpr.Len() > 0 {
		r += "<w:rPr>" + rpr.String() + "</w:rPr>"
	}
	return r + `<w:t xml:space="preserve">` + esc(text) + "</w:t></w:r>"
}

func hexColor(c [3]int) string { return fmt.Sprintf("%02X%02X%02X", c[0], c[1], c[2]) }

func (d *docxDoc) para(style string, runs ...string) {
	d.sb.WriteString("<w:p>")
	if style != "" {
		d.sb.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
	}
	for _, r := range runs {
		d.sb.WriteString(r)
	}
	d.sb.WriteString("</w:p>")
}

func (d *docxDoc) text(style, s string) { d.para(style, run(s, false, 0, "")) }

// image adds a PNG and returns the inline drawing run, widthMM wide.
func (d *docxDoc) image(data []byte, widthMM, heightMM float64, descr string) string {
	d.images = append(d.images, data)
	n := len(d.images)
	const emuPerMM = 36000
	cx, cy := int(widthMM*emuPerMM), int(heightMM*emuPerMM)
	return fmt.Sprintf(`<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/><wp:docPr id="%d" name="Диаграмма %d" descr="%s"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="%d" name="image%d.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`,
		cx, cy, n, n, esc(descr), n, n, n, cx, cy)
}

// table writes a table; widths are in twentieths of a point and sum to the
// text width (9638 on A4 with 2 cm margins). cell returns a cell's runs.
type docxCell struct {
	runs  []string
	fill  string // RRGGBB background, "" none
	right bool
}

func (d *docxDoc) table(widths []int, header []string, rows [][]docxCell) {
	sb := &d.sb
	sb.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="BriefTable"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(sb, `<w:gridCol w:w="%d"/>`, w)
	}
	sb.WriteString("</w:tblGrid>")
	cell := func(w int, c docxCell) {
		fmt.Fprintf(sb, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
		if c.fill != "" {
			sb.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="` + c.fill + `"/>`)
		}
		sb.WriteString(`</w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>`)
		if c.right {
			sb.WriteString(`<w:jc w:val="right"/>`)
		}
		sb.WriteString("</w:pPr>")
		for _, r := range c.runs {
			sb.WriteString(r)
		}
		sb.WriteString("</w:p></w:tc>")
	}
	if header != nil {
		sb.WriteString(`<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>`)
		for i, h := range header {
			cell(widths[i], docxCell{runs: []string{run(h, true, 0, "")}, fill: "EBF1F8"})
		}
		sb.WriteString("</w:tr>")
	}
	for _, r := range rows {
		sb.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i, c := range r {
			cell(widths[i], c)
		}
		sb.WriteString("</w:tr>")
	}
	sb.WriteString("</w:tbl>")
	d.text("", "")
}

func trendColor(dir int) string {
	switch dir {
	case 1:
		return hexColor(colUp)
	case -1:
		return hexColor(colDown)
	}
	return hexColor(colNeu)
}

func (d *docxDoc) body(v view) {
	b := v.B
	d.text("Title", v.Title)
	if v.Meta != "" {
		d.text("Meta", v.Meta)
	}
	d.para("", run(fmt.Sprintf("Обращений за период: %d (социальные сети — %d, ПОС — %d); без ответа: %d", v.Total, v.Social, v.POS, v.Unanswered), true, 0, ""))
	if b.Pseudonymise {
		d.text("Meta", "Имена жителей заменены псевдонимами; телефоны и адреса электронной почты скрыты.")
	}

	if len(v.Cats) > 0 {
		d.text("Heading1", "Темы обращений и динамика")
		maxN := 1
		for _, c := range v.Cats {
			maxN = max(maxN, c.Count, c.Prev)
		}
		var rows [][]docxCell
		for _, c := range v.Cats {
			rows = append(rows, []docxCell{
				{runs: []string{run(c.Name, false, 0, "")}},
				{runs: []string{d.image(categoryBarPNG(c.Count, c.Prev, maxN), 50, 3.5, c.Name)}},
				{runs: []string{run(fmt.Sprint(c.Count), false, 0, "")}, right: true},
				{runs: []string{run(fmt.Sprint(c.Prev), false, 0, hexColor(colMuted))}, right: true},
				{runs: []string{run(c.Trend.Label, false, 0, trendColor(c.Trend.Dir))}, right: true},
			})
		}
		d.table([]int{2500, 3000, 1000, 1000, 2138}, []string{"Тема", "Обращения (серым — прошлый период)", "Всего", "Было", "К прошлому"}, rows)
	}

	if len(b.Timeline) > 0 {
		d.text("Heading1", "Обращения по дням")
		d.para("", d.image(timelinePNG(b.Timeline), 170, 170*220/960.0, "Обращения по дням"))
		peak := b.Timeline[0]
		for _, t := range b.Timeline {
			if t.Count > peak.Count {
				peak = t
			}
		}
		first, last := b.Timeline[0].Day, b.Timeline[len(b.Timeline)-1].Day
		d.text("Meta", fmt.Sprintf("С %s по %s; больше всего — %d обращений %s.", first.Format("02.01"), last.Format("02.01"), peak.Count, DateRu(peak.Day)))
	}

	d.text("Heading1", "Источники и тональность")
	for _, s := range []struct {
		title string
		parts []barPart
		src   []part
	}{{"Социальные сети и ПОС", v.PlatformBar, platformParts(b)}, {"Тональность обращений", v.SentimentBar, sentimentParts(b)}} {
		d.text("Heading2", s.title)
		d.para("", d.image(stackedPNG(s.src), 170, 170*36/800.0, s.title))
		var runs []string
		for i, p := range s.parts {
			if i > 0 {
				runs = append(runs, run("    ", false, 0, ""))
			}
			runs = append(runs, run("■ ", false, 0, strings.TrimPrefix(strings.ToUpper(p.Color), "#")), run(p.Caption, false, 18, ""))
		}
		d.para("", runs...)
		if s.title == "Социальные сети и ПОС" && v.PlatformLine != "" {
			d.text("Meta", v.PlatformLine)
		}
	}

	if len(v.Shortlist) > 0 {
		d.text("Heading1", "Короткий список: к чему готовиться")
		for _, s := range v.Shortlist {
			d.text("Heading2", fmt.Sprintf("%d. %s", s.N, s.Title))
			d.text("Meta", s.Facts)
			if s.Note != "" {
				d.text("", s.Note)
			}
			for _, q := range s.Quotes {
				d.text("BriefQuote", "«"+q+"»")
			}
		}
	}
	if len(v.Groups) > 0 {
		d.text("Heading1", "Самые частые вопросы")
		for _, g := range v.Groups {
			d.text("Heading2", fmt.Sprintf("%d. %s", g.N, g.Representative))
			d.text("Meta", g.Facts)
			for _, q := range g.Quotes {
				runs := []string{run("«"+q.Text+"»", false, 0, "")}
				if q.By != "" {
					runs = append(runs, run(" — "+q.By, false, 16, hexColor(colMuted)))
				}
				d.para("BriefQuote", runs...)
			}
		}
	}
	if len(v.Announcement) > 0 {
		d.text("Heading1", "Вопросы под анонсом эфира")
		for i, q := range v.Announcement {
			runs := []string{run(fmt.Sprintf("%d. %s", i+1, q.Text), false, 0, "")}
			if q.By != "" {
				runs = append(runs, run(" — "+q.By, false, 16, hexColor(colMuted)))
			}
			d.para("", runs...)
		}
	}
	if len(v.Unresolved) > 0 {
		d.text("Heading1", fmt.Sprintf("Без ответа: %d", len(v.Unresolved)))
		var rows [][]docxCell
		for _, u := range v.Unresolved {
			fill := ""
			date := []string{run(u.Date, false, 0, "")}
			if u.Overdue {
				fill = "FDECEA"
				date = []string{run(u.Date, false, 0, hexColor(colUp)), `<w:r><w:br/></w:r>`, run("просрочено", true, 0, hexColor(colUp))}
			}
			rows = append(rows, []docxCell{
				{runs: date, fill: fill},
				{runs: []string{run(u.Platform, false, 0, "")}, fill: fill},
				{runs: []string{run(u.Author, false, 0, "")}, fill: fill},
				{runs: []string{run(u.Text, false, 0, "")}, fill: fill},
			})
		}
		d.table([]int{1500, 1700, 1900, 4538}, []string{"Дата", "Площадка", "Автор", "Текст"}, rows)
	}
}

func (d *docxDoc) rels() string {
	var sb strings.Builder
	sb.WriteString(xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
		`<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
		`<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>`)
	for i := range d.images {
		fmt.Fprintf(&sb, `<Relationship Id="rIdImg%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image%d.png"/>`, i+1, i+1)
	}
	sb.WriteString("</Relationships>")
	return sb.String()
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypes = xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Default Extension="png" ContentType="image/png"/>` +
	`<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRels = xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

func coreProps(title string, mod time.Time) string {
	ts := mod.UTC().Format(time.RFC3339)
	return xmlDecl + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(title) + `</dc:title><dc:creator>Отклик</dc:creator><dc:language>ru-RU</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:modified>` +
		`</cp:coreProperties>`
}

const appProps = xmlDecl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Отклик</Application></Properties>`

const docHead = xmlDecl + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`

// A4, 2 cm margins, footer with page numbers.
const docTail = `<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>`

func footerXML(title string) string {
	return xmlDecl + `<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<w:p><w:pPr><w:pStyle w:val="Meta"/><w:tabs><w:tab w:val="right" w:pos="9638"/></w:tabs></w:pPr>` +
		run(title, false, 0, "") + `<w:r><w:tab/></w:r>` + run("Стр. ", false, 0, "") +
		`<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>` + run(" из ", false, 0, "") +
		`<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>`
}

const settingsXML = xmlDecl + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:zoom w:percent="100"/><w:embedTrueTypeFonts/><w:defaultTabStop w:val="708"/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`</w:settings>`

func fontTableXML(keys [2]string) string {
	return xmlDecl + `<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<w:font w:name="` + fontFamily + `"><w:altName w:val="Arial"/><w:charset w:val="CC"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>` +
		`<w:embedRegular r:id="rIdFont1" w:fontKey="` + keys[0] + `"/><w:embedBold r:id="rIdFont2" w:fontKey="` + keys[1] + `"/></w:font>` +
		`<w:font w:name="Arial"><w:charset w:val="CC"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>` +
		`</w:fonts>`
}

const fontTableRels = xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rIdFont1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="fonts/font1.odttf"/>` +
	`<Relationship Id="rIdFont2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/font" Target="fonts/font2.odttf"/>` +
	`</Relationships>`

const stylesXML = xmlDecl + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="` + fontFamily + `" w:hAnsi="` + fontFamily + `" w:cs="` + fontFamily + `" w:eastAsia="` + fontFamily + `"/>` +
	`<w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="ru-RU" w:eastAsia="ru-RU" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="80" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:shd w:val="clear" w:color="auto" w:fill="EBF1F8"/><w:spacing w:after="120"/></w:pPr><w:rPr><w:b/><w:sz w:val="34"/><w:szCs w:val="34"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:pBdr><w:bottom w:val="single" w:sz="8" w:space="1" w:color="1F5EA3"/></w:pBdr><w:spacing w:before="320" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>` +
	`<w:rPr><w:b/><w:color w:val="1F5EA3"/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:spacing w:before="200" w:after="40"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Meta"><w:name w:val="Brief Meta"/><w:basedOn w:val="Normal"/><w:rPr><w:color w:val="6E6E6E"/><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="BriefQuote"><w:name w:val="Brief Quote"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:pBdr><w:left w:val="single" w:sz="18" w:space="6" w:color="AABACC"/></w:pBdr><w:ind w:left="340"/></w:pPr><w:rPr><w:color w:val="555555"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Brief Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style>` +
	`<w:style w:type="table" w:customStyle="1" w:styleId="BriefTable"><w:name w:val="Brief Table"/><w:tblPr><w:tblBorders>` +
	`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="DDDDDD"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="DDDDDD"/></w:tblBorders>` +
	`<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`
