package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"otklik/data"
)

// IngestMessage is a remote message with the core's normalised, stemmed copy
// of its text, which feeds the search index.
type IngestMessage struct {
	data.Message
	Stemmed string
}

// Batch is one page pulled from a network, stored in one transaction.
type Batch struct {
	AccountID int64
	Posts     []data.Post
	Messages  []IngestMessage
	// CursorKey/CursorValue, when set, advance the account's pull cursor in
	// the same transaction as the rows, so a crash never skips a page.
	CursorKey   string
	CursorValue string
}

// IngestResult counts what a batch did. Updated counts messages that were
// already stored (re-pulled), whether or not anything in them changed.
// Quarantined counts items kept aside because they could not be stored as
// messages (see Quarantine).
type IngestResult struct{ Inserted, Updated, Quarantined int }

// The search rowid is the keyset position created_at<<idBits | id: FTS5
// returns hits in rowid order, so newest-first search needs no sort.
const (
	idBits   = 30
	idMask   = 1<<idBits - 1
	maxEpoch = 1 << (63 - idBits) // seconds; year 2242
)

func ftsKey(createdAt, id int64) int64 { return createdAt<<idBits | id }

type authorRow struct {
	id         int64
	name, city string
}

type ftsRow struct {
	key  int64
	body string
}

// Ingest upserts a page of posts and messages keyed by (platform,
// external_id). A re-pull refreshes what the network owns (text, deletion,
// attachments, author, url, and the tagger's district/category/sentiment
// unless a user set them) and never touches what the office owns (status,
// assignee, deadlines, first response, notes, tags). A remembered district
// correction for the author wins over the tagger.
func (db *DB) Ingest(ctx context.Context, b Batch) (IngestResult, error) {
	var res IngestResult
	err := db.inTx(ctx, func(tx *sql.Tx) (err error) {
		res, err = ingestTx(ctx, tx, b)
		return err
	})
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	return res, nil
}

// ingestTx is Ingest inside a transaction the caller owns.
func ingestTx(ctx context.Context, tx *sql.Tx, b Batch) (IngestResult, error) {
	var res IngestResult
	// AccountID 0 is a mixed batch (an import, the demo): every record
	// names its own account. Fewer, larger transactions ingest faster.
	if b.AccountID == 0 && b.CursorKey != "" {
		return res, errors.New("ingest: a cursor needs the batch's account")
	}
	if b.AccountID != 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE id = ?", b.AccountID).Scan(&exists); err != nil {
			return res, err
		}
		if exists == 0 {
			return res, fmt.Errorf("ingest: account %d: %w", b.AccountID, data.ErrNotFound)
		}
	}
	now := time.Now().Unix()
	// The driver runs a statement whose context can be cancelled on a
	// goroutine of its own, so that it can interrupt it: per row that
	// costs more than the insert. Rows run without it and the batch
	// checks for cancellation every few hundred rows instead.
	in, err := newIngester(context.WithoutCancel(ctx), tx, b.AccountID, now)
	if err != nil {
		return res, err
	}
	defer in.close()
	for _, p := range b.Posts {
		if err := in.post(p); err != nil {
			return res, err
		}
	}
	if err := in.resolveAuthors(b.Messages); err != nil {
		return res, err
	}
	for i := range b.Messages {
		if i%512 == 511 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		if err := in.message(&b.Messages[i], in.authorOf[i], &res); err != nil {
			return res, err
		}
	}
	if err := in.flushFTS(); err != nil {
		return res, err
	}
	if b.CursorKey != "" {
		if err := setCursor(ctx, tx, b.AccountID, b.CursorKey, b.CursorValue); err != nil {
			return res, err
		}
	}
	return res, nil
}

