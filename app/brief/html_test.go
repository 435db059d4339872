package brief

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestWriteHTMLGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pseudo bool
	}{{"briefing", false}, {"briefing_pseudonymised", true}} {
		t.Run(tc.name, func(t *testing.T) {
			b := sampleBriefing(t)
			b.Pseudonymise = tc.pseudo
			var buf bytes.Buffer
			if err := WriteHTML(&buf, b); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if bytes.Contains(got, []byte("ZgotmplZ")) {
				t.Fatal("html/template rejected a value (ZgotmplZ in output)")
			}
			for _, bad := range []string{"<script", "<link", "src=", "url(", "@import"} {
				if bytes.Contains(got, []byte(bad)) {
					t.Fatalf("not self-contained: %q in output", bad)
				}
			}
			for _, svg := range regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAll(got, -1) {
				if err := wellFormed(svg); err != nil {
					t.Fatalf("inline SVG is not well-formed: %v", err)
				}
			}
			path := filepath.Join("testdata", tc.name+".golden.html")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("HTML differs from %s; run with -update after checking the change", path)
			}
		})
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	b := Briefing{DistrictName: "Рославльский район", Unresolved: []UnresolvedItem{{Text: `<script>alert("x")</script> & «кавычки»`, Author: "<b>Жук</b>"}}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if strings.Contains(s, "<script>") || strings.Contains(s, "<b>Жук") {
		t.Fatal("resident text not escaped")
	}
	if !strings.Contains(s, "&lt;script&gt;") {
		t.Fatal("escaped text missing")
	}
}
