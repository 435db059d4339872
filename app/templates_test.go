package app

import (
	"context"
	"errors"
	"slices"
	"testing"

	"otklik/data"
)

func TestCheckTemplate(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       error
		unknown    []string
	}{
		{"Дороги", "Здравствуйте, {имя}! Обращение из {район}, ответим до {дата}.", nil, nil},
		{"Без переменных", "Спасибо за сигнал!", nil, nil},
		{"  ", "Текст", ErrTemplateNoName, nil},
		{"Пустой", " \n\t", ErrTemplateNoText, nil},
		{"Фамилия", "{имя} {фамилия}, здравствуйте! {адрес}, {фамилия}", nil, []string{"{фамилия}", "{адрес}"}},
		{"Регистр", "{Имя}, здравствуйте!", nil, []string{"{Имя}"}},
		{"Пусто в скобках", "Ответ {} готов", nil, []string{"{}"}},
		{"Открыта", "Здравствуйте, {имя! Ждём.", ErrTemplateBrace, nil},
		{"Закрыта лишняя", "Здравствуйте, имя}!", ErrTemplateBrace, nil},
		{"Через строку", "Здравствуйте, {имя\n}!", ErrTemplateBrace, nil},
		{"Двойные", "{{имя}}", ErrTemplateBrace, nil},
		// An unknown variable is the clearer message of the two.
		{"Оба", "{адрес} и {имя", nil, []string{"{адрес}"}},
	} {
		err := CheckTemplate(data.Template{Name: tc.name, Text: tc.text})
		var uv *UnknownVarsError
		switch {
		case tc.unknown != nil:
			if !errors.As(err, &uv) || !slices.Equal(uv.Vars, tc.unknown) {
				t.Errorf("%s: got %v, want unknown %v", tc.name, err, tc.unknown)
			}
		case !errors.Is(err, tc.want) || (tc.want == nil && err != nil):
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestSuggestVar(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"{Имя}", VarName}, {"{ дата }", VarDate}, {"{РАЙОН}", VarDistrict}, {"{фамилия}", ""}, {"{}", ""},
	} {
		if got := SuggestVar(tc.in); got != tc.want {
			t.Errorf("SuggestVar(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSaveTemplateChecks(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	first := data.Template{Name: " Дороги: ремонт ", Category: "roads", Text: "{имя}, здравствуйте! Ремонт до {дата}. "}
	if err := a.SaveTemplate(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || first.Name != "Дороги: ремонт" || first.Text != "{имя}, здравствуйте! Ремонт до {дата}." {
		t.Fatalf("saved %+v: want an id and trimmed name and text", first)
	}
	for _, tc := range []struct {
		tpl  data.Template
		want error
	}{
		{data.Template{Name: "дороги: РЕМОНТ", Text: "Текст"}, ErrTemplateNameTaken},
		{data.Template{Name: "", Text: "Текст"}, ErrTemplateNoName},
		{data.Template{Name: "Новый", Text: "{имя"}, ErrTemplateBrace},
	} {
		if err := a.SaveTemplate(ctx, &tc.tpl); !errors.Is(err, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.tpl.Name, err, tc.want)
		}
	}
	var uv *UnknownVarsError
	if err := a.SaveTemplate(ctx, &data.Template{Name: "Адрес", Text: "Напишите {адрес}"}); !errors.As(err, &uv) {
		t.Errorf("unknown variable: got %v", err)
	}
	// Renaming a template to its own name in other case is not a clash.
	first.Name = "ДОРОГИ: ремонт"
	if err := a.SaveTemplate(ctx, &first); err != nil {
		t.Errorf("rename in place: %v", err)
	}
	ts, err := a.Templates(ctx)
	if err != nil || len(ts) != 1 || ts[0].Name != "ДОРОГИ: ремонт" {
		t.Errorf("templates after the refusals: %+v, %v", ts, err)
	}
}