type ingester struct {
	ctx     context.Context
	tx      *sql.Tx
	account int64
	now     int64

	authorSet, lookup, insert, update, upsertPost, quarantine *sql.Stmt

	authors    map[string]authorRow // platform|external id → stored author
	newAuthors [][5]any             // id, platform, external id, name, city
	nextAuthor int64
	authorOf   []any // per message of the batch: its author's id or nil
	add        []ftsRow
	pending    map[int64]int // message id → index in add
	del        []int64
	nextID     int64 // ids are assigned here so sort_key is known at insert
}

func newIngester(ctx context.Context, tx *sql.Tx, account, now int64) (*ingester, error) {
	in := &ingester{ctx: ctx, tx: tx, account: account, now: now,
		authors: map[string]authorRow{}, pending: map[int64]int{}}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.PrepareContext(ctx, q)
		return s
	}
	// Plain statements, not upserts with RETURNING: through the driver
	// RETURNING costs ~70 µs a row, several times the insert itself.
	in.authorSet = prep(`UPDATE authors SET name = ?, city = ? WHERE id = ?`)
	in.lookup = prep(`SELECT id, text, created_at FROM messages WHERE platform = ? AND external_id = ?`)
	in.insert = prep(`INSERT INTO messages(platform, external_id, account_id, post_external_id, parent_external_id,
			author_id, text, url, attachments, created_at, from_office, deleted,
			district, category, sentiment, district_manual, category_manual,
			status, assignee, first_response_due, answer_due, first_response_at, updated_at, id, sort_key)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
			CASE WHEN ?16 THEN ?13 ELSE coalesce(
				(SELECT district FROM corrections WHERE platform = ?1 AND author_external_id = ?24),
				nullif(?13, ''),
				-- A reply that names no place is about its parent's place.
				(SELECT p.district FROM messages p WHERE ?5 != '' AND p.platform = ?1 AND p.external_id = ?5),
				?13) END,
			CASE WHEN ?17 OR ?14 != 'other' OR ?5 = '' THEN ?14 ELSE coalesce(
				(SELECT p.category FROM messages p WHERE p.platform = ?1 AND p.external_id = ?5), ?14) END,
			?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?25, ?26)
		ON CONFLICT (platform, external_id) DO NOTHING`)
	in.update = prep(`UPDATE messages SET account_id = ?1,
			post_external_id = CASE WHEN ?15 THEN post_external_id ELSE ?2 END,
			parent_external_id = CASE WHEN ?15 THEN parent_external_id ELSE ?3 END,
			author_id = coalesce(?4, author_id), text = ?5,
			url = CASE WHEN ?15 AND ?6 = '' THEN url ELSE ?6 END,
			attachments = CASE WHEN ?15 THEN attachments ELSE ?7 END,
			created_at = ?8, sort_key = ?18, from_office = ?9, deleted = ?10,
			district = CASE WHEN district_manual OR ?15 THEN district
				ELSE coalesce((SELECT c.district FROM corrections c WHERE c.platform = messages.platform AND c.author_external_id = ?14),
					nullif(?11, ''),
					(SELECT p.district FROM messages p WHERE ?3 != '' AND p.platform = messages.platform AND p.external_id = ?3),
					?11) END,
			category = CASE WHEN category_manual OR ?15 THEN category
				WHEN ?12 != 'other' OR ?3 = '' THEN ?12
				ELSE coalesce((SELECT p.category FROM messages p WHERE p.platform = messages.platform AND p.external_id = ?3), ?12) END,
			sentiment = CASE WHEN ?15 THEN sentiment ELSE ?13 END,
			updated_at = ?16
		WHERE id = ?17`)
	in.upsertPost = prep(`INSERT INTO posts(account_id, platform, external_id, text, url, kind, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, external_id) DO UPDATE SET account_id = excluded.account_id,
			text = excluded.text, url = excluded.url, kind = excluded.kind, created_at = excluded.created_at`)
	in.quarantine = prep(`INSERT INTO quarantine(account_id, payload, reason, created_at) VALUES (?, ?, ?, ?)`)
	if err == nil {
		// Safe: the transaction is IMMEDIATE and this is the only writer.
		err = tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM messages`).Scan(&in.nextID)
	}
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM authors`).Scan(&in.nextAuthor)
	}
	if err != nil {
		in.close()
		return nil, err
	}
	return in, nil
}

