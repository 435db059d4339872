package sqlite

// Queries of the broadcast-prep panel: a district's statistics aggregated in
// SQL, the few columns of its messages that grouping needs, and the
// shortlist with its follow-ups in broadcast_questions.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"otklik/data"
)

// DistrictStats is one district's residents' messages in a period, counted
// in SQL. Days are keyed by the day number (unix seconds plus the zone
// offset, divided by 86 400), so a day is a local calendar day.
type DistrictStats struct {
	Total, Open    int
	ByCategory     map[string]int
	PrevByCategory map[string]int // the previous period
	PrevTotal      int
	ByPlatform     map[string]int
	BySentiment    map[string]int
	Days           map[int64]int
}

// districtStatsSQL counts a district's residents' messages of a period. The
// day comes from sort_key (created_at<<idBits | id), not created_at, so the
// query reads the covering index only (migration 004).
var districtStatsSQL = `SELECT m.category, m.platform, m.sentiment, ((m.sort_key >> ` + strconv.Itoa(idBits) + `) + ?) / 86400,
		m.status IN ('new','in_progress'), count(*)
	FROM messages m INDEXED BY messages_district
	WHERE m.district = ? AND m.sort_key >= ? AND m.sort_key < ? AND m.from_office = 0
	GROUP BY 1, 2, 3, 4, 5`

