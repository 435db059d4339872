package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"otklik/data"
)

const (
	defaultLimit = 50
	maxLimit     = 1000
	exportChunk  = 500
)

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return defaultLimit
	case n > maxLimit:
		return maxLimit
	}
	return n
}

const msgCols = `m.id, m.platform, m.external_id, m.account_id, m.post_external_id, m.parent_external_id,
	coalesce(a.external_id, ''), coalesce(a.name, ''), coalesce(a.city, ''), m.text, m.url, m.attachments,
	m.created_at, m.from_office, m.deleted, m.district, m.category, m.sentiment,
	m.district_manual, m.category_manual, m.status, m.assignee,
	m.first_response_due, m.answer_due, m.first_response_at, m.updated_at`

// authorsJoin brings in the author of each listed message.
const authorsJoin = ` LEFT JOIN authors a ON a.id = m.author_id`

const msgFrom = ` FROM messages m` + authorsJoin

type rowScanner interface{ Scan(...any) error }

func scanMessage(r rowScanner) (data.Message, error) {
	var m data.Message
	var platform, sentiment, status string
	var attach sql.NullString
	var created, updated int64
	var frd, ad, fra sql.NullInt64
	err := r.Scan(&m.ID, &platform, &m.ExternalID, &m.AccountID, &m.PostExternalID, &m.ParentExternalID,
		&m.AuthorExternalID, &m.AuthorName, &m.AuthorCity, &m.Text, &m.URL, &attach,
		&created, &m.FromOffice, &m.Deleted, &m.District, &m.Category, &sentiment,
		&m.DistrictManual, &m.CategoryManual, &status, &m.Assignee,
		&frd, &ad, &fra, &updated)
	if err != nil {
		return m, err
	}
	m.Platform, m.Sentiment, m.Status = data.Platform(platform), data.Sentiment(sentiment), data.Status(status)
	m.CreatedAt = time.Unix(created, 0).UTC()
	m.UpdatedAt = time.Unix(updated, 0).UTC()
	m.FirstResponseDue, m.AnswerDue, m.FirstResponseAt = fromUnix(frd), fromUnix(ad), fromUnix(fra)
	if attach.Valid && attach.String != "" {
		if err := json.Unmarshal([]byte(attach.String), &m.Attachments); err != nil {
			return m, fmt.Errorf("message %d attachments: %w", m.ID, err)
		}
	}
	return m, nil
}

// where is a list of AND-ed conditions with their arguments.
type where struct {
	conds []string
	args  []any
	// join is the index a search joins its hits through: the first
	// single-valued filter column's (column, sort_key, …) index, or "".
	join string
}

// joinIndex names the (column, sort_key, …) index of each filter column.
var joinIndex = map[string]string{
	"m.district":   "messages_district",
	"m.account_id": "messages_account",
	"m.category":   "messages_category",
	"m.assignee":   "messages_assignee",
	"m.platform":   "messages_platform",
	"m.status":     "messages_status",
	"m.sentiment":  "messages_sentiment",
}

