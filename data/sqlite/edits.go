package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"otklik/data"
)

// idsIn selects rows whose id is in a JSON array bound as one argument.
const idsIn = "id IN (SELECT value FROM json_each(?))"

// SetStatus moves messages to s. Answering records the first response time
// when none is recorded yet.
func (db *DB) SetStatus(ctx context.Context, ids []int64, s data.Status, now time.Time) error {
	if !s.Valid() {
		return fmt.Errorf("set status: unknown status %q", s)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error { return updateStatus(ctx, tx, ids, s, now) })
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	return nil
}

func updateStatus(ctx context.Context, tx *sql.Tx, ids []int64, s data.Status, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?1, updated_at = ?2,
		first_response_at = CASE WHEN ?1 = 'answered' AND first_response_at IS NULL THEN ?2 ELSE first_response_at END
		WHERE `+idsIn, string(s), now.Unix(), idsJSON(ids))
	return err
}

func (db *DB) update(ctx context.Context, what, set string, ids []int64, args ...any) error {
	args = append(args, time.Now().Unix(), idsJSON(ids))
	_, err := db.w.ExecContext(ctx, "UPDATE messages SET "+set+", updated_at = ? WHERE "+idsIn, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// SetAssignee assigns messages to who ("" unassigns).
func (db *DB) SetAssignee(ctx context.Context, ids []int64, who string) error {
	return db.update(ctx, "set assignee", "assignee = ?", ids, strings.TrimSpace(who))
}

// SetCategory sets a user's category; the tagger never changes it again.
func (db *DB) SetCategory(ctx context.Context, ids []int64, code string) error {
	return db.update(ctx, "set category", "category = ?, category_manual = 1", ids, code)
}

// SetDistrict sets a user's district and remembers it for each message's
// author, so the author's future and re-pulled messages get it too. An
// empty code marks the district unknown and forgets the correction.
func (db *DB) SetDistrict(ctx context.Context, ids []int64, code string) error {
	now := time.Now().Unix()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		list := idsJSON(ids)
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET district = ?, district_manual = 1, updated_at = ? WHERE `+idsIn,
			code, now, list); err != nil {
			return err
		}
		if code == "" {
			_, err := tx.ExecContext(ctx, `DELETE FROM corrections WHERE (platform, author_external_id) IN (
				SELECT m.platform, a.external_id FROM messages m JOIN authors a ON a.id = m.author_id
				WHERE m.id IN (SELECT value FROM json_each(?)))`, list)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO corrections(platform, author_external_id, district, updated_at)
			SELECT m.platform, a.external_id, ?, ? FROM messages m JOIN authors a ON a.id = m.author_id
			WHERE m.id IN (SELECT value FROM json_each(?)) AND a.external_id <> ''
			ON CONFLICT (platform, author_external_id) DO UPDATE SET district = excluded.district, updated_at = excluded.updated_at`,
			code, now, list)
		return err
	})
	if err != nil {
		return fmt.Errorf("set district: %w", err)
	}
	return nil
}

// AuthorDistrict is the district a user set for an author, "" if none.
func (db *DB) AuthorDistrict(ctx context.Context, p data.Platform, authorExternalID string) (string, error) {
	var d string
	err := db.r.QueryRowContext(ctx, `SELECT district FROM corrections WHERE platform = ? AND author_external_id = ?`,
		string(p), authorExternalID).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("author district: %w", err)
	}
	return d, nil
}

// SetDeadlines stores a message's due times; a zero time clears one.
func (db *DB) SetDeadlines(ctx context.Context, id int64, firstResponse, answer time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE messages SET first_response_due = ?, answer_due = ? WHERE id = ?`,
		unixOrNull(firstResponse), unixOrNull(answer), id)
	if err != nil {
		return fmt.Errorf("set deadlines: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set deadlines: message %d: %w", id, data.ErrNotFound)
	}
	return nil
}

func cleanTag(tag string) (string, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return "", errors.New("empty tag")
	}
	return tag, nil
}

// AddTag tags messages; ids that do not exist are skipped.
func (db *DB) AddTag(ctx context.Context, ids []int64, tag string) error {
	tag, err := cleanTag(tag)
	if err != nil {
		return fmt.Errorf("add tag: %w", err)
	}
	_, err = db.w.ExecContext(ctx, `INSERT OR IGNORE INTO message_tags(message_id, tag)
		SELECT id, ? FROM messages WHERE `+idsIn, tag, idsJSON(ids))
	if err != nil {
		return fmt.Errorf("add tag: %w", err)
	}
	return nil
}

// RemoveTag removes a tag from messages.
func (db *DB) RemoveTag(ctx context.Context, ids []int64, tag string) error {
	tag, err := cleanTag(tag)
	if err != nil {
		return fmt.Errorf("remove tag: %w", err)
	}
	_, err = db.w.ExecContext(ctx, `DELETE FROM message_tags WHERE tag = ? AND message_id IN (SELECT value FROM json_each(?))`,
		tag, idsJSON(ids))
	if err != nil {
		return fmt.Errorf("remove tag: %w", err)
	}
	return nil
}

// Tags lists every tag in use with its message count, for the filter menu.
func (db *DB) Tags(ctx context.Context) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT tag, count(*) FROM message_tags GROUP BY tag`)
	if err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, rows.Err()
}

// AddNote stores an internal note and returns its id. A zero CreatedAt
// means now.
func (db *DB) AddNote(ctx context.Context, n data.Note) (int64, error) {
	if strings.TrimSpace(n.Text) == "" {
		return 0, errors.New("add note: empty text")
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = time.Now()
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO notes(message_id, author, text, created_at) VALUES (?, ?, ?, ?)`,
		n.MessageID, n.Author, n.Text, n.CreatedAt.Unix())
	if err != nil {
		if isFK(err) {
			return 0, fmt.Errorf("add note: message %d: %w", n.MessageID, data.ErrNotFound)
		}
		return 0, fmt.Errorf("add note: %w", err)
	}
	return res.LastInsertId()
}

// Notes lists a message's notes, oldest first.
func (db *DB) Notes(ctx context.Context, messageID int64) ([]data.Note, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, message_id, author, text, created_at FROM notes
		WHERE message_id = ? ORDER BY created_at, id`, messageID)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	defer rows.Close()
	var out []data.Note
	for rows.Next() {
		var n data.Note
		var at int64
		if err := rows.Scan(&n.ID, &n.MessageID, &n.Author, &n.Text, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = time.Unix(at, 0).UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}
