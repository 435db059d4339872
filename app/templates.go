package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"otklik/data"
)

// Template variables, as the office writes them in saved replies.
const (
	VarName     = "{имя}"
	VarDistrict = "{район}"
	VarDate     = "{дата}"
)

// TemplateVars are the variables FillTemplate fills, in the order the
// template editor offers them.
var TemplateVars = []string{VarName, VarDistrict, VarDate}

// What CheckTemplate and SaveTemplate refuse; the template editor and the
// command line explain each in their own words.
var (
	ErrTemplateNoName    = errors.New("template: the name is empty")
	ErrTemplateNoText    = errors.New("template: the text is empty")
	ErrTemplateNameTaken = errors.New("template: another template has this name")
	// ErrTemplateBrace is a «{» with no «}» after it on the same line, or
	// a «}» with no «{» before it.
	ErrTemplateBrace = errors.New("template: a brace is not closed")
)

// UnknownVarsError is a text with words in braces that FillTemplate does
// not fill — «{фамилия}», «{Имя}»: the resident would read them as written.
type UnknownVarsError struct {
	Vars []string // as written, braces included, each once, in text order
}

func (e *UnknownVarsError) Error() string {
	return fmt.Sprintf("template: unknown variables %s (known: %s)",
		strings.Join(e.Vars, ", "), strings.Join(TemplateVars, ", "))
}

// CheckTemplate reports the first problem of a template as it would be
// saved (name and text trimmed): an empty name or text, words in braces
// that are not variables, a brace left open. Name clashes need the store
// and are SaveTemplate's.
func CheckTemplate(t data.Template) error {
	switch {
	case strings.TrimSpace(t.Name) == "":
		return ErrTemplateNoName
	case strings.TrimSpace(t.Text) == "":
		return ErrTemplateNoText
	}
	vars, unpaired := templateBraces(t.Text)
	var unknown []string
	for _, v := range vars {
		if !slices.Contains(TemplateVars, v) && !slices.Contains(unknown, v) {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) > 0 {
		return &UnknownVarsError{Vars: unknown}
	}
	if unpaired {
		return ErrTemplateBrace
	}
	return nil
}

// templateBraces lists every «{…}» of text in order and reports whether a
// brace has no partner. A variable never spans lines or holds a brace.
func templateBraces(text string) (vars []string, unpaired bool) {
	open := -1
	for i, r := range text {
		switch r {
		case '{':
			if open >= 0 {
				unpaired = true
			}
			open = i
		case '}':
			if open < 0 {
				unpaired = true
				continue
			}
			vars = append(vars, text[open:i+1])
			open = -1
		case '\n':
			if open >= 0 {
				unpaired, open = true, -1
			}
		}
	}
	return vars, unpaired || open >= 0
}

// SuggestVar is the known variable an unknown one was likely meant to be,
// written with other case or spaces («{Имя}», «{ дата }»), or "".
func SuggestVar(v string) string {
	norm := func(s string) string {
		return strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s))
	}
	for _, k := range TemplateVars {
		if norm(v) == k {
			return k
		}
	}
	return ""
}

// Templates lists the saved replies by name.
func (a *App) Templates(ctx context.Context) ([]data.Template, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return db.Templates(ctx)
}

// SaveTemplate creates (ID 0) or updates a saved reply. It refuses what
// CheckTemplate refuses, and a name another template has (case aside):
// the reply composer lists templates by name.
func (a *App) SaveTemplate(ctx context.Context, t *data.Template) error {
	t.Name, t.Text = strings.TrimSpace(t.Name), strings.TrimSpace(t.Text)
	if err := CheckTemplate(*t); err != nil {
		return err
	}
	if t.Category != "" && !a.knownCategory(t.Category) {
		return fmt.Errorf("unknown category %q", t.Category)
	}
	db, err := a.store()
	if err != nil {
		return err
	}
	all, err := db.Templates(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != t.ID && strings.EqualFold(o.Name, t.Name) {
			return ErrTemplateNameTaken
		}
	}
	return db.SaveTemplate(ctx, t)
}

// DeleteTemplate removes a saved reply.
func (a *App) DeleteTemplate(ctx context.Context, id int64) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	return db.DeleteTemplate(ctx, id)
}

// FillTemplate substitutes a template's variables for message m:
// {имя} — how the office addresses the author («Людмила», «Борис
// Валерьевич»), {район} — the municipality («Ярцево»), {дата} — the answer
// deadline, or a week from now when there is none («4 декабря»). A
// variable with nothing to put in is replaced by a neutral word, never left
// in braces for the resident to see.
func (a *App) FillTemplate(text string, m data.Message) string {
	name := AddressName(m.AuthorName)
	district := "районе"
	if mu, ok := a.tagger.Municipality(m.District); ok {
		district = mu.Short
	}
	due := m.AnswerDue
	if due.IsZero() || due.Before(a.now()) {
		due = a.now().Add(7 * 24 * time.Hour)
	}
	r := strings.NewReplacer(VarName, name, VarDistrict, district, VarDate, RussianDate(due))
	out := r.Replace(text)
	if name == "" {
		// «{имя}, здравствуйте!» without a name reads «Здравствуйте!».
		out = strings.TrimLeft(out, ", ")
		out = strings.Replace(out, "Здравствуйте, !", "Здравствуйте!", 1)
		if out != "" {
			rs := []rune(out)
			rs[0] = []rune(strings.ToUpper(string(rs[0])))[0]
			out = string(rs)
		}
	}
	return out
}

// AddressName is how a reply addresses a resident: the first name, with
// the patronymic when the profile gives one («Борис Валерьевич Ш.» →
// «Борис Валерьевич»); nicknames and empty names give "".
func AddressName(full string) string {
	var words []string
	for _, w := range strings.Fields(full) {
		if strings.HasSuffix(w, ".") || !isCyrillicWord(w) {
			continue // an initial or a Latin nickname
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return ""
	}
	if len(words) >= 2 && isPatronymic(words[1]) {
		return words[0] + " " + words[1]
	}
	if len(words) >= 3 && isPatronymic(words[2]) {
		return words[1] + " " + words[2] // «Шилов Борис Валерьевич»
	}
	return words[0]
}

func isPatronymic(w string) bool {
	for _, s := range []string{"вич", "вна", "ична", "инична"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

func isCyrillicWord(w string) bool {
	for _, r := range w {
		if !(r >= 'А' && r <= 'я' || r == 'ё' || r == 'Ё' || r == '-') {
			return false
		}
	}
	return w != ""
}

var monthsGenitive = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
	"сентября", "октября", "ноября", "декабря"}

// RussianDate writes t's date in Moscow time as «4 декабря».
func RussianDate(t time.Time) string {
	t = t.In(moscow)
	return fmt.Sprintf("%d %s", t.Day(), monthsGenitive[t.Month()-1])
}

// InboxAccounts lists the connected accounts for the inbox's account filter.
func (a *App) InboxAccounts(ctx context.Context) ([]data.Account, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return db.Accounts(ctx)
}
