package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"otklik/data"
)

func isFK(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// UpsertAccount stores an account keyed by (platform, external_id) and sets
// a.ID. CreatedAt is kept from the first save.
func (db *DB) UpsertAccount(ctx context.Context, a *data.Account) error {
	if !a.Platform.Valid() {
		return fmt.Errorf("save account: unknown platform %q", a.Platform)
	}
	if a.ExternalID == "" {
		return errors.New("save account: no external id")
	}
	if a.Config == "" {
		a.Config = "{}"
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC().Truncate(time.Second)
	}
	var created int64
	err := db.w.QueryRowContext(ctx, `INSERT INTO accounts(platform, external_id, name, kind, demo, config, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, external_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
			demo = excluded.demo, config = excluded.config
		RETURNING id, created_at`,
		string(a.Platform), a.ExternalID, a.Name, a.Kind, boolInt(a.Demo), a.Config, a.CreatedAt.Unix()).Scan(&a.ID, &created)
	if err != nil {
		return fmt.Errorf("save account: %w", err)
	}
	a.CreatedAt = time.Unix(created, 0).UTC()
	return nil
}

const accountCols = `id, platform, external_id, name, kind, demo, config, created_at`

func scanAccount(r rowScanner) (data.Account, error) {
	var a data.Account
	var platform string
	var created int64
	err := r.Scan(&a.ID, &platform, &a.ExternalID, &a.Name, &a.Kind, &a.Demo, &a.Config, &created)
	a.Platform = data.Platform(platform)
	a.CreatedAt = time.Unix(created, 0).UTC()
	return a, err
}

// Accounts lists every account in the order they were added.
func (db *DB) Accounts(ctx context.Context) ([]data.Account, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer rows.Close()
	var out []data.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Account returns one account.
func (db *DB) Account(ctx context.Context, id int64) (data.Account, error) {
	a, err := scanAccount(db.r.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("account %d: %w", id, data.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("account %d: %w", id, err)
	}
	return a, nil
}

// Templates lists reply templates by name.
func (db *DB) Templates(ctx context.Context) ([]data.Template, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, category, text FROM templates ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	defer rows.Close()
	var out []data.Template
	for rows.Next() {
		var t data.Template
		if err := rows.Scan(&t.ID, &t.Name, &t.Category, &t.Text); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveTemplate inserts (ID 0, setting t.ID) or updates a template.
func (db *DB) SaveTemplate(ctx context.Context, t *data.Template) error {
	if strings.TrimSpace(t.Name) == "" || strings.TrimSpace(t.Text) == "" {
		return errors.New("save template: name and text are required")
	}
	if t.ID == 0 {
		res, err := db.w.ExecContext(ctx, `INSERT INTO templates(name, category, text) VALUES (?, ?, ?)`, t.Name, t.Category, t.Text)
		if err != nil {
			return fmt.Errorf("save template: %w", err)
		}
		t.ID, err = res.LastInsertId()
		return err
	}
	return db.updateOne(ctx, "save template", t.ID,
		`UPDATE templates SET name = ?, category = ?, text = ? WHERE id = ?`, t.Name, t.Category, t.Text, t.ID)
}

// DeleteTemplate removes a template.
func (db *DB) DeleteTemplate(ctx context.Context, id int64) error {
	return db.updateOne(ctx, "delete template", id, `DELETE FROM templates WHERE id = ?`, id)
}

// updateOne runs a statement that must touch exactly the row id.
func (db *DB) updateOne(ctx context.Context, what string, id int64, q string, args ...any) error {
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, data.ErrNotFound)
	}
	return nil
}

// EnqueueOutbox queues a reply or post and, for a reply with setStatus set,
// moves the message to that status in the same transaction. A reused
// idempotency key returns ErrDuplicate and changes nothing (it.ID is set to
// the queued item), so a double click never sends twice.
func (db *DB) EnqueueOutbox(ctx context.Context, it *data.OutboxItem, setStatus data.Status) error {
	if it.Kind != "reply" && it.Kind != "post" {
		return fmt.Errorf("enqueue: unknown kind %q", it.Kind)
	}
	if it.IdempotencyKey == "" {
		return errors.New("enqueue: no idempotency key")
	}
	if setStatus != "" && !setStatus.Valid() {
		return fmt.Errorf("enqueue: unknown status %q", setStatus)
	}
	if it.State == "" {
		it.State = data.OutboxQueued
	}
	if it.Payload == "" {
		it.Payload = "{}"
	}
	if it.CreatedAt.IsZero() {
		it.CreatedAt = time.Now().UTC().Truncate(time.Second)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO outbox(account_id, kind, message_id, calendar_item_id, idempotency_key,
				payload, state, attempts, next_try, last_error, remote_id, created_at, sent_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			it.AccountID, it.Kind, nullID(it.MessageID), nullID(it.CalendarItemID), it.IdempotencyKey,
			it.Payload, string(it.State), it.Attempts, unixOrNull(it.NextTry), it.LastError, it.RemoteID,
			it.CreatedAt.Unix(), unixOrNull(it.SentAt)).Scan(&it.ID)
		if isUnique(err) {
			if qerr := tx.QueryRowContext(ctx, `SELECT id FROM outbox WHERE idempotency_key = ?`, it.IdempotencyKey).Scan(&it.ID); qerr != nil {
				return qerr
			}
			return fmt.Errorf("key %q: %w", it.IdempotencyKey, ErrDuplicate)
		}
		if err != nil {
			return err
		}
		if it.Kind == "reply" && it.MessageID != 0 && setStatus != "" {
			return updateStatus(ctx, tx, []int64{it.MessageID}, setStatus, it.CreatedAt)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

const outboxCols = `id, account_id, kind, coalesce(message_id, 0), coalesce(calendar_item_id, 0), idempotency_key,
	payload, state, attempts, next_try, last_error, remote_id, created_at, sent_at`

func (db *DB) queryOutbox(ctx context.Context, q string, args ...any) ([]data.OutboxItem, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+outboxCols+` FROM outbox `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	var out []data.OutboxItem
	for rows.Next() {
		var it data.OutboxItem
		var state string
		var created int64
		var next, sent sql.NullInt64
		if err := rows.Scan(&it.ID, &it.AccountID, &it.Kind, &it.MessageID, &it.CalendarItemID, &it.IdempotencyKey,
			&it.Payload, &state, &it.Attempts, &next, &it.LastError, &it.RemoteID, &created, &sent); err != nil {
			return nil, err
		}
		it.State = data.OutboxState(state)
		it.NextTry, it.SentAt = fromUnix(next), fromUnix(sent)
		it.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, it)
	}
	return out, rows.Err()
}

// Outbox lists items in any of states (all when empty), oldest first.
func (db *DB) Outbox(ctx context.Context, states []data.OutboxState, limit int) ([]data.OutboxItem, error) {
	w := &where{}
	w.in("state", strs(states))
	return db.queryOutbox(ctx, w.sql()+` ORDER BY id LIMIT ?`, append(w.args, clampLimit(limit))...)
}

// DueOutbox lists queued items whose next try is due at now, oldest first.
func (db *DB) DueOutbox(ctx context.Context, now time.Time, limit int) ([]data.OutboxItem, error) {
	return db.queryOutbox(ctx, `WHERE state = 'queued' AND coalesce(next_try, 0) <= ? ORDER BY id LIMIT ?`,
		now.Unix(), clampLimit(limit))
}

// UpdateOutbox records the dispatcher's progress on an item: state,
// attempts, next try, last error, remote id and sent time.
func (db *DB) UpdateOutbox(ctx context.Context, it *data.OutboxItem) error {
	return db.updateOne(ctx, "update outbox", it.ID, `UPDATE outbox SET state = ?, attempts = ?, next_try = ?,
		last_error = ?, remote_id = ?, sent_at = ? WHERE id = ?`,
		string(it.State), it.Attempts, unixOrNull(it.NextTry), it.LastError, it.RemoteID, unixOrNull(it.SentAt), it.ID)
}

// OutboxCount counts items in a state, for the status bar.
func (db *DB) OutboxCount(ctx context.Context, state data.OutboxState) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE state = ?`, string(state)).Scan(&n); err != nil {
		return 0, fmt.Errorf("outbox count: %w", err)
	}
	return n, nil
}

// SaveCalendarItem inserts (ID 0, setting it.ID) or updates a planned item.
func (db *DB) SaveCalendarItem(ctx context.Context, it *data.CalendarItem) error {
	if it.PlannedAt.IsZero() {
		return errors.New("save calendar item: no planned time")
	}
	if it.Kind == "" {
		it.Kind = "post"
	}
	if it.Status == "" {
		it.Status = "idea"
	}
	args := []any{nullID(it.AccountID), it.Kind, it.Title, it.Text, it.District, it.PlannedAt.Unix(), it.Status,
		it.Approver, unixOrNull(it.PublishedAt), it.RemoteID}
	if it.ID == 0 {
		res, err := db.w.ExecContext(ctx, `INSERT INTO calendar_items(account_id, kind, title, text, district, planned_at,
			status, approver, published_at, remote_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return fmt.Errorf("save calendar item: %w", err)
		}
		it.ID, err = res.LastInsertId()
		return err
	}
	return db.updateOne(ctx, "save calendar item", it.ID, `UPDATE calendar_items SET account_id = ?, kind = ?, title = ?,
		text = ?, district = ?, planned_at = ?, status = ?, approver = ?, published_at = ?, remote_id = ? WHERE id = ?`,
		append(args, it.ID)...)
}

// DeleteCalendarItem removes a planned item.
func (db *DB) DeleteCalendarItem(ctx context.Context, id int64) error {
	return db.updateOne(ctx, "delete calendar item", id, `DELETE FROM calendar_items WHERE id = ?`, id)
}

// CalendarItems lists items planned in [from, to), in time order.
func (db *DB) CalendarItems(ctx context.Context, from, to time.Time) ([]data.CalendarItem, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, coalesce(account_id, 0), kind, title, text, district, planned_at,
		status, approver, published_at, remote_id FROM calendar_items
		WHERE planned_at >= ? AND planned_at < ? ORDER BY planned_at, id`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	defer rows.Close()
	var out []data.CalendarItem
	for rows.Next() {
		var it data.CalendarItem
		var planned int64
		var published sql.NullInt64
		if err := rows.Scan(&it.ID, &it.AccountID, &it.Kind, &it.Title, &it.Text, &it.District, &planned,
			&it.Status, &it.Approver, &published, &it.RemoteID); err != nil {
			return nil, err
		}
		it.PlannedAt = time.Unix(planned, 0).UTC()
		it.PublishedAt = fromUnix(published)
		out = append(out, it)
	}
	return out, rows.Err()
}

// SaveBroadcast inserts (ID 0, setting b.ID) or updates a broadcast.
func (db *DB) SaveBroadcast(ctx context.Context, b *data.Broadcast) error {
	if b.District == "" || b.PlannedAt.IsZero() {
		return errors.New("save broadcast: district and planned time are required")
	}
	if b.Status == "" {
		b.Status = "planned"
	}
	args := []any{b.District, b.PlannedAt.Unix(), b.Title, nullID(b.AnnouncementPostID), b.Status}
	if b.ID == 0 {
		res, err := db.w.ExecContext(ctx, `INSERT INTO broadcasts(district, planned_at, title, announcement_post_id, status)
			VALUES (?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return fmt.Errorf("save broadcast: %w", err)
		}
		b.ID, err = res.LastInsertId()
		return err
	}
	return db.updateOne(ctx, "save broadcast", b.ID, `UPDATE broadcasts SET district = ?, planned_at = ?, title = ?,
		announcement_post_id = ?, status = ? WHERE id = ?`, append(args, b.ID)...)
}

// Broadcasts lists broadcasts, latest planned first.
func (db *DB) Broadcasts(ctx context.Context) ([]data.Broadcast, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, district, planned_at, title, coalesce(announcement_post_id, 0), status
		FROM broadcasts ORDER BY planned_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("broadcasts: %w", err)
	}
	defer rows.Close()
	var out []data.Broadcast
	for rows.Next() {
		var b data.Broadcast
		var planned int64
		if err := rows.Scan(&b.ID, &b.District, &planned, &b.Title, &b.AnnouncementPostID, &b.Status); err != nil {
			return nil, err
		}
		b.PlannedAt = time.Unix(planned, 0).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// MarkNotified records, in one transaction, that the watcher notified about
// each mark's message at its threshold; first[i] is false when marks[i] was
// already recorded, so each fires once, or when its message is gone. A
// first check on a large store records thousands at once: one commit, not
// one fsync each.
func (db *DB) MarkNotified(ctx context.Context, marks []data.NotifyMark, at time.Time) (first []bool, err error) {
	first = make([]bool, len(marks))
	if len(marks) == 0 {
		return first, nil
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO notification_log(message_id, threshold, sent_at)
			SELECT id, ?, ? FROM messages WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, m := range marks {
			res, err := st.ExecContext(ctx, m.Threshold, at.Unix(), m.MessageID)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			first[i] = n == 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mark notified: %w", err)
	}
	return first, nil
}

// Setting returns a stored setting; data.ErrNotFound when it was never set.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("setting %q: %w", key, data.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("setting %q: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %q: %w", key, err)
	}
	return nil
}