func (in *ingester) close() {
	for _, s := range []*sql.Stmt{in.authorSet, in.lookup, in.insert, in.update, in.upsertPost, in.quarantine} {
		if s != nil {
			s.Close()
		}
	}
}

func (in *ingester) keep(payload any, reason string) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	var account any
	if in.account != 0 {
		account = in.account
	}
	_, err = in.quarantine.ExecContext(in.ctx, account, string(raw), reason, in.now)
	return err
}

func (in *ingester) post(p data.Post) error {
	if reason := checkRemote(p.Platform, p.ExternalID, p.CreatedAt); reason != "" {
		return in.keep(p, "post: "+reason)
	}
	account := in.account
	if account == 0 {
		account = p.AccountID
	}
	if account == 0 {
		return in.keep(p, "post: no account")
	}
	_, err := in.upsertPost.ExecContext(in.ctx, account, string(p.Platform), p.ExternalID, p.Text, p.URL, p.Kind, p.CreatedAt.Unix())
	return err
}

// checkRemote returns why a remote record cannot be stored, or "".
func checkRemote(p data.Platform, externalID string, created time.Time) string {
	switch {
	case !p.Valid():
		return fmt.Sprintf("unknown platform %q", p)
	case externalID == "":
		return "no external id"
	case created.IsZero():
		return "no creation time"
	case created.Unix() < 0 || created.Unix() >= maxEpoch:
		return fmt.Sprintf("creation time %s out of range", created.UTC().Format(time.RFC3339))
	}
	return ""
}

// prefetchAuthors loads the batch's known authors in one query a platform
// instead of one lookup a message. The keys go in as a flat JSON array,
// which SQLite reads far faster than an array of pairs.
func (in *ingester) prefetchAuthors(ms []IngestMessage) error {
	keys := map[data.Platform][]string{}
	seen := map[string]bool{}
	for i := range ms {
		m := &ms[i].Message
		k := string(m.Platform) + "|" + m.AuthorExternalID
		if m.AuthorExternalID == "" || seen[k] {
			continue
		}
		seen[k] = true
		keys[m.Platform] = append(keys[m.Platform], m.AuthorExternalID)
	}
	for platform, ids := range keys {
		b, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		if err := in.loadAuthors(platform, string(b)); err != nil {
			return err
		}
	}
	return nil
}

func (in *ingester) loadAuthors(platform data.Platform, ids string) error {
	rows, err := in.tx.QueryContext(in.ctx, `SELECT id, external_id, name, city FROM authors
		WHERE platform = ? AND external_id IN (SELECT value FROM json_each(?))`, string(platform), ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a authorRow
		var ext string
		if err := rows.Scan(&a.id, &ext, &a.name, &a.city); err != nil {
			return err
		}
		in.authors[string(platform)+"|"+ext] = a
	}
	return rows.Err()
}

// authorID returns the author's row id, adding the author or refreshing a
// changed name or city. An empty name or city never erases a known one.
func (in *ingester) authorID(m *data.Message) (any, error) {
	if m.AuthorExternalID == "" {
		return nil, nil
	}
	k := string(m.Platform) + "|" + m.AuthorExternalID
	a, ok := in.authors[k]
	switch {
	case !ok:
		// Added in one statement with the batch's other new authors.
		a = authorRow{id: in.nextAuthor, name: m.AuthorName, city: m.AuthorCity}
		in.nextAuthor++
		in.newAuthors = append(in.newAuthors, [5]any{a.id, string(m.Platform), m.AuthorExternalID, a.name, a.city})
		in.authors[k] = a
	case (m.AuthorName != "" && m.AuthorName != a.name) || (m.AuthorCity != "" && m.AuthorCity != a.city):
		if m.AuthorName != "" {
			a.name = m.AuthorName
		}
		if m.AuthorCity != "" {
			a.city = m.AuthorCity
		}
		if _, err := in.authorSet.ExecContext(in.ctx, a.name, a.city, a.id); err != nil {
			return nil, err
		}
		in.authors[k] = a
	}
	return a.id, nil
}

