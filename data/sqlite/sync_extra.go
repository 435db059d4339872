package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"otklik/data"
)

// The outbox dispatcher's state transitions. Each one is a single
// conditional UPDATE, so a transition applies only from the state the
// dispatcher believes the row is in; a row that moved meanwhile (the user
// cancelled it, another transition won) is reported with ErrNotSending and
// left alone.
//
//	queued  --ClaimOutbox-->  sending  --MarkOutboxSent-->  sent
//	                          sending  --RequeueOutbox-->   queued (definitely not sent)
//	                          sending  --FailOutbox-->      failed (permanent, shown to the user)
//	                          sending  --HoldOutbox-->      sending (may have landed: read back first)
//	failed  --RetryFailedOutbox-->  queued

// ErrNotSending is returned when an outbox item is no longer in 'sending'.
var ErrNotSending = errors.New("the outbox item is not being sent")

// ClaimOutbox moves up to limit of the account's due queued items to
// 'sending', counting an attempt on each, and returns them oldest first.
// A row in 'sending' means "may have reached the network": after a crash
// it is read back (see SendingOutbox), never blindly resent.
func (db *DB) ClaimOutbox(ctx context.Context, accountID int64, now time.Time, limit int) ([]data.OutboxItem, error) {
	var ids []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET state = 'sending', attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE account_id = ? AND state = 'queued' AND coalesce(next_try, 0) <= ?
				ORDER BY id LIMIT ?)
			RETURNING id`, accountID, now.Unix(), clampLimit(limit))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return db.queryOutbox(ctx, `WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`, idsJSON(ids))
}

// SendingOutbox lists the account's items left in 'sending' whose next try
// is due: sends interrupted by a crash or answered ambiguously, which the
// dispatcher reconciles before anything is resent.
func (db *DB) SendingOutbox(ctx context.Context, accountID int64, now time.Time) ([]data.OutboxItem, error) {
	return db.queryOutbox(ctx, `WHERE account_id = ? AND state = 'sending' AND coalesce(next_try, 0) <= ? ORDER BY id`,
		accountID, now.Unix())
}

func (db *DB) transition(ctx context.Context, what string, id int64, q string, args ...any) error {
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	} else if n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, ErrNotSending)
	}
	return nil
}

// MarkOutboxSent records a delivered item with the network's id. A post
// planned in the calendar becomes published with the same id, and reply,
// when given, the office's comment as it now stands in the thread, is
// stored, all in the same transaction: a network that does not echo our
// own messages (Telegram) would otherwise never show a reply whose process
// died between the two.
func (db *DB) MarkOutboxSent(ctx context.Context, id int64, remoteID string, at time.Time, reply *Batch) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if reply != nil {
			if _, err := ingestTx(ctx, tx, *reply); err != nil {
				return fmt.Errorf("mark sent %d: the reply in its thread: %w", id, err)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent', remote_id = ?, sent_at = ?, next_try = NULL, last_error = ''
			WHERE id = ? AND state = 'sending'`, remoteID, at.Unix(), id)
		if err != nil {
			return fmt.Errorf("mark sent %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("mark sent %d: %w", id, ErrNotSending)
		}
		_, err = tx.ExecContext(ctx, `UPDATE calendar_items SET status = 'published', published_at = ?, remote_id = ?
			WHERE id = (SELECT calendar_item_id FROM outbox WHERE id = ? AND kind = 'post')`, at.Unix(), remoteID, id)
		if err != nil {
			return fmt.Errorf("mark sent %d: calendar: %w", id, err)
		}
		return nil
	})
}

// RequeueOutbox puts an item that certainly did not reach the network back
// in the queue for next. counted=false (the network asked to wait: VK
// error 6, Telegram 429) takes back the attempt ClaimOutbox counted.
func (db *DB) RequeueOutbox(ctx context.Context, id int64, next time.Time, lastErr string, counted bool) error {
	return db.transition(ctx, "requeue outbox", id, `UPDATE outbox SET state = 'queued', next_try = ?, last_error = ?,
			attempts = CASE WHEN ? THEN attempts ELSE max(attempts - 1, 0) END
		WHERE id = ? AND state = 'sending'`, unixOrNull(next), lastErr, counted, id)
}