// DistrictStats counts district's residents' messages created in [from, to)
// by category, platform, sentiment, day and openness, and by category in
// [prevFrom, from). utcOffset is the seconds east of UTC of the office's zone,
// for the day buckets. Both scans read only
// messages_district over the period.
func (db *DB) DistrictStats(ctx context.Context, district string, from, to, prevFrom time.Time, utcOffset int) (DistrictStats, error) {
	st := DistrictStats{ByCategory: map[string]int{}, PrevByCategory: map[string]int{}, ByPlatform: map[string]int{},
		BySentiment: map[string]int{}, Days: map[int64]int{}}
	if !from.Before(to) {
		return st, fmt.Errorf("district stats: empty period %s – %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	rows, err := db.r.QueryContext(ctx, districtStatsSQL,
		utcOffset, district, ftsKey(max(from.Unix(), 0), 0), ftsKey(max(to.Unix(), 0), 0))
	if err != nil {
		return st, fmt.Errorf("district stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cat, platform, sentiment string
		var day int64
		var open bool
		var n int
		if err := rows.Scan(&cat, &platform, &sentiment, &day, &open, &n); err != nil {
			return st, fmt.Errorf("district stats: %w", err)
		}
		st.Total += n
		if open {
			st.Open += n
		}
		st.ByCategory[cat] += n
		st.ByPlatform[platform] += n
		st.BySentiment[sentiment] += n
		st.Days[day] += n
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("district stats: %w", err)
	}
	if !prevFrom.IsZero() && prevFrom.Before(from) {
		prev, err := db.r.QueryContext(ctx, `SELECT m.category, count(*)
			FROM messages m INDEXED BY messages_district
			WHERE m.district = ? AND m.sort_key >= ? AND m.sort_key < ? AND m.from_office = 0 GROUP BY 1`,
			district, ftsKey(max(prevFrom.Unix(), 0), 0), ftsKey(max(from.Unix(), 0), 0))
		if err != nil {
			return st, fmt.Errorf("district stats: previous period: %w", err)
		}
		defer prev.Close()
		for prev.Next() {
			var cat string
			var n int
			if err := prev.Scan(&cat, &n); err != nil {
				return st, fmt.Errorf("district stats: previous period: %w", err)
			}
			st.PrevByCategory[cat] += n
			st.PrevTotal += n
		}
		if err := prev.Err(); err != nil {
			return st, fmt.Errorf("district stats: previous period: %w", err)
		}
	}
	return st, nil
}

// TextRow is the part of a resident's message that grouping and the
// panel's lists need; the rest of the row is never read.
type TextRow struct {
	ID       int64
	Platform data.Platform
	Text     string
	Category string
	Status   data.Status
	Author   string
	Created  time.Time
	Reply    bool // answers another comment rather than the post
}

func scanTextRows(rows *sql.Rows) ([]TextRow, error) {
	defer rows.Close()
	var out []TextRow
	for rows.Next() {
		var r TextRow
		var platform, status string
		var created int64
		if err := rows.Scan(&r.ID, &platform, &r.Text, &r.Category, &status, &r.Author, &created, &r.Reply); err != nil {
			return nil, err
		}
		r.Platform, r.Status = data.Platform(platform), data.Status(status)
		r.Created = time.Unix(created, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

const textCols = `m.id, m.platform, m.text, m.category, m.status, coalesce(a.name, ''), m.created_at, m.parent_external_id <> ''`

// DistrictTexts returns the texts of district's residents' messages created
// in [from, to), newest first, at most limit (0: no limit). Spam and
// deleted messages are left out: nobody will ask them on air.
func (db *DB) DistrictTexts(ctx context.Context, district string, from, to time.Time, limit int) ([]TextRow, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+textCols+`
		FROM messages m INDEXED BY messages_district LEFT JOIN authors a ON a.id = m.author_id
		WHERE m.district = ? AND m.sort_key >= ? AND m.sort_key < ? AND m.from_office = 0
			AND m.status <> 'spam' AND m.deleted = 0
		ORDER BY m.sort_key DESC LIMIT ?`,
		district, ftsKey(max(from.Unix(), 0), 0), ftsKey(max(to.Unix(), 0), 0), limit)
	if err != nil {
		return nil, fmt.Errorf("district texts: %w", err)
	}
	out, err := scanTextRows(rows)
	if err != nil {
		return nil, fmt.Errorf("district texts: %w", err)
	}
	return out, nil
}

// OverdueInDistrict returns district's open residents' messages whose
// first-response or answer deadline has passed at now, newest first, at most
// limit, with how many there are in all.
func (db *DB) OverdueInDistrict(ctx context.Context, district string, now time.Time, limit int) ([]data.Message, int, error) {
	n := now.Unix()
	cond := ` WHERE m.district = ? AND m.status IN ('new','in_progress') AND m.from_office = 0 AND ` + overdueSQL
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM messages m`+cond, district, n, n).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("overdue in district: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	ms, err := db.queryMessages(ctx, `SELECT `+msgCols+msgFrom+cond+` ORDER BY m.sort_key DESC LIMIT ?`,
		district, n, n, clampLimit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("overdue in district: %w", err)
	}
	return ms, total, nil
}

// PostComments returns residents' comments under the stored post postID
// (replies to comments included), oldest first, at most limit. They are
// found through the post's account from the post's time on, which the
// account index serves without a scan of the store.
func (db *DB) PostComments(ctx context.Context, postID int64, limit int) ([]TextRow, error) {
	var platform, ext string
	var account, created int64
	err := db.r.QueryRowContext(ctx, `SELECT platform, external_id, account_id, created_at FROM posts WHERE id = ?`, postID).
		Scan(&platform, &ext, &account, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("post %d: %w", postID, data.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("post comments: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+textCols+`
		FROM messages m INDEXED BY messages_account LEFT JOIN authors a ON a.id = m.author_id
		WHERE m.account_id = ? AND m.sort_key >= ? AND m.platform = ? AND m.post_external_id = ?
			AND m.from_office = 0 AND m.deleted = 0 AND m.status <> 'spam'
		ORDER BY m.sort_key LIMIT ?`, account, ftsKey(created, 0), platform, ext, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("post comments: %w", err)
	}
	out, err := scanTextRows(rows)
	if err != nil {
		return nil, fmt.Errorf("post comments: %w", err)
	}
	return out, nil
}

// PostIDByExternal finds a stored post by its network id on any platform;
// data.ErrNotFound when there is none. Producers that only know the network
// id (the demo's broadcasts) use it to link a post.
func (db *DB) PostIDByExternal(ctx context.Context, externalID string) (int64, error) {
	var id int64
	err := db.r.QueryRowContext(ctx, `SELECT id FROM posts WHERE platform IN ('vk','telegram','ok','pos') AND external_id = ?
		ORDER BY id LIMIT 1`, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("post %q: %w", externalID, data.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("post %q: %w", externalID, err)
	}
	return id, nil
}

// Broadcast returns one broadcast.
func (db *DB) Broadcast(ctx context.Context, id int64) (data.Broadcast, error) {
	var b data.Broadcast
	var planned int64
	err := db.r.QueryRowContext(ctx, `SELECT id, district, planned_at, title, coalesce(announcement_post_id, 0), status
		FROM broadcasts WHERE id = ?`, id).Scan(&b.ID, &b.District, &planned, &b.Title, &b.AnnouncementPostID, &b.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("broadcast %d: %w", id, data.ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("broadcast %d: %w", id, err)
	}
	b.PlannedAt = time.Unix(planned, 0).UTC()
	return b, nil
}

// BroadcastQuestion is one shortlisted question: a single message or a
// group of near-duplicates. Members are the messages behind it; they are
// kept as a JSON array in broadcast_questions.group_key, which identifies
// the group by its members, so follow-ups reach every one of them.
type BroadcastQuestion struct {
	ID            int64
	BroadcastID   int64
	MessageID     int64   // the representative message, 0 if none
	Members       []int64 // ascending, MessageID among them
	Text          string  // the wording shown on air
	Agency        string  // who is expected to answer
	Note          string
	Position      int
	AnsweredOnAir bool
	FollowUpOwner string
	FollowUpDue   time.Time

	Open int // members still open, computed on read
}

func membersJSON(q *BroadcastQuestion) (string, error) {
	ids := slices.Clone(q.Members)
	if q.MessageID != 0 && !slices.Contains(ids, q.MessageID) {
		ids = append(ids, q.MessageID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if id <= 0 {
			return "", fmt.Errorf("bad message id %d", id)
		}
	}
	q.Members = ids
	return idsJSON(ids), nil
}

const questionCols = `q.id, q.broadcast_id, coalesce(q.message_id, 0), q.group_key, q.text, q.agency, q.note, q.position,
	q.answered_on_air, q.followup_owner, q.followup_due,
	(SELECT count(*) FROM messages mm WHERE mm.id IN (SELECT value FROM json_each(CASE WHEN json_valid(q.group_key) THEN q.group_key ELSE '[]' END))
		AND mm.status IN ('new','in_progress'))`

func scanQuestion(r rowScanner) (BroadcastQuestion, error) {
	var q BroadcastQuestion
	var key string
	var due sql.NullInt64
	err := r.Scan(&q.ID, &q.BroadcastID, &q.MessageID, &key, &q.Text, &q.Agency, &q.Note, &q.Position,
		&q.AnsweredOnAir, &q.FollowUpOwner, &due, &q.Open)
	if err != nil {
		return q, err
	}
	q.FollowUpDue = fromUnix(due)
	if key != "" && json.Valid([]byte(key)) {
		if err := json.Unmarshal([]byte(key), &q.Members); err != nil {
			return q, fmt.Errorf("broadcast question %d members: %w", q.ID, err)
		}
	}
	return q, nil
}

// BroadcastQuestions lists a broadcast's shortlist in its order.
func (db *DB) BroadcastQuestions(ctx context.Context, broadcastID int64) ([]BroadcastQuestion, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+questionCols+` FROM broadcast_questions q
		WHERE q.broadcast_id = ? ORDER BY q.position, q.id`, broadcastID)
	if err != nil {
		return nil, fmt.Errorf("broadcast questions: %w", err)
	}
	defer rows.Close()
	var out []BroadcastQuestion
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, fmt.Errorf("broadcast questions: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// AddBroadcastQuestion appends q to its broadcast's shortlist, setting q.ID
// and q.Position. A question whose representative message is already on
// the shortlist is not added twice: q gets the existing row's ID.
func (db *DB) AddBroadcastQuestion(ctx context.Context, q *BroadcastQuestion) error {
	if strings.TrimSpace(q.Text) == "" {
		return errors.New("add broadcast question: no text")
	}
	key, err := membersJSON(q)
	if err != nil {
		return fmt.Errorf("add broadcast question: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if q.MessageID != 0 {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id, position FROM broadcast_questions WHERE broadcast_id = ? AND message_id = ?`,
				q.BroadcastID, q.MessageID).Scan(&id, &q.Position)
			if err == nil {
				q.ID = id
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM broadcast_questions WHERE broadcast_id = ?`,
			q.BroadcastID).Scan(&q.Position); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO broadcast_questions(broadcast_id, message_id, group_key, text, agency, note,
				position, answered_on_air, followup_owner, followup_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			q.BroadcastID, nullID(q.MessageID), key, q.Text, q.Agency, q.Note, q.Position, boolInt(q.AnsweredOnAir),
			q.FollowUpOwner, unixOrNull(q.FollowUpDue)).Scan(&q.ID)
	})
	if isFK(err) {
		return fmt.Errorf("add broadcast question: broadcast %d or message %d: %w", q.BroadcastID, q.MessageID, data.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("add broadcast question: %w", err)
	}
	return nil
}

// UpdateBroadcastQuestion saves a question's wording, agency, note, the
// answered-on-air mark and the follow-up owner and due time. Its place in
// the order and its members do not change here.
func (db *DB) UpdateBroadcastQuestion(ctx context.Context, q BroadcastQuestion) error {
	if strings.TrimSpace(q.Text) == "" {
		return errors.New("update broadcast question: no text")
	}
	return db.updateOne(ctx, "update broadcast question", q.ID, `UPDATE broadcast_questions SET text = ?, agency = ?, note = ?,
		answered_on_air = ?, followup_owner = ?, followup_due = ? WHERE id = ?`,
		q.Text, strings.TrimSpace(q.Agency), q.Note, boolInt(q.AnsweredOnAir), strings.TrimSpace(q.FollowUpOwner),
		unixOrNull(q.FollowUpDue), q.ID)
}

// DeleteBroadcastQuestion removes a question from the shortlist.
func (db *DB) DeleteBroadcastQuestion(ctx context.Context, id int64) error {
	return db.updateOne(ctx, "delete broadcast question", id, `DELETE FROM broadcast_questions WHERE id = ?`, id)
}

// MoveBroadcastQuestion moves a question delta places up (negative) or
// down the shortlist, clamped to its ends, and renumbers the list 1…n.
func (db *DB) MoveBroadcastQuestion(ctx context.Context, id int64, delta int) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var bid int64
		err := tx.QueryRowContext(ctx, `SELECT broadcast_id FROM broadcast_questions WHERE id = ?`, id).Scan(&bid)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("question %d: %w", id, data.ErrNotFound)
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM broadcast_questions WHERE broadcast_id = ? ORDER BY position, id`, bid)
		if err != nil {
			return err
		}
		var order []int64
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				rows.Close()
				return err
			}
			order = append(order, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		i := slices.Index(order, id)
		j := min(max(i+delta, 0), len(order)-1)
		order = slices.Delete(order, i, i+1)
		order = slices.Insert(order, j, id)
		for pos, x := range order {
			if _, err := tx.ExecContext(ctx, `UPDATE broadcast_questions SET position = ? WHERE id = ?`, pos+1, x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("move broadcast question: %w", err)
	}
	return nil
}

// SetFollowUp turns a question not answered on air into a follow-up: the
// question records owner and due, and every member message gets the tag,
// the owner as assignee, due as its answer deadline and, unless it is spam,
// the status «в работе», so the inbox's tag filter and deadline views show
// it. One transaction: either all of it is recorded or nothing.
func (db *DB) SetFollowUp(ctx context.Context, questionID int64, tag, owner string, due, now time.Time) error {
	tag, err := cleanTag(tag)
	if err != nil {
		return fmt.Errorf("set follow-up: %w", err)
	}
	owner = strings.TrimSpace(owner)
	if owner == "" || due.IsZero() {
		return errors.New("set follow-up: an owner and a deadline are required")
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var key string
		err := tx.QueryRowContext(ctx, `UPDATE broadcast_questions SET answered_on_air = 0, followup_owner = ?, followup_due = ?
			WHERE id = ? RETURNING group_key`, owner, due.Unix(), questionID).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("question %d: %w", questionID, data.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if !json.Valid([]byte(key)) {
			key = "[]"
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO message_tags(message_id, tag)
			SELECT id, ? FROM messages WHERE `+idsIn, tag, key); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET assignee = ?, answer_due = ?, updated_at = ?,
			status = CASE WHEN status = 'spam' THEN status ELSE 'in_progress' END WHERE `+idsIn,
			owner, due.Unix(), now.Unix(), key)
		return err
	})
	if err != nil {
		return fmt.Errorf("set follow-up: %w", err)
	}
	return nil
}

// FollowUp is a question left unanswered on air that is still open.
type FollowUp struct {
	BroadcastQuestion
	BroadcastAt time.Time
}

// FollowUps lists the follow-ups of district's broadcasts that still have
// open member messages, the earliest deadline first.
func (db *DB) FollowUps(ctx context.Context, district string) ([]FollowUp, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+questionCols+`, b.planned_at
		FROM broadcast_questions q JOIN broadcasts b ON b.id = q.broadcast_id
		WHERE b.district = ? AND q.answered_on_air = 0 AND q.followup_owner <> ''
		ORDER BY q.followup_due, q.id`, district)
	if err != nil {
		return nil, fmt.Errorf("follow-ups: %w", err)
	}
	defer rows.Close()
	var out []FollowUp
	for rows.Next() {
		var f FollowUp
		var key string
		var due sql.NullInt64
		var at int64
		q := &f.BroadcastQuestion
		if err := rows.Scan(&q.ID, &q.BroadcastID, &q.MessageID, &key, &q.Text, &q.Agency, &q.Note, &q.Position,
			&q.AnsweredOnAir, &q.FollowUpOwner, &due, &q.Open, &at); err != nil {
			return nil, fmt.Errorf("follow-ups: %w", err)
		}
		if q.Open == 0 {
			continue
		}
		q.FollowUpDue = fromUnix(due)
		if json.Valid([]byte(key)) {
			if err := json.Unmarshal([]byte(key), &q.Members); err != nil {
				return nil, fmt.Errorf("follow-ups: %w", err)
			}
		}
		f.BroadcastAt = time.Unix(at, 0).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
