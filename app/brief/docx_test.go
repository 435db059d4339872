package brief

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readZip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = b
	}
	return files
}

func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

var wText = regexp.MustCompile(`<w:t(?: [^>]*)?>([^<]*)</w:t>`)

func TestWriteDOCX(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pseudo bool
		want   []string
		absent []string
	}{
		{"plain", false, []string{"Подготовка к прямому эфиру: Рославльский район, 1–30 ноября 2026", "Темы обращений и динамика", "Обращения по дням", "Короткий список", "Самые частые вопросы", "Без ответа: 4", "Марина Ковалёва", "просрочено"}, nil},
		{"pseudonymised", true, []string{"Жительница", "Подготовка к прямому эфиру"}, []string{"Марина Ковалёва", "Ольга Петрова", "910 123"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sampleBriefing(t)
			b.Pseudonymise = tc.pseudo
			var buf bytes.Buffer
			if err := WriteDOCX(&buf, b); err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("BRIEF_OUT"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, "brief-"+tc.name+".docx"), buf.Bytes(), 0o644)
			}
			files := readZip(t, buf.Bytes())
			for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml", "word/fonts/font1.odttf", "word/media/image1.png"} {
				if _, ok := files[name]; !ok {
					t.Errorf("missing part %s", name)
				}
			}
			for name, data := range files {
				if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
					if err := wellFormed(data); err != nil {
						t.Errorf("%s is not well-formed: %v", name, err)
					}
				}
			}
			// Every relationship target exists in the package.
			relRe := regexp.MustCompile(`Target="([^"]+)"`)
			for name, data := range files {
				if !strings.HasSuffix(name, ".rels") {
					continue
				}
				base := path.Dir(path.Dir(name)) // word/_rels/x.rels → word
				for _, m := range relRe.FindAllStringSubmatch(string(data), -1) {
					target := path.Join(base, m[1])
					if base == "." {
						target = m[1]
					}
					if _, ok := files[target]; !ok {
						t.Errorf("%s points to missing %s", name, target)
					}
				}
			}
			var text strings.Builder
			for _, m := range wText.FindAllStringSubmatch(string(files["word/document.xml"]), -1) {
				text.WriteString(m[1])
			}
			s := strings.ReplaceAll(text.String(), "&#34;", "\"")
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("document text lacks %q", w)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(s, w) {
					t.Errorf("document text still has %q", w)
				}
			}
			checkWithLibreOffice(t, buf.Bytes(), tc.want)
		})
	}
}

// checkWithLibreOffice converts the document to PDF when LibreOffice is
// installed, proving that a real word processor opens it.
func checkWithLibreOffice(t *testing.T, docx []byte, want []string) {
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if bin, err = exec.LookPath("libreoffice"); err != nil {
			t.Log("LibreOffice not installed: conversion check skipped")
			return
		}
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: conversion check skipped")
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "brief.docx")
	if err := os.WriteFile(in, docx, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, "brief.pdf"), "-").Output()
	if err != nil {
		t.Fatalf("LibreOffice produced no readable PDF: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("converted document lacks %q", w)
		}
	}
	if dir := os.Getenv("BRIEF_OUT"); dir != "" {
		if pdf, err := os.ReadFile(filepath.Join(filepath.Dir(in), "brief.pdf")); err == nil {
			_ = os.WriteFile(filepath.Join(dir, "brief-docx-converted.pdf"), pdf, 0o644)
		}
	}
}

func TestObfuscateFontRoundTrip(t *testing.T) {
	font := make([]byte, 100)
	for i := range font {
		font[i] = byte(i * 7)
	}
	key := fontKey(font)
	if !regexp.MustCompile(`^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$`).MatchString(key) {
		t.Fatalf("bad font key %q", key)
	}
	ob := obfuscateFont(font, key)
	if bytes.Equal(ob[:32], font[:32]) || !bytes.Equal(ob[32:], font[32:]) {
		t.Fatal("only the first 32 bytes must change")
	}
	// The spec's example: key byte 0 is the GUID's last hex pair.
	last := key[len(key)-3 : len(key)-1]
	var want byte
	for _, c := range last {
		want = want<<4 | byte(strings.IndexRune("0123456789ABCDEF", c))
	}
	if ob[0]^font[0] != want || ob[16]^font[16] != want {
		t.Fatalf("first byte XORed with %02x, want %02x", ob[0]^font[0], want)
	}
	if !bytes.Equal(obfuscateFont(ob, key), font) {
		t.Fatal("obfuscation is not its own inverse")
	}
}