// HoldOutbox keeps an item in 'sending' after an ambiguous failure, to be
// read back at next before any resend.
func (db *DB) HoldOutbox(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return db.transition(ctx, "hold outbox", id, `UPDATE outbox SET next_try = ?, last_error = ?
		WHERE id = ? AND state = 'sending'`, unixOrNull(next), lastErr, id)
}

// FailOutbox marks an item failed for good; the user sees lastErr and may
// retry it (RetryOutbox, RetryFailedOutbox).
func (db *DB) FailOutbox(ctx context.Context, id int64, lastErr string) error {
	return db.transition(ctx, "fail outbox", id, `UPDATE outbox SET state = 'failed', next_try = NULL, last_error = ?
		WHERE id = ? AND state = 'sending'`, lastErr, id)
}

// RetryFailedOutbox puts every failed item of the account (of all accounts
// when accountID is 0) back in the queue to be tried at once, and returns
// how many.
func (db *DB) RetryFailedOutbox(ctx context.Context, accountID int64) (int, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE outbox SET state = 'queued', next_try = NULL, last_error = ''
		WHERE state = 'failed' AND (? = 0 OR account_id = ?)`, accountID, accountID)
	if err != nil {
		return 0, fmt.Errorf("retry failed outbox: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ExpediteOutbox makes the account's waiting queued items (all accounts'
// when accountID is 0) due now: «Синхронизировать сейчас» should not wait
// out a backoff. It returns how many items it moved.
func (db *DB) ExpediteOutbox(ctx context.Context, accountID int64, now time.Time) (int, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE outbox SET next_try = NULL
		WHERE state = 'queued' AND next_try > ? AND (? = 0 OR account_id = ?)`, now.Unix(), accountID, accountID)
	if err != nil {
		return 0, fmt.Errorf("expedite outbox: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// OutboxCounts is an account's outbox by state, for Настройки → Аккаунты.
type OutboxCounts struct {
	Queued, Sending, Sent, Failed int
	LastError                     string // of the newest unsent item with one
}

// OutboxByAccount counts every account's outbox items by state.
func (db *DB) OutboxByAccount(ctx context.Context) (map[int64]OutboxCounts, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT account_id, state, count(*),
			coalesce((SELECT last_error FROM outbox o2 WHERE o2.account_id = outbox.account_id AND o2.state IN ('queued','sending','failed')
				AND o2.last_error != '' ORDER BY o2.id DESC LIMIT 1), '')
		FROM outbox GROUP BY account_id, state`)
	if err != nil {
		return nil, fmt.Errorf("outbox by account: %w", err)
	}
	defer rows.Close()
	out := map[int64]OutboxCounts{}
	for rows.Next() {
		var acc int64
		var state, lastErr string
		var n int
		if err := rows.Scan(&acc, &state, &n, &lastErr); err != nil {
			return nil, err
		}
		c := out[acc]
		switch data.OutboxState(state) {
		case data.OutboxQueued:
			c.Queued = n
		case data.OutboxSending:
			c.Sending = n
		case data.OutboxSent:
			c.Sent = n
		case data.OutboxFailed:
			c.Failed = n
		}
		c.LastError = lastErr
		out[acc] = c
	}
	return out, rows.Err()
}

// AddQuarantine keeps a remote item that could not be parsed, with why. The
// same payload and reason for the same account is kept once, so re-reading
// a page after a crash does not pile up copies. It reports whether a row
// was added.
func (db *DB) AddQuarantine(ctx context.Context, accountID int64, payload []byte, reason string, at time.Time) (bool, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO quarantine(account_id, payload, reason, created_at)
		SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM quarantine WHERE account_id IS ?1 AND payload = ?2 AND reason = ?3)`,
		nullID(accountID), string(payload), reason, at.Unix())
	if err != nil {
		return false, fmt.Errorf("quarantine: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// QuarantineCounts counts kept-aside items per account.
func (db *DB) QuarantineCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT coalesce(account_id, 0), count(*) FROM quarantine GROUP BY 1`)
	if err != nil {
		return nil, fmt.Errorf("quarantine counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var acc int64
		var n int
		if err := rows.Scan(&acc, &n); err != nil {
			return nil, err
		}
		out[acc] = n
	}
	return out, rows.Err()
}
