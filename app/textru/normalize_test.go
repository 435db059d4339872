package textru

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Привет, МИР!", "привет, мир!"},
		{"Ёлки в Сычёвке", "елки в сычевке"},
		{"[id123|Иван Петров], добрый день", "иван петров , добрый день"},
		{"[club45|Администрация Рославля] ответьте", "администрация рославля ответьте"},
		{"[id|не упоминание]", "id|не упоминание"},
		{"[CluB0|00] и [id1|[id2|y]]", "00 и id1| y"},
		{"Смотрите https://vk.com/wall-1_2 тут", "смотрите тут"},
		{"ссылка vk.com/smolensk и www.admin-smolensk.ru.", "ссылка и"},
		{"яма 😡😡 на дороге 🚗", "яма на дороге"},
		{"флаг 🇷🇺 и 👍🏻", "флаг и"},
		{"  много \t\n пробелов  ", "много пробелов"},
		{"й составной: и\u0306", "й составной: й"},
		{"bad\xffutf8", "bad utf8"},
		{"звонок\x00\x07 тут", "звонок тут"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"Дорога на Вязьму!!!", []string{"дорога", "на", "вязьму"}},
		{"Холм-Жирковский район", []string{"холм", "жирковский", "район"}},
		{"кто-то где-нибудь скажите-ка", []string{"кто", "где", "скажите"}},
		{"Николо-Погорелое", []string{"николо", "погорелое"}},
		{"тире — не дефис - вот", []string{"тире", "не", "дефис", "вот"}},
		{"4G и LTE, дом 12а", []string{"4g", "и", "lte", "дом", "12а"}},
		{"мaшина (латинская a)", []string{"машина", "латинская", "a"}},
		{"[id1|Ольга] спасибо https://t.me/x", []string{"ольга", "спасибо"}},
		{"北京 Москва", []string{"москва"}},
		{"ЁЖ", []string{"еж"}},
	} {
		if got := Tokens(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStem(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"дорога", "дорог"},
		{"дороги", "дорог"},
		{"дорогу", "дорог"},
		{"Рославле", "рославл"},
		{"сычёвке", "сычевк"},
		{"roads", "road"},
		{"running", "run"},
		{"2024", "2024"},
		{"на", "на"},
		{"4g", "4g"},
	} {
		if got := Stem(tc.in); got != tc.want {
			t.Errorf("Stem(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("а", maxStemRunes+1)
	if got := Stem(long); got != long {
		t.Errorf("long words are kept as they are, got %q", got)
	}
}

func TestStemText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Ямы на дорогах Рославля 😡", "ям на дорог рославл"},
		{"Горячей воды нет!", "горяч вод нет"},
		{"[id7|Анна] https://vk.com/x спасибо", "ан спасиб"},
	} {
		if got := StemText(tc.in); got != tc.want {
			t.Errorf("StemText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "[id1|Имя Фамилия]", "https://vk.com", "яма 😡 в Рославле", "\xff\xfe", "и\u0306", "-то", "a-b-c",
		"[club1|x]]", "[id1|[id2|y]]", "vk.com/a.ru", "Ё-моё", "мaшина",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) is not valid UTF-8: %q", s, n)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: whitespace not collapsed", s, n)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("Normalize is not idempotent: %q → %q → %q", s, n, n2)
		}
		toks := Tokens(s)
		for _, w := range toks {
			if w == "" || !utf8.ValidString(w) || Stem(w) == "" {
				t.Fatalf("Tokens(%q) gave a bad token %q", s, w)
			}
		}
		if st := StemText(s); len(strings.Fields(st)) != len(toks) {
			t.Fatalf("StemText(%q) = %q has not one stem per token %q", s, st, toks)
		}
	})
}

func BenchmarkStemText(b *testing.B) {
	text := "Добрый день! В Рославле на улице Пролетарской опять яма на яме, после ремонта водопровода асфальт так и не положили. " +
		"Управляющая компания не отвечает, когда уже сделают? 😡"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		StemText(text)
	}
}
