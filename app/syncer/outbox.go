package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

// Payload is the JSON an outbox item carries. A reply names the comment
// it answers by its network ids; when they are missing the dispatcher
// reads them from the stored message (OutboxItem.MessageID).
type Payload struct {
	Text    string   `json:"text"`
	ReplyTo string   `json:"reply_to,omitempty"` // the comment's external id; "" answers the post
	Post    string   `json:"post,omitempty"`     // the post's external id
	Media   []string `json:"attachments,omitempty"`
}

// Unverifiable is the last error of an item that may or may not have
// reached a network that cannot tell: a person must look before resending.
const Unverifiable = "unverifiable: the network cannot confirm whether this was sent; check the chat before resending"

// outboxLoop first reconciles what a previous run left in 'sending', then
// sends due items one at a time, oldest first.
func (w *worker) outboxLoop() {
	bo := w.e.newBackoff()
	for w.ctx.Err() == nil {
		now := w.e.opts.Now()
		stuck, err := w.e.opts.Store.SendingOutbox(w.ctx, w.acc.ID, now)
		if err != nil {
			if w.storeFailed(err, bo) {
				return
			}
			continue
		}
		for _, it := range stuck {
			if !w.reconcile(it) {
				break // the network is not answering; try again later
			}
		}
		sent := 0
		for w.ctx.Err() == nil {
			items, err := w.e.opts.Store.ClaimOutbox(w.ctx, w.acc.ID, w.e.opts.Now(), 1)
			if err != nil {
				if w.storeFailed(err, bo) {
					return
				}
				break
			}
			if len(items) == 0 {
				break
			}
			if !w.send(items[0]) {
				break
			}
			sent++
		}
		if sent > 0 {
			continue // look again at once: more may have been queued meanwhile
		}
		select {
		case <-w.ctx.Done():
			return
		case <-w.kick:
		case <-w.e.nudged():
		case <-time.After(w.e.opts.OutboxPoll):
		}
	}
}

// target builds the connector's request from the item.
func (w *worker) target(it data.OutboxItem) (connector.Reply, error) {
	var p Payload
	if err := json.Unmarshal([]byte(it.Payload), &p); err != nil {
		return connector.Reply{}, fmt.Errorf("unreadable payload: %w", err)
	}
	r := connector.Reply{IdempotencyKey: it.IdempotencyKey, Text: p.Text, MessageExternalID: p.ReplyTo, PostExternalID: p.Post}
	if it.Kind == "reply" && r.MessageExternalID == "" && r.PostExternalID == "" && it.MessageID != 0 {
		m, err := w.e.opts.Store.Message(w.ctx, it.MessageID)
		if err != nil {
			return r, fmt.Errorf("the message replied to: %w", err)
		}
		r.MessageExternalID, r.PostExternalID = m.ExternalID, m.PostExternalID
	}
	if strings.TrimSpace(r.Text) == "" && (it.Kind == "reply" || len(p.Media) == 0) {
		return r, errors.New("empty text")
	}
	return r, nil
}

func (w *worker) media(it data.OutboxItem) []string {
	var p Payload
	_ = json.Unmarshal([]byte(it.Payload), &p)
	return p.Media
}

// deliver makes the request for the item.
func (w *worker) deliver(it data.OutboxItem, r connector.Reply) (string, error) {
	var remote string
	err := w.call(func(ctx context.Context) (err error) {
		switch it.Kind {
		case "reply":
			rp, ok := w.conn.(connector.Replier)
			if !ok {
				return &connector.Error{Kind: connector.Permanent, Platform: w.acc.Platform, Msg: "this network does not take replies"}
			}
			remote, err = rp.Reply(ctx, r)
		case "post":
			pb, ok := w.conn.(connector.Publisher)
			if !ok {
				return &connector.Error{Kind: connector.Permanent, Platform: w.acc.Platform, Msg: "this network does not take posts"}
			}
			remote, err = pb.Publish(ctx, connector.Publication{IdempotencyKey: r.IdempotencyKey, Text: r.Text, Media: w.media(it)})
		default:
			return &connector.Error{Kind: connector.Permanent, Msg: "unknown outbox kind " + it.Kind}
		}
		return err
	})
	return remote, err
}

