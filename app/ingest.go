package app

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"otklik/app/sla"
	"otklik/app/textru"
	"otklik/data"
	"otklik/data/sqlite"
)

// IngestStats counts what an ingest run stored.
type IngestStats struct {
	Inserted, Updated int
}

// Ingester feeds batches into the store. Tagging and stemming cost far more
// CPU than the write, so each batch is prepared on every core while the
// previous one is being written by a single writer goroutine; the store's
// transaction per batch keeps the UI's own writes from waiting long.
type Ingester struct {
	a      *App
	ctx    context.Context
	cancel context.CancelFunc
	work   chan sqlite.Batch
	done   chan struct{}

	mu    sync.Mutex
	err   error
	stats IngestStats

	bulk   bool // the writer's cache is raised; only the writer goroutine touches these
	bulkDB *sqlite.DB
}

// NewIngester starts the writer. Call Close to flush and stop it.
func (a *App) NewIngester(ctx context.Context) *Ingester {
	ctx, cancel := context.WithCancel(ctx)
	in := &Ingester{a: a, ctx: ctx, cancel: cancel, work: make(chan sqlite.Batch, queueDepth), done: make(chan struct{})}
	go in.write()
	return in
}

// queueDepth batches may wait for the writer, and the writer stores what
// is waiting (up to groupRows messages) in one transaction. On a large store
// each transaction rewrites the index pages it touched, so when writing is
// the bottleneck, fewer and larger transactions do the same work with less
// I/O; when it is not, batches go out one by one as before.
const (
	queueDepth = 4
	groupRows  = 20_000
	// bulkRows messages in one transaction make it a bulk ingest (an
	// import, the demo), which gets the large writer cache until Close.
	bulkRows = 2000
)

func (in *Ingester) write() {
	defer close(in.done)
	var held *sqlite.Batch
	for {
		var b sqlite.Batch
		if held != nil {
			b, held = *held, nil
		} else {
			var ok bool
			if b, ok = <-in.work; !ok {
				return
			}
		}
		if in.failed() {
			continue // drain so Add never blocks after a failure
		}
		held = in.group(&b)
		db, err := in.a.store()
		if err == nil && !in.bulk && len(b.Messages) >= bulkRows {
			if err = db.Bulk(in.ctx, true); err == nil {
				in.bulk, in.bulkDB = true, db
			}
		}
		if err == nil {
			var r sqlite.IngestResult
			r, err = db.Ingest(in.ctx, b)
			in.mu.Lock()
			in.stats.Inserted += r.Inserted
			in.stats.Updated += r.Updated
			in.mu.Unlock()
		}
		if err != nil {
			in.fail(err)
			in.cancel()
		}
	}
}

// group appends the batches already waiting to b while they can share its
// transaction: the same account and no cursor, whose position must follow
// exactly the rows of its own page. It returns a batch it took but could not
// add, to be written next.
func (in *Ingester) group(b *sqlite.Batch) *sqlite.Batch {
	if b.CursorKey != "" {
		return nil
	}
	for len(b.Messages) < groupRows {
		select {
		case nb, ok := <-in.work:
			if !ok {
				return nil
			}
			if nb.CursorKey != "" || nb.AccountID != b.AccountID {
				return &nb
			}
			b.Posts = append(b.Posts, nb.Posts...)
			b.Messages = append(b.Messages, nb.Messages...)
		default:
			return nil
		}
	}
	return nil
}

func (in *Ingester) fail(err error) {
	in.mu.Lock()
	if in.err == nil {
		in.err = err
	}
	in.mu.Unlock()
}

func (in *Ingester) failed() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err != nil
}

// Add prepares one batch (tags, stems, deadlines) and queues it for writing.
// Posts must come before, or with, the comments that reference them. With
// accountID 0 the records may belong to several accounts (an import, the
// demo), each naming its own; a cursor needs its account.
func (in *Ingester) Add(accountID int64, posts []data.Post, msgs []data.Message, cursorKey, cursorValue string) error {
	if err := in.firstErr(); err != nil {
		return err
	}
	prepared := in.a.prepare(msgs)
	return in.queue(sqlite.Batch{AccountID: accountID, Posts: posts, Messages: prepared, CursorKey: cursorKey, CursorValue: cursorValue})
}