// ftsHits is the FROM clause of a search. The FTS index drives it (outer
// loop, forced by CROSS JOIN), so hits arrive in rowid, that is keyset,
// order. With a single-valued filter column, each hit is looked up in that
// column's index by (value, sort_key = rowid), which carries the other
// filters' columns, so hits that fail the filters are dropped without
// reading the table row (1.6M messages, «дорога -ремонт» in one district,
// topic, status and mood: 90 → 20 ms); otherwise by id, the low 30 bits of
// the rowid.
func ftsHits(index string) string {
	if index == "" {
		return ` FROM messages_fts f CROSS JOIN messages m ON m.id = (f.rowid & 1073741823)`
	}
	return ` FROM messages_fts f CROSS JOIN messages m INDEXED BY ` + index + ` ON m.sort_key = f.rowid`
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+ph+")", args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// overdueSQL is true when a due time has passed; coalesce turns "no
// deadline" (NULL) into false so NOT works as expected.
const overdueSQL = `((m.first_response_at IS NULL AND coalesce(m.first_response_due < ?, 0)) OR coalesce(m.answer_due < ?, 0))`

// openSQL is written out literally so the planner can use the partial
// indexes on open messages.
const openSQL = `m.status IN ('new','in_progress')`

// indexed is one equality/IN filter on a column that has a (column,
// sort_key, …) index.
type indexed struct {
	col  string
	vals []any
}

func anys[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// filterWhere translates everything in f except Match. For a list (page in
// sort_key order) exactly one single-value column filter stays indexable, in
// the order of how selective the column usually is; the others are written
// as +column so the planner cannot pick an IN list that would need a sort of
// every match. With none left, the scan walks messages_sort, which carries
// status, district and category, so rejected rows cost no table reads.
// Counts have no order, so every filter stays indexable there.
func filterWhere(f data.Filter, list bool) (*where, error) {
	w := &where{}
	var districts []any
	for _, d := range f.Districts {
		if d == "-" {
			d = ""
		}
		districts = append(districts, d)
	}
	var assignee []any
	switch f.Assignee {
	case "":
	case "-":
		assignee = []any{""}
	default:
		assignee = []any{f.Assignee}
	}
	// Statuses exactly {new, in_progress} are written literally so counts
	// can use the partial indexes on open messages.
	statuses := anys(strs(f.Statuses))
	open := len(f.Statuses) == 2 && slices.Contains(f.Statuses, data.StatusNew) && slices.Contains(f.Statuses, data.StatusInProgress)
	cols := []indexed{
		{"m.district", districts},
		{"m.account_id", anys(f.AccountIDs)},
		{"m.category", anys(f.Categories)},
		{"m.assignee", assignee},
		{"m.platform", anys(strs(f.Platforms))},
		{"m.status", statuses},
		{"m.sentiment", anys(strs(f.Sentiments))},
	}
	driver := false
	for _, c := range cols {
		if w.join == "" && len(c.vals) == 1 {
			w.join = joinIndex[c.col]
		}
		switch {
		case len(c.vals) == 0:
		case list && !driver && len(c.vals) == 1:
			driver = true
			w.add(c.col+" = ?", c.vals...)
		case !list && open && c.col == "m.status":
			w.add(openSQL)
		case len(c.vals) == 1:
			w.add(prefix(list)+c.col+" = ?", c.vals...)
		default:
			ph := strings.TrimSuffix(strings.Repeat("?,", len(c.vals)), ",")
			w.add(prefix(list)+c.col+" IN ("+ph+")", c.vals...)
		}
	}
	if f.Tag != "" {
		w.add("m.id IN (SELECT message_id FROM message_tags WHERE tag = ?)", f.Tag)
	}
	if !f.Since.IsZero() {
		w.add("m.sort_key >= ?", ftsKey(max(f.Since.Unix(), 0), 0))
	}
	if !f.Until.IsZero() {
		w.add("m.sort_key < ?", ftsKey(max(f.Until.Unix(), 0), 0))
	}
	if f.Overdue || f.DueSoon > 0 {
		if f.Now.IsZero() {
			return nil, errors.New("filter: Now must be set for Overdue or DueSoon")
		}
		now := f.Now.Unix()
		// Literal, so the partial indexes on open messages drive the query.
		w.add(openSQL)
		if f.Overdue {
			w.add(overdueSQL, now, now)
		}
		if f.DueSoon > 0 {
			soon := f.Now.Add(f.DueSoon).Unix()
			w.add("NOT "+overdueSQL, now, now)
			w.add(`((m.first_response_at IS NULL AND m.first_response_due < ?) OR m.answer_due < ?)`, soon, soon)
		}
	}
	if f.HasUnanswered {
		w.add(`EXISTS (SELECT 1 FROM messages r WHERE r.platform = m.platform AND r.parent_external_id = m.external_id
			AND r.status IN ('new','in_progress') AND r.from_office = 0)`)
	}
	if !f.IncludeOffice {
		w.add(prefix(list) + "m.from_office = 0")
	}
	return w, nil
}

func prefix(list bool) string {
	if list {
		return "+"
	}
	return ""
}

// selectPage builds one keyset page. after is exclusive; asc pages oldest first.
func selectPage(f data.Filter, after data.Cursor, limit int, asc bool) (string, []any, error) {
	return selectColsCand(msgCols, f, after, limit, asc, -1)
}

// selectColsCand is selectPage for the columns cols of m (messages) and a
// (authors); for an overdue or due-soon list, cand caps the open messages it
// considers, the newest (or oldest) first, -1 for all.
func selectColsCand(cols string, f data.Filter, after data.Cursor, limit int, asc bool, cand int) (string, []any, error) {
	w, err := filterWhere(f, true)
	if err != nil {
		return "", nil, err
	}
	dir, cmp := "DESC", "<"
	if asc {
		dir, cmp = "ASC", ">"
	}
	var key any
	if !after.IsZero() {
		key = ftsKey(max(after.CreatedAt.Unix(), 0), after.ID)
	}
	var q strings.Builder
	q.WriteString("SELECT " + cols)
	if f.Match != "" {
		w.conds = append([]string{"f.messages_fts MATCH ?"}, w.conds...)
		w.args = append([]any{f.Match}, w.args...)
		if key != nil {
			w.add("f.rowid "+cmp+" ?", key)
		}
		q.WriteString(ftsHits(w.join) + authorsJoin + w.sql() + " ORDER BY f.rowid " + dir)
	} else {
		if key != nil {
			w.add("m.sort_key "+cmp+" ?", key)
		}
		if from, fargs, ok := dueFrom(f, key, cmp, dir, cand); ok {
			w.args = append(fargs, w.args...)
			q.WriteString(from + w.sql() + " ORDER BY m.sort_key " + dir)
		} else {
			q.WriteString(msgFrom + w.sql() + " ORDER BY m.sort_key " + dir)
		}
	}
	q.WriteString(" LIMIT ?")
	w.args = append(w.args, limit)
	return q.String(), w.args, nil
}

// dueFrom is the FROM clause of a list of overdue or soon-due messages:
// it starts from the open messages whose first-response or answer due time
// is before the bound (the partial indexes, migration 005), read from the
// indexes alone, newest first past the cursor and at most cand of them
// (-1: all), rather than walking the whole store in sort order; the WHERE
// clause then keeps exactly the ones the filter asks for. ok is false for
// other filters.
func dueFrom(f data.Filter, key any, cmp, dir string, cand int) (from string, args []any, ok bool) {
	if !f.Overdue && f.DueSoon <= 0 {
		return "", nil, false
	}
	bound := f.Now.Unix()
	if f.DueSoon > 0 {
		bound = f.Now.Add(f.DueSoon).Unix()
	}
	past := ""
	args = []any{bound, bound}
	if key != nil {
		past = " WHERE sort_key " + cmp + " ?"
		args = append(args, key)
	}
	args = append(args, cand)
	return ` FROM (SELECT sort_key FROM (SELECT sort_key FROM messages INDEXED BY messages_open_first_due
				WHERE status IN ('new','in_progress') AND first_response_due < ?
			UNION SELECT sort_key FROM messages INDEXED BY messages_open_answer_due
				WHERE status IN ('new','in_progress') AND answer_due < ?)` + past + `
			ORDER BY sort_key ` + dir + ` LIMIT ?) o
		CROSS JOIN messages m ON m.sort_key = o.sort_key` + authorsJoin, args, true
}

// dueCandidates is how many open messages an overdue or due-soon page
// looks at first; when they do not fill the page, it looks at all.
var dueCandidates = 1000

func (db *DB) queryMessages(ctx context.Context, q string, args ...any) ([]data.Message, error) {
	return queryRows(ctx, db, scanMessage, q, args...)
}

func queryRows[T any](ctx context.Context, db *DB, scan func(rowScanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ListMessages returns up to limit messages matching f, newest first,
// strictly after the cursor (the last row of the previous page). Tags are
// filled in.
func (db *DB) ListMessages(ctx context.Context, f data.Filter, after data.Cursor, limit int) ([]data.Message, error) {
	ms, err := listPage(ctx, db, msgCols, scanMessage, f, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	if err := db.fillTags(ctx, ms); err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return ms, nil
}

// deadlineCols are the columns of a data.Deadline.
const deadlineCols = `m.id, m.platform, m.created_at, m.district, m.first_response_due, m.answer_due, m.first_response_at`

func scanDeadline(r rowScanner) (data.Deadline, error) {
	var d data.Deadline
	var platform string
	var created int64
	var frd, ad, fra sql.NullInt64
	if err := r.Scan(&d.ID, &platform, &created, &d.District, &frd, &ad, &fra); err != nil {
		return d, err
	}
	d.Platform = data.Platform(platform)
	d.CreatedAt = time.Unix(created, 0).UTC()
	d.FirstResponseDue, d.AnswerDue, d.FirstResponseAt = fromUnix(frd), fromUnix(ad), fromUnix(fra)
	return d, nil
}

// ListDeadlines is ListMessages for the deadline watcher: the same pages,
// with only what a deadline needs, so the thousands of open messages of a
// large store are read without their texts.
func (db *DB) ListDeadlines(ctx context.Context, f data.Filter, after data.Cursor, limit int) ([]data.Deadline, error) {
	ds, err := listPage(ctx, db, deadlineCols, scanDeadline, f, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list deadlines: %w", err)
	}
	return ds, nil
}

// listPage reads one keyset page of cols, scanned by scan.
func listPage[T any](ctx context.Context, db *DB, cols string, scan func(rowScanner) (T, error), f data.Filter, after data.Cursor, limit int) ([]T, error) {
	limit = clampLimit(limit)
	q, args, err := selectColsCand(cols, f, after, limit, false, dueCandidates)
	if err != nil {
		return nil, err
	}
	out, err := queryRows(ctx, db, scan, q, args...)
	if err == nil && len(out) < limit && (f.Overdue || f.DueSoon > 0) && f.Match == "" {
		// The newest candidates did not fill the page (other filters
		// left few of them): look at all.
		if q, args, err = selectColsCand(cols, f, after, limit, false, -1); err == nil {
			out, err = queryRows(ctx, db, scan, q, args...)
		}
	}
	return out, err
}

// CursorOf is the keyset position of m, for the next ListMessages call.
func CursorOf(m data.Message) data.Cursor { return data.Cursor{CreatedAt: m.CreatedAt, ID: m.ID} }

// ForEachMessage calls fn for every message matching f, oldest first, in
// chunks so that neither memory nor a read snapshot grows with the store.
// fn may use the store. An error from fn stops the walk and is returned.
func (db *DB) ForEachMessage(ctx context.Context, f data.Filter, fn func(data.Message) error) error {
	var after data.Cursor
	for {
		q, args, err := selectPage(f, after, exportChunk, true)
		if err != nil {
			return err
		}
		ms, err := db.queryMessages(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("export messages: %w", err)
		}
		if err := db.fillTags(ctx, ms); err != nil {
			return fmt.Errorf("export messages: %w", err)
		}
		for _, m := range ms {
			if err := fn(m); err != nil {
				return err
			}
		}
		if len(ms) < exportChunk {
			return nil
		}
		after = CursorOf(ms[len(ms)-1])
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

func (db *DB) countFrom(f data.Filter) (string, *where, error) {
	w, err := filterWhere(f, false)
	if err != nil {
		return "", nil, err
	}
	if f.Match == "" {
		return " FROM messages m", w, nil
	}
	w.conds = append([]string{"f.messages_fts MATCH ?"}, w.conds...)
	w.args = append([]any{f.Match}, w.args...)
	return ftsHits(w.join), w, nil
}

// CountMessages counts messages matching f.
func (db *DB) CountMessages(ctx context.Context, f data.Filter) (int, error) {
	from, w, err := db.countFrom(f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*)"+from+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count messages: %w", err)
	}
	return n, nil
}

// CountMessagesUpTo counts messages matching f but stops at limit.
func (db *DB) CountMessagesUpTo(ctx context.Context, f data.Filter, limit int) (int, error) {
	from, w, err := db.countFrom(f)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1"+from+w.sql()+" LIMIT ?)",
		append(w.args, max(limit, 0))...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count messages: %w", err)
	}
	return n, nil
}

var countFields = map[string]string{
	"district":  "m.district",
	"category":  "m.category",
	"status":    "m.status",
	"platform":  "m.platform",
	"sentiment": "m.sentiment",
	"assignee":  "m.assignee",
	"account":   "CAST(m.account_id AS TEXT)",
}

// CountBy counts messages matching f grouped by field: district, category,
// status, platform, sentiment, assignee or account (the id as text). Rows
// with no value are counted under "".
func (db *DB) CountBy(ctx context.Context, f data.Filter, field string) (map[string]int, error) {
	col, ok := countFields[field]
	if !ok {
		return nil, fmt.Errorf("count by %q: unknown field", field)
	}
	from, w, err := db.countFrom(f)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, "SELECT "+col+", count(*)"+from+w.sql()+" GROUP BY 1", w.args...)
	if err != nil {
		return nil, fmt.Errorf("count by %s: %w", field, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// fillTags loads the tags of ms in one query.
func (db *DB) fillTags(ctx context.Context, ms []data.Message) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]int64, len(ms))
	at := make(map[int64]int, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
		at[m.ID] = i
	}
	rows, err := db.r.QueryContext(ctx, `SELECT message_id, tag FROM message_tags
		WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, tag`, idsJSON(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return err
		}
		i := at[id]
		ms[i].Tags = append(ms[i].Tags, tag)
	}
	return rows.Err()
}

func (db *DB) oneMessage(ctx context.Context, what, q string, args ...any) (data.Message, error) {
	m, err := scanMessage(db.r.QueryRowContext(ctx, "SELECT "+msgCols+msgFrom+" WHERE "+q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return data.Message{}, fmt.Errorf("message %s: %w", what, data.ErrNotFound)
	}
	if err != nil {
		return data.Message{}, fmt.Errorf("message %s: %w", what, err)
	}
	ms := []data.Message{m}
	if err := db.fillTags(ctx, ms); err != nil {
		return data.Message{}, fmt.Errorf("message %s: %w", what, err)
	}
	return ms[0], nil
}

// Message returns one message with its tags.
func (db *DB) Message(ctx context.Context, id int64) (data.Message, error) {
	return db.oneMessage(ctx, fmt.Sprint(id), "m.id = ?", id)
}

// MessageByExternal returns the message with a network's id, with its tags.
func (db *DB) MessageByExternal(ctx context.Context, p data.Platform, externalID string) (data.Message, error) {
	return db.oneMessage(ctx, string(p)+"/"+externalID, "m.platform = ? AND m.external_id = ?", string(p), externalID)
}

// maxThreadDepth bounds the walk up a reply chain (and breaks a cycle a
// network might send).
const maxThreadDepth = 64

// Thread returns the context of message id: the chain of messages it
// answers, root first, and every reply under it, direct or nested, oldest
// first. The message itself is in neither list.
func (db *DB) Thread(ctx context.Context, id int64) (parents, replies []data.Message, err error) {
	if _, err := db.Message(ctx, id); err != nil {
		return nil, nil, fmt.Errorf("thread: %w", err)
	}
	parents, err = db.queryMessages(ctx, `WITH RECURSIVE up(id, platform, parent, depth) AS (
			SELECT id, platform, parent_external_id, 0 FROM messages WHERE id = ?
			UNION ALL
			SELECT p.id, p.platform, p.parent_external_id, up.depth + 1 FROM up
			JOIN messages p ON p.platform = up.platform AND p.external_id = up.parent
			WHERE up.parent <> '' AND up.depth < ?
		)
		SELECT `+msgCols+` FROM up JOIN messages m ON m.id = up.id LEFT JOIN authors a ON a.id = m.author_id
		WHERE up.depth > 0 AND m.id <> ? ORDER BY up.depth DESC`, id, maxThreadDepth, id)
	if err != nil {
		return nil, nil, fmt.Errorf("thread %d: %w", id, err)
	}
	// UNION (not ALL) drops rows already seen, so a cycle ends.
	replies, err = db.queryMessages(ctx, `WITH RECURSIVE down(id, platform, ext) AS (
			SELECT id, platform, external_id FROM messages WHERE id = ?
			UNION
			SELECT c.id, c.platform, c.external_id FROM down
			JOIN messages c ON c.platform = down.platform AND c.parent_external_id = down.ext
		)
		SELECT `+msgCols+` FROM down JOIN messages m ON m.id = down.id LEFT JOIN authors a ON a.id = m.author_id
		WHERE m.id <> ? ORDER BY m.sort_key`, id, id)
	if err != nil {
		return nil, nil, fmt.Errorf("thread %d: %w", id, err)
	}
	if err := db.fillTags(ctx, parents); err != nil {
		return nil, nil, err
	}
	if err := db.fillTags(ctx, replies); err != nil {
		return nil, nil, err
	}
	return parents, replies, nil
}

// AuthorMessages returns an author's latest messages, newest first.
func (db *DB) AuthorMessages(ctx context.Context, p data.Platform, authorExternalID string, limit int) ([]data.Message, error) {
	ms, err := db.queryMessages(ctx, "SELECT "+msgCols+msgFrom+`
		WHERE m.author_id = (SELECT id FROM authors WHERE platform = ? AND external_id = ?)
		ORDER BY m.sort_key DESC LIMIT ?`, string(p), authorExternalID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("author messages: %w", err)
	}
	return ms, nil
}

// Post returns a stored post.
func (db *DB) Post(ctx context.Context, p data.Platform, externalID string) (data.Post, error) {
	var out data.Post
	var platform string
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT id, account_id, platform, external_id, text, url, kind, created_at
		FROM posts WHERE platform = ? AND external_id = ?`, string(p), externalID).
		Scan(&out.ID, &out.AccountID, &platform, &out.ExternalID, &out.Text, &out.URL, &out.Kind, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("post %s/%s: %w", p, externalID, data.ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("post %s/%s: %w", p, externalID, err)
	}
	out.Platform = data.Platform(platform)
	out.CreatedAt = time.Unix(created, 0).UTC()
	return out, nil
}
