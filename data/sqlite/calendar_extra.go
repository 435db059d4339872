package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"otklik/data"
)

const calendarCols = `id, coalesce(account_id, 0), kind, title, text, district, planned_at, status, approver,
	published_at, remote_id`

func scanCalendarItem(r rowScanner) (data.CalendarItem, error) {
	var it data.CalendarItem
	var planned int64
	var published sql.NullInt64
	err := r.Scan(&it.ID, &it.AccountID, &it.Kind, &it.Title, &it.Text, &it.District, &planned,
		&it.Status, &it.Approver, &published, &it.RemoteID)
	it.PlannedAt = time.Unix(planned, 0).UTC()
	it.PublishedAt = fromUnix(published)
	return it, err
}

// CalendarItem returns one planned item.
func (db *DB) CalendarItem(ctx context.Context, id int64) (data.CalendarItem, error) {
	it, err := scanCalendarItem(db.r.QueryRowContext(ctx, `SELECT `+calendarCols+` FROM calendar_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("calendar item %d: %w", id, data.ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("calendar item %d: %w", id, err)
	}
	return it, nil
}

// PostsBetween lists the posts published in [from, to), oldest first, of
// one account or, with accountID 0, of every account. The calendar counts
// them against the regularity rules and matches them to planned items.
func (db *DB) PostsBetween(ctx context.Context, accountID int64, from, to time.Time) ([]data.Post, error) {
	q := `SELECT id, account_id, platform, external_id, text, url, kind, created_at FROM posts
		WHERE created_at >= ? AND created_at < ?`
	args := []any{from.Unix(), to.Unix()}
	if accountID != 0 {
		q += ` AND account_id = ?`
		args = append(args, accountID)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("posts: %w", err)
	}
	defer rows.Close()
	var out []data.Post
	for rows.Next() {
		var p data.Post
		var platform string
		var created int64
		if err := rows.Scan(&p.ID, &p.AccountID, &platform, &p.ExternalID, &p.Text, &p.URL, &p.Kind, &created); err != nil {
			return nil, err
		}
		p.Platform = data.Platform(platform)
		p.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// CalendarOutbox lists the outbox items sent or queued for a planned item,
// oldest first, so the calendar knows whether it is already on its way.
func (db *DB) CalendarOutbox(ctx context.Context, itemID int64) ([]data.OutboxItem, error) {
	return db.queryOutbox(ctx, `WHERE calendar_item_id = ? ORDER BY id`, itemID)
}

// calendarAlertPrefix keeps the calendar's notification marks apart from
// the other settings.
const calendarAlertPrefix = "plan.alerted."

// MarkCalendarAlert records that the calendar notified about key; first is
// false when it already had, so each warning fires once across restarts.
func (db *DB) MarkCalendarAlert(ctx context.Context, key string, at time.Time) (first bool, err error) {
	if key == "" {
		return false, errors.New("mark calendar alert: empty key")
	}
	res, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)`,
		calendarAlertPrefix+key, at.UTC().Format(time.RFC3339))
	if err != nil {
		return false, fmt.Errorf("mark calendar alert: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
