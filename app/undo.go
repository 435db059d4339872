package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"otklik/data/sqlite"
)

// Actions that can be undone, as LastAction names them.
const (
	ActionStatus    = "status"
	ActionAssign    = "assign"
	ActionDistrict  = "district"
	ActionCategory  = "category"
	ActionTag       = "tag"
	ActionUntag     = "untag"
	ActionReply     = "reply"
	ActionPortalAns = "portal_answer"
)

// ErrNothingToUndo is returned by Undo when no action is remembered.
var ErrNothingToUndo = errors.New("nothing to undo")

// UndoInfo describes the last action the operator can undo.
type UndoInfo struct {
	Action string // one of the Action constants
	Count  int    // messages it changed
	At     time.Time
}

// undoEntry keeps the office's state of the messages an action changed,
// read just before the change, and the outbox item a reply queued.
type undoEntry struct {
	info   UndoInfo
	before []sqlite.MessageState
	outbox int64
}

// remember snapshots ids before an action; the snapshot becomes the undo
// entry only if the action succeeds (commit).
func (a *App) remember(ctx context.Context, action string, ids []int64) (commit func(outbox int64), err error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	before, err := db.MessageStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	return func(outbox int64) {
		a.undoMu.Lock()
		a.undo = &undoEntry{info: UndoInfo{Action: action, Count: len(before), At: a.now()}, before: before, outbox: outbox}
		a.undoMu.Unlock()
	}, nil
}

// recorded runs a change on ids that Undo can reverse, and tells the views.
func (a *App) recorded(ctx context.Context, action string, ids []int64, fn func(ctx context.Context, db *sqlite.DB) error) error {
	if len(ids) == 0 {
		return errors.New("no messages selected")
	}
	commit, err := a.remember(ctx, action, ids)
	if err != nil {
		return err
	}
	return a.change(ctx, func(ctx context.Context) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		if err := fn(ctx, db); err != nil {
			return err
		}
		commit(0)
		return nil
	})
}

// LastAction reports the action Undo would reverse.
func (a *App) LastAction() (UndoInfo, bool) {
	a.undoMu.Lock()
	defer a.undoMu.Unlock()
	if a.undo == nil {
		return UndoInfo{}, false
	}
	return a.undo.info, true
}

// Undo puts back what the last action changed: statuses, assignees,
// districts and categories with their manual flags and remembered author
// corrections, deadlines and tags. An undone reply leaves the queue when it
// has not been sent yet; once sent it cannot be taken back, and Undo says
// so without changing anything.
func (a *App) Undo(ctx context.Context) (UndoInfo, error) {
	a.undoMu.Lock()
	e := a.undo
	a.undoMu.Unlock()
	if e == nil {
		return UndoInfo{}, ErrNothingToUndo
	}
	err := a.change(ctx, func(ctx context.Context) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		if e.outbox != 0 {
			if err := db.CancelOutbox(ctx, e.outbox); err != nil {
				if errors.Is(err, sqlite.ErrNotQueued) {
					return fmt.Errorf("the reply has already gone to the network and cannot be recalled")
				}
				return err
			}
		}
		return db.RestoreStates(ctx, e.before, a.now())
	})
	if err != nil {
		return UndoInfo{}, err
	}
	a.undoMu.Lock()
	if a.undo == e {
		a.undo = nil
	}
	a.undoMu.Unlock()
	return e.info, nil
}

// AddTag tags messages; a tag is a short word or phrase without commas.
func (a *App) AddTag(ctx context.Context, ids []int64, tag string) error {
	tag = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
	return a.recorded(ctx, ActionTag, ids, func(ctx context.Context, db *sqlite.DB) error { return db.AddTag(ctx, ids, tag) })
}

// RemoveTag removes a tag from messages.
func (a *App) RemoveTag(ctx context.Context, ids []int64, tag string) error {
	tag = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
	return a.recorded(ctx, ActionUntag, ids, func(ctx context.Context, db *sqlite.DB) error { return db.RemoveTag(ctx, ids, tag) })
}

// Tags lists the tags in use with how many messages carry each.
func (a *App) Tags(ctx context.Context) (map[string]int, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return db.Tags(ctx)
}
