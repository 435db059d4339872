package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"otklik/data"
)

// DeadlineInput is what an open message's deadlines are computed from.
type DeadlineInput struct {
	ID        int64
	Platform  data.Platform
	Category  string
	CreatedAt time.Time
}

// RecomputeOpenDeadlines rewrites the due times of every open resident
// message (status new or in progress, not the office's own replies) from
// compute. It walks the messages by id, batch rows per write transaction, so
// a rule change over a large store never holds the writer for long and a
// cancelled ctx stops between batches (batches already written stay, which is
// safe: each is a consistent recomputation). It returns how many messages it
// updated.
func (db *DB) RecomputeOpenDeadlines(ctx context.Context, batch int, compute func(DeadlineInput) (firstResponse, answer time.Time)) (int, error) {
	if batch <= 0 {
		batch = 1000
	}
	var after int64
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n := 0
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			// Read inside the write transaction: a category changed between
			// the read and the write cannot be overwritten with stale dues.
			rows, err := tx.QueryContext(ctx, `SELECT id, platform, category, created_at FROM messages
				WHERE id > ? AND status IN ('new','in_progress') AND from_office = 0
				ORDER BY id LIMIT ?`, after, batch)
			if err != nil {
				return err
			}
			var in []DeadlineInput
			for rows.Next() {
				var d DeadlineInput
				var created int64
				if err := rows.Scan(&d.ID, &d.Platform, &d.Category, &created); err != nil {
					rows.Close()
					return err
				}
				d.CreatedAt = time.Unix(created, 0).UTC()
				in = append(in, d)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(in) == 0 {
				return nil
			}
			st, err := tx.PrepareContext(ctx, `UPDATE messages SET first_response_due = ?, answer_due = ? WHERE id = ?`)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, d := range in {
				first, answer := compute(d)
				if _, err := st.ExecContext(ctx, unixOrNull(first), unixOrNull(answer), d.ID); err != nil {
					return err
				}
			}
			n = len(in)
			after = in[len(in)-1].ID
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("recompute deadlines: %w", err)
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}