func (in *Ingester) queue(b sqlite.Batch) error {
	select {
	case in.work <- b:
		return nil
	case <-in.ctx.Done():
		if err := in.firstErr(); err != nil {
			return err
		}
		return in.ctx.Err()
	}
}

func (in *Ingester) firstErr() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// Close waits for queued batches to be written and reports the totals.
func (in *Ingester) Close() (IngestStats, error) {
	close(in.work)
	<-in.done
	if in.bulk {
		// Only memory is at stake: a failure (the store closed meanwhile)
		// is noted, never the ingest's result.
		if err := in.bulkDB.Bulk(context.WithoutCancel(in.ctx), false); err != nil {
			in.a.log.Warn("giving back the writer's bulk cache", "err", err)
		}
	}
	in.cancel()
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.err == nil && in.stats.Inserted+in.stats.Updated > 0 {
		in.a.publish(Event{Kind: EventMessages})
	}
	err := in.err
	if errors.Is(err, context.Canceled) && in.ctx.Err() != nil {
		err = context.Canceled
	}
	return in.stats, err
}

// Ingest stores one batch synchronously: the path for small inputs (a page
// from a connector, a test).
func (a *App) Ingest(ctx context.Context, accountID int64, posts []data.Post, msgs []data.Message) (IngestStats, error) {
	in := a.NewIngester(ctx)
	if err := in.Add(accountID, posts, msgs, "", ""); err != nil {
		in.Close()
		return IngestStats{}, err
	}
	return in.Close()
}

// prepare tags, stems and sets deadlines on every core. Fields that came
// with the message (an import of our own export, a user's correction) win
// over the tagger.
func (a *App) prepare(msgs []data.Message) []sqlite.IngestMessage {
	out := make([]sqlite.IngestMessage, len(msgs))
	workers := runtime.GOMAXPROCS(0)
	if len(msgs) < 64 {
		workers = 1
	}
	var wg sync.WaitGroup
	chunk := (len(msgs) + workers - 1) / workers
	rules := a.rules.Load()
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(msgs))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = a.prepareOne(msgs[i], rules)
			}
		}()
	}
	wg.Wait()
	return out
}

func (a *App) prepareOne(m data.Message, rules *sla.Rules) sqlite.IngestMessage {
	if m.AuthorExternalID == "" && m.AuthorName != "" {
		// ПОС exports and spreadsheets name the resident without an id; the
		// name (and city) then stand for the author, so their messages still
		// group under one person.
		m.AuthorExternalID = "name:" + m.AuthorName
		if m.AuthorCity != "" {
			m.AuthorExternalID += "|" + m.AuthorCity
		}
	}
	stemmed := ""
	if !m.Deleted {
		stemmed = textru.StemText(m.Text)
	}
	if !m.FromOffice && (m.District == "" || m.Category == "" || m.Sentiment == "") {
		t := a.tagger.Tag(m.Text, m.AuthorCity)
		if m.District == "" {
			m.District = t.District
		}
		if m.Category == "" {
			m.Category = t.Category
		}
		if m.Sentiment == "" {
			m.Sentiment = t.Sentiment
		}
	}
	if m.Status == "" {
		m.Status = data.StatusNew
		if m.FromOffice {
			m.Status = data.StatusAnswered
		}
	}
	if m.Sentiment == "" {
		m.Sentiment = data.Neutral
	}
	if !m.FromOffice && m.FirstResponseDue.IsZero() && m.AnswerDue.IsZero() && rules != nil {
		m.FirstResponseDue, m.AnswerDue = a.clock.Deadlines(*rules, m.Platform, m.Category, m.CreatedAt)
	}
	return sqlite.IngestMessage{Message: m, Stemmed: stemmed}
}
