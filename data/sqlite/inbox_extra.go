package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"otklik/data"
)

// MessageState is the office's own part of a message — what the inbox's
// actions change — so an action can be undone exactly. Correction is the
// district remembered for the message's author (HasCorrection false when
// none was remembered).
type MessageState struct {
	ID              int64
	Status          data.Status
	Assignee        string
	District        string
	DistrictManual  bool
	Category        string
	CategoryManual  bool
	FirstResponseAt time.Time
	Tags            []string
	Correction      string
	HasCorrection   bool
	// FirstResponseDue and AnswerDue follow the category's rule; a category
	// change recomputes them, so an undo puts them back too.
	FirstResponseDue time.Time
	AnswerDue        time.Time
}

// MessageStates reads the office's state of each message in ids; ids that
// do not exist are left out.
func (db *DB) MessageStates(ctx context.Context, ids []int64) ([]MessageState, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT m.id, m.status, m.assignee, m.district, m.district_manual, m.category,
			m.category_manual, m.first_response_at, m.first_response_due, m.answer_due, c.district,
			(SELECT json_group_array(tag) FROM message_tags t WHERE t.message_id = m.id)
		FROM messages m LEFT JOIN authors a ON a.id = m.author_id
		LEFT JOIN corrections c ON c.platform = m.platform AND c.author_external_id = a.external_id AND a.external_id <> ''
		WHERE m.`+idsIn+` ORDER BY m.id`, idsJSON(ids))
	if err != nil {
		return nil, fmt.Errorf("message states: %w", err)
	}
	defer rows.Close()
	var out []MessageState
	for rows.Next() {
		var s MessageState
		var status, tags string
		var fra, frd, ad sql.NullInt64
		var corr sql.NullString
		if err := rows.Scan(&s.ID, &status, &s.Assignee, &s.District, &s.DistrictManual, &s.Category,
			&s.CategoryManual, &fra, &frd, &ad, &corr, &tags); err != nil {
			return nil, fmt.Errorf("message states: %w", err)
		}
		s.Status = data.Status(status)
		s.FirstResponseAt, s.FirstResponseDue, s.AnswerDue = fromUnix(fra), fromUnix(frd), fromUnix(ad)
		s.Correction, s.HasCorrection = corr.String, corr.Valid
		if s.Tags, err = tagList(tags); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func tagList(js string) ([]string, error) {
	var tags []string
	if err := jsonUnmarshal(js, &tags); err != nil {
		return nil, fmt.Errorf("message states: tags: %w", err)
	}
	return tags, nil
}

// RestoreStates writes states back in one transaction: status, assignee,
// district and category with their manual flags, first response time,
// deadlines, tags and the author's remembered district.
func (db *DB) RestoreStates(ctx context.Context, states []MessageState, now time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, s := range states {
			if !s.Status.Valid() {
				return fmt.Errorf("message %d: unknown status %q", s.ID, s.Status)
			}
			res, err := tx.ExecContext(ctx, `UPDATE messages SET status = ?, assignee = ?, district = ?, district_manual = ?,
				category = ?, category_manual = ?, first_response_at = ?, first_response_due = ?, answer_due = ?, updated_at = ?
				WHERE id = ?`, string(s.Status), s.Assignee, s.District, boolInt(s.DistrictManual), s.Category,
				boolInt(s.CategoryManual), unixOrNull(s.FirstResponseAt), unixOrNull(s.FirstResponseDue),
				unixOrNull(s.AnswerDue), now.Unix(), s.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("message %d: %w", s.ID, data.ErrNotFound)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM message_tags WHERE message_id = ?`, s.ID); err != nil {
				return err
			}
			for _, t := range s.Tags {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO message_tags(message_id, tag) VALUES (?, ?)`, s.ID, t); err != nil {
					return err
				}
			}
			if err := restoreCorrection(ctx, tx, s, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

func restoreCorrection(ctx context.Context, tx *sql.Tx, s MessageState, now time.Time) error {
	var platform, author string
	err := tx.QueryRowContext(ctx, `SELECT m.platform, coalesce(a.external_id, '') FROM messages m
		LEFT JOIN authors a ON a.id = m.author_id WHERE m.id = ?`, s.ID).Scan(&platform, &author)
	if err != nil || author == "" {
		return err
	}
	if !s.HasCorrection {
		_, err = tx.ExecContext(ctx, `DELETE FROM corrections WHERE platform = ? AND author_external_id = ?`, platform, author)
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO corrections(platform, author_external_id, district, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (platform, author_external_id) DO UPDATE SET district = excluded.district, updated_at = excluded.updated_at`,
		platform, author, s.Correction, now.Unix())
	return err
}

// OutboxItem reads one outbox item.
func (db *DB) OutboxItem(ctx context.Context, id int64) (data.OutboxItem, error) {
	items, err := db.queryOutbox(ctx, `WHERE id = ?`, id)
	if err != nil {
		return data.OutboxItem{}, err
	}
	if len(items) == 0 {
		return data.OutboxItem{}, fmt.Errorf("outbox item %d: %w", id, data.ErrNotFound)
	}
	return items[0], nil
}

