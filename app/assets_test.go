package app

import (
	"encoding/json"
	"slices"
	"testing"

	"otklik/app/textru"
	"otklik/assets"
)

// Every data file that names municipalities must use the gazetteer's codes
// and cover all of them, or a district silently drops out of a feature.
func TestAssetsUseGazetteerCodes(t *testing.T) {
	var want []string
	for _, m := range textru.DefaultTagger().Municipalities() {
		want = append(want, m.Code)
	}
	slices.Sort(want)
	if len(want) != 27 {
		t.Fatalf("gazetteer has %d municipalities, want 27", len(want))
	}
	files := map[string]func([]byte) ([]string, error){
		"plan_rules.json": func(b []byte) ([]string, error) {
			var v struct {
				Municipalities []struct{ Code string } `json:"municipalities"`
			}
			err := json.Unmarshal(b, &v)
			var codes []string
			for _, m := range v.Municipalities {
				codes = append(codes, m.Code)
			}
			return codes, err
		},
		"demo_places_ru.json": func(b []byte) ([]string, error) {
			var v struct {
				Munis []struct{ Code string } `json:"munis"`
			}
			err := json.Unmarshal(b, &v)
			var codes []string
			for _, m := range v.Munis {
				codes = append(codes, m.Code)
			}
			return codes, err
		},
	}
	for name, codes := range files {
		raw, err := assets.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := codes(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s municipality codes:\ngot  %v\nwant %v", name, got, want)
		}
	}
}