// send delivers a claimed item and records the outcome. It returns false
// when the dispatcher should pause (the network is unreachable, asked to
// wait, or the engine is stopping).
func (w *worker) send(it data.OutboxItem) bool {
	st := w.e.opts.Store
	r, err := w.target(it)
	if err != nil {
		w.record(st.FailOutbox(w.ctx, it.ID, err.Error()))
		return true
	}
	remote, err := w.deliver(it, r)
	now := w.e.opts.Now()
	switch kind := connector.Classify(err); {
	case err == nil:
		w.sent(it, r, remote)
		return true
	case errors.As(err, new(notSent)):
		// Nothing left this machine: back to the queue as it was.
		w.record(st.RequeueOutbox(context.WithoutCancel(w.ctx), it.ID, time.Time{}, it.LastError, false))
		return false
	case w.ctx.Err() != nil:
		// Stopping mid-send: the request may have left. The row stays
		// 'sending' and is reconciled at the next start.
		return false
	case connector.IsAmbiguous(err):
		if w.e.opts.Idempotent(w.acc.Platform) {
			// The same key makes a resend land once.
			w.record(st.RequeueOutbox(w.ctx, it.ID, now.Add(w.e.retryDelay(it.Attempts)), err.Error(), true))
		} else {
			// Read back before anything is resent.
			w.record(st.HoldOutbox(w.ctx, it.ID, now.Add(w.e.retryDelay(it.Attempts)), err.Error()))
		}
		return false
	case kind == connector.RateLimited:
		d := connector.RetryAfter(err)
		if d <= 0 {
			d = w.e.opts.RateWait
		}
		w.record(st.RequeueOutbox(w.ctx, it.ID, now.Add(d), err.Error(), false))
		return false
	case kind == connector.Transient:
		w.record(st.RequeueOutbox(w.ctx, it.ID, now.Add(w.e.retryDelay(it.Attempts)), err.Error(), true))
		return false
	case kind == connector.AuthFailed:
		w.record(st.RequeueOutbox(context.WithoutCancel(w.ctx), it.ID, time.Time{}, err.Error(), false))
		w.halt(PhaseNeedsToken, err)
		return false
	default: // UserVisible, Permanent: the network refused this item
		w.record(st.FailOutbox(w.ctx, it.ID, err.Error()))
		return true
	}
}

// reconcile settles an item left in 'sending'. It returns false when the
// network could not be asked, so the rest waits.
func (w *worker) reconcile(it data.OutboxItem) bool {
	st := w.e.opts.Store
	now := w.e.opts.Now()
	if w.e.opts.Idempotent(w.acc.Platform) {
		w.record(st.RequeueOutbox(w.ctx, it.ID, now, it.LastError, true))
		return true
	}
	r, err := w.target(it)
	if err != nil {
		w.record(st.FailOutbox(w.ctx, it.ID, err.Error()))
		return true
	}
	rec, ok := w.conn.(connector.Reconciler)
	if !ok || it.Kind != "reply" {
		w.record(st.FailOutbox(w.ctx, it.ID, Unverifiable))
		return true
	}
	var remote string
	var found bool
	err = w.call(func(ctx context.Context) (err error) { remote, found, err = rec.FindSent(ctx, r); return err })
	switch kind := connector.Classify(err); {
	case err == nil && found:
		w.sent(it, r, remote)
		return true
	case err == nil:
		// Not there: it never landed, send it again.
		w.record(st.RequeueOutbox(w.ctx, it.ID, now, it.LastError, true))
		return true
	case w.ctx.Err() != nil:
		return false
	case errors.Is(err, connector.ErrUnverifiable) || kind == connector.UserVisible || kind == connector.Permanent:
		w.record(st.FailOutbox(w.ctx, it.ID, Unverifiable))
		return true
	case kind == connector.AuthFailed:
		w.halt(PhaseNeedsToken, err)
		return false
	default: // Transient, RateLimited: ask again later
		w.record(st.HoldOutbox(w.ctx, it.ID, now.Add(w.e.retryDelay(it.Attempts)), err.Error()))
		return false
	}
}

// sent records a delivered item and stores the office's reply in the
// thread (networks that do not echo our own messages, like Telegram,
// would otherwise never show it), both in one transaction.
func (w *worker) sent(it data.OutboxItem, r connector.Reply, remote string) {
	now := w.e.opts.Now()
	// Recorded even while stopping: the network has it, and losing that
	// fact would send it again.
	ctx := context.WithoutCancel(w.ctx)
	var reply *data.Message
	if it.Kind == "reply" && remote != "" {
		reply = &data.Message{Platform: w.acc.Platform, ExternalID: remote, AccountID: w.acc.ID,
			PostExternalID: r.PostExternalID, ParentExternalID: r.MessageExternalID,
			AuthorName: w.acc.Name, Text: r.Text, CreatedAt: now, FromOffice: true}
	}
	if err := w.e.opts.Store.MarkOutboxSent(ctx, it.ID, remote, now, reply); err != nil {
		w.record(err)
		return
	}
	w.update(func(s *Status) { s.Sent++ })
}

// record logs a failed outbox transition. The row keeps its state, which
// the next pass handles: a 'sending' row is reconciled, never resent blindly.
func (w *worker) record(err error) {
	if err != nil && w.ctx.Err() == nil {
		w.e.log.Error("sync: outbox", "account", w.acc.ID, "err", err)
		w.update(func(s *Status) { s.LastError, s.ErrorAt = "local store: "+err.Error(), w.e.opts.Now() })
	}
}