// MessageOutbox lists the replies queued for a message, oldest first.
func (db *DB) MessageOutbox(ctx context.Context, messageID int64) ([]data.OutboxItem, error) {
	return db.queryOutbox(ctx, `WHERE message_id = ? AND kind = 'reply' ORDER BY id`, messageID)
}

// ErrNotQueued is returned when an outbox item has already left the queue.
var ErrNotQueued = errors.New("the item is no longer waiting in the queue")

// CancelOutbox removes an item that is still queued (an undone reply). An
// item being sent or already sent is left alone and ErrNotQueued returned.
func (db *DB) CancelOutbox(ctx context.Context, id int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND state = 'queued'`, id)
	if err != nil {
		return fmt.Errorf("cancel outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("cancel outbox %d: %w", id, ErrNotQueued)
	}
	return nil
}

// RetryOutbox puts a failed item back in the queue to be tried at once.
func (db *DB) RetryOutbox(ctx context.Context, id int64) error {
	res, err := db.w.ExecContext(ctx, `UPDATE outbox SET state = 'queued', next_try = NULL, last_error = ''
		WHERE id = ? AND state = 'failed'`, id)
	if err != nil {
		return fmt.Errorf("retry outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("retry outbox %d: not a failed item: %w", id, data.ErrNotFound)
	}
	return nil
}

// ResponseGroup is one line of the response-time report: how many
// resident messages were created in the group, how many got a first
// response, and the median and 90th percentile of the time it took
// (nearest-rank percentiles, whole seconds).
type ResponseGroup struct {
	Key       string
	Total     int
	Responded int
	Median    time.Duration
	P90       time.Duration
}

// Report groupings.
const (
	ByCategory = "category"
	ByDistrict = "district"
	ByWeek     = "week" // the Monday (Moscow time) of the week created, as 2006-01-02
)

// ResponseTimes computes first-response times of resident messages created
// in [since, until) grouped by category, district or week, in SQL: only the
// groups leave the database, however many messages there are.
func (db *DB) ResponseTimes(ctx context.Context, by string, since, until time.Time) ([]ResponseGroup, error) {
	var key string
	switch by {
	case ByCategory:
		key = "m.category"
	case ByDistrict:
		key = "m.district"
	case ByWeek:
		// Moscow has no DST: +3 hours gives the local date; 'weekday 0'
		// moves to the coming Sunday, −6 days to that week's Monday.
		key = "date(m.created_at, 'unixepoch', '+3 hours', 'weekday 0', '-6 days')"
	default:
		return nil, fmt.Errorf("response times: cannot group by %q", by)
	}
	w := &where{}
	w.add("m.from_office = 0")
	if !since.IsZero() {
		w.add("m.sort_key >= ?", ftsKey(max(since.Unix(), 0), 0))
	}
	if !until.IsZero() {
		w.add("m.sort_key < ?", ftsKey(max(until.Unix(), 0), 0))
	}
	q := `WITH r AS (SELECT ` + key + ` AS k,
			CASE WHEN m.first_response_at IS NOT NULL THEN max(m.first_response_at - m.created_at, 0) END AS d
			FROM messages m` + w.sql() + `),
		ranked AS (SELECT k, d, row_number() OVER (PARTITION BY k ORDER BY d) AS rn,
			count(*) OVER (PARTITION BY k) AS n FROM r WHERE d IS NOT NULL),
		pct AS (SELECT k, n,
			max(CASE WHEN rn = (n * 50 + 99) / 100 THEN d END) AS p50,
			max(CASE WHEN rn = (n * 90 + 99) / 100 THEN d END) AS p90
			FROM ranked GROUP BY k)
		SELECT t.k, t.total, coalesce(pct.n, 0), coalesce(pct.p50, 0), coalesce(pct.p90, 0)
		FROM (SELECT k, count(*) AS total FROM r GROUP BY k) t LEFT JOIN pct ON pct.k = t.k
		ORDER BY t.k`
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("response times: %w", err)
	}
	defer rows.Close()
	var out []ResponseGroup
	for rows.Next() {
		var g ResponseGroup
		var p50, p90 int64
		if err := rows.Scan(&g.Key, &g.Total, &g.Responded, &p50, &p90); err != nil {
			return nil, fmt.Errorf("response times: %w", err)
		}
		g.Median, g.P90 = time.Duration(p50)*time.Second, time.Duration(p90)*time.Second
		out = append(out, g)
	}
	return out, rows.Err()
}

// jsonUnmarshal decodes a JSON array of strings written by SQLite; nulls
// are skipped.
func jsonUnmarshal(js string, out *[]string) error {
	js = strings.TrimSpace(js)
	if js == "" || js == "[]" {
		*out = nil
		return nil
	}
	var raw []*string
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		return err
	}
	for _, s := range raw {
		if s != nil {
			*out = append(*out, *s)
		}
	}
	return nil
}