// reject returns why a message cannot be stored, or "".
func (in *ingester) reject(m *data.Message) string {
	if m.AccountID == 0 {
		m.AccountID = in.account
	}
	reason := checkRemote(m.Platform, m.ExternalID, m.CreatedAt)
	if reason == "" && m.AccountID == 0 {
		reason = "no account"
	}
	if reason == "" && in.account != 0 && m.AccountID != in.account {
		reason = fmt.Sprintf("account %d in a batch for account %d", m.AccountID, in.account)
	}
	if reason == "" && m.Status != "" && !m.Status.Valid() {
		reason = fmt.Sprintf("unknown status %q", m.Status)
	}
	return reason
}

// resolveAuthors finds or adds the author of every storable message of the
// batch before any message is written (messages reference authors). New
// authors get their ids here and are inserted in one statement: one insert
// per author through the driver cost more than the insert itself.
func (in *ingester) resolveAuthors(ms []IngestMessage) error {
	if err := in.prefetchAuthors(ms); err != nil {
		return err
	}
	in.authorOf = make([]any, len(ms))
	for i := range ms {
		m := &ms[i].Message
		if in.reject(m) != "" {
			continue
		}
		id, err := in.authorID(m)
		if err != nil {
			return err
		}
		in.authorOf[i] = id
	}
	if len(in.newAuthors) == 0 {
		return nil
	}
	b, err := json.Marshal(in.newAuthors)
	if err != nil {
		return err
	}
	in.newAuthors = in.newAuthors[:0]
	_, err = in.tx.ExecContext(in.ctx, `INSERT INTO authors(id, platform, external_id, name, city)
		SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)`, string(b))
	return err
}

func (in *ingester) message(im *IngestMessage, author any, res *IngestResult) error {
	m := &im.Message
	if reason := in.reject(m); reason != "" {
		res.Quarantined++
		return in.keep(im, "message: "+reason)
	}
	var attach any
	if len(m.Attachments) > 0 {
		b, err := json.Marshal(m.Attachments)
		if err != nil {
			return err
		}
		attach = string(b)
	}
	created := m.CreatedAt.Unix()

	// Most rows of a pull are new: try the insert first and look the row
	// up only when it already exists.
	status := m.Status
	if status == "" {
		status = data.StatusNew
	}
	id := in.nextID
	if id > idMask {
		return fmt.Errorf("message id %d exceeds the search index's range", id)
	}
	r, err := in.insert.ExecContext(in.ctx,
		string(m.Platform), m.ExternalID, m.AccountID, m.PostExternalID, m.ParentExternalID,
		author, m.Text, m.URL, attach, created, boolInt(m.FromOffice), boolInt(m.Deleted),
		m.District, m.Category, string(m.Sentiment), boolInt(m.DistrictManual), boolInt(m.CategoryManual),
		string(status), m.Assignee, unixOrNull(m.FirstResponseDue), unixOrNull(m.AnswerDue), unixOrNull(m.FirstResponseAt), in.now,
		m.AuthorExternalID, id, ftsKey(created, id),
	)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		in.nextID++
		res.Inserted++
		in.pending[id] = len(in.add)
		in.add = append(in.add, ftsRow{ftsKey(created, id), im.Stemmed})
		return nil
	}

	var oldCreated int64
	var oldText string
	if err := in.lookup.QueryRowContext(in.ctx, string(m.Platform), m.ExternalID).Scan(&id, &oldText, &oldCreated); err != nil {
		return err
	}

	// A network that hides deleted text sends an empty stub: keep the text
	// the office already has, and the tags derived from it.
	stub := m.Deleted && m.Text == "" && oldText != ""
	text := m.Text
	if stub {
		text = oldText
	}
	_, err = in.update.ExecContext(in.ctx,
		m.AccountID, m.PostExternalID, m.ParentExternalID, author, text, m.URL, attach, created,
		boolInt(m.FromOffice), boolInt(m.Deleted), m.District, m.Category, string(m.Sentiment),
		m.AuthorExternalID, stub, in.now, id, ftsKey(created, id))
	if err != nil {
		return err
	}
	res.Updated++
	if stub || (text == oldText && created == oldCreated) {
		return nil
	}
	row := ftsRow{ftsKey(created, id), im.Stemmed}
	if i, ok := in.pending[id]; ok { // inserted earlier in this batch
		in.add[i] = row
		return nil
	}
	in.del = append(in.del, ftsKey(oldCreated, id))
	in.pending[id] = len(in.add)
	in.add = append(in.add, row)
	return nil
}

