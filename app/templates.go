package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"otklik/data"
)

// Template variables, as the office writes them in saved replies.
const (
	VarName     = "{имя}"
	VarDistrict = "{район}"
	VarDate     = "{дата}"
)

// Templates lists the saved replies by name.
func (a *App) Templates(ctx context.Context) ([]data.Template, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return db.Templates(ctx)
}

// SaveTemplate creates (ID 0) or updates a saved reply.
func (a *App) SaveTemplate(ctx context.Context, t *data.Template) error {
	t.Name, t.Text = strings.TrimSpace(t.Name), strings.TrimSpace(t.Text)
	if t.Category != "" && !a.knownCategory(t.Category) {
		return fmt.Errorf("unknown category %q", t.Category)
	}
	db, err := a.store()
	if err != nil {
		return err
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
