package brief

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWritePDF(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pseudo bool
		want   []string
		absent []string
	}{
		{"plain", false, []string{"Подготовка к прямому эфиру", "Рославльский район", "1–30 ноября 2026", "Темы обращений", "Обращения по дням", "Социальные сети", "Тональность", "Короткий список", "Самые частые вопросы", "Без ответа", "Марина Ковалёва", "Стр. 1 из"}, nil},
		{"pseudonymised", true, []string{"Подготовка к прямому эфиру", "Жительница"}, []string{"Марина Ковалёва", "Ольга Петрова", "910 123"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sampleBriefing(t)
			b.Pseudonymise = tc.pseudo
			var buf bytes.Buffer
			if err := WritePDF(&buf, b); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || !bytes.Contains(buf.Bytes(), []byte("%%EOF")) {
				t.Fatal("not a complete PDF")
			}
			path := filepath.Join(t.TempDir(), "brief.pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if dir := os.Getenv("BRIEF_OUT"); dir != "" { // keep a copy to look at
				_ = os.WriteFile(filepath.Join(dir, "brief-"+tc.name+".pdf"), buf.Bytes(), 0o644)
			}
			if _, err := exec.LookPath("pdftotext"); err != nil {
				t.Skip("pdftotext (poppler-utils) not installed: text content not checked")
			}
			out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(text, w) {
					t.Errorf("PDF text still has %q", w)
				}
			}
		})
	}
}