// flushFTS feeds the search index once per transaction: FTS5 flushes its
// pending terms at every statement, so one INSERT…SELECT of the whole batch
// (in rowid order, which avoids extra flushes) is about twice as fast as a
// per-row trigger, and measured faster than multi-row VALUES in chunks.
func (in *ingester) flushFTS() error {
	if len(in.del) > 0 {
		b, err := json.Marshal(in.del)
		if err != nil {
			return err
		}
		if _, err := in.tx.ExecContext(in.ctx, `DELETE FROM messages_fts WHERE rowid IN (SELECT value FROM json_each(?))`, string(b)); err != nil {
			return err
		}
	}
	if len(in.add) == 0 {
		return nil
	}
	slices.SortFunc(in.add, func(a, b ftsRow) int { return compareInt(a.key, b.key) })
	rows := make([][2]any, len(in.add))
	for i, r := range in.add {
		rows[i] = [2]any{r.key, r.body}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	_, err = in.tx.ExecContext(in.ctx, `INSERT INTO messages_fts(rowid, body) SELECT value->>0, value->>1 FROM json_each(?)`, string(b))
	return err
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func setCursor(ctx context.Context, tx *sql.Tx, account int64, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_cursors(account_id, key, value) VALUES (?, ?, ?)
		ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value`, account, key, value)
	return err
}

// Cursor is the account's stored pull cursor for key, "" when none.
func (db *DB) Cursor(ctx context.Context, accountID int64, key string) (string, error) {
	var v string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM sync_cursors WHERE account_id = ? AND key = ?`, accountID, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cursor: %w", err)
	}
	return v, nil
}

// SetCursor stores a pull cursor outside an ingest (e.g. an empty page).
func (db *DB) SetCursor(ctx context.Context, accountID int64, key, value string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return setCursor(ctx, tx, accountID, key, value) })
}

// QuarantineItem is a remote record Ingest could not store as a message.
type QuarantineItem struct {
	ID        int64
	AccountID int64
	Payload   string // JSON of the record as received
	Reason    string
	CreatedAt time.Time
}

// Quarantine lists kept-aside records, newest first.
func (db *DB) Quarantine(ctx context.Context, limit int) ([]QuarantineItem, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, coalesce(account_id, 0), payload, reason, created_at
		FROM quarantine ORDER BY id DESC LIMIT ?`, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	defer rows.Close()
	var out []QuarantineItem
	for rows.Next() {
		var q QuarantineItem
		var at int64
		if err := rows.Scan(&q.ID, &q.AccountID, &q.Payload, &q.Reason, &at); err != nil {
			return nil, err
		}
		q.CreatedAt = time.Unix(at, 0).UTC()
		out = append(out, q)
	}
	return out, rows.Err()
}
