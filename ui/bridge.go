package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// bridge is the one way background work reaches widgets: work runs on its
// own goroutine, its result is applied on the UI goroutine through fyne.Do.
// Closing the bridge cancels work in flight and drops results not yet applied.
type bridge struct {
	ctx     context.Context
	cancel  context.CancelFunc
	jobs    sync.WaitGroup // async work in flight
	running atomic.Int64   // the same, as a number applyUntil can read
	loops   sync.WaitGroup // the event pump
	events  atomic.Int64   // core events handled, for tests that wait on the pump

	// serial queues results instead of calling fyne.Do; settle applies them
	// on the caller's goroutine. Tests use it: the test driver's fyne.Do runs
	// at once on the calling goroutine, which would let results race.
	serial bool
	mu     sync.Mutex
	queue  []func()
}

func newBridge() *bridge {
	ctx, cancel := context.WithCancel(context.Background())
	return &bridge{ctx: ctx, cancel: cancel}
}

// do runs fn on the UI goroutine unless the bridge is closed.
func (b *bridge) do(fn func()) {
	if b.ctx.Err() != nil {
		return
	}
	if b.serial {
		b.mu.Lock()
		b.queue = append(b.queue, fn)
		b.mu.Unlock()
		return
	}
	fyne.Do(func() {
		if b.ctx.Err() == nil {
			fn()
		}
	})
}

// settle waits until every started job has finished and, in serial mode,
// applies the queued results, repeating while they start more work. Tests
// use it; the app never blocks the UI goroutine on it.
func (b *bridge) settle() {
	for {
		b.jobs.Wait()
		b.mu.Lock()
		q := b.queue
		b.queue = nil
		b.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			if b.ctx.Err() == nil {
				fn()
			}
		}
	}
}

// applyUntil applies queued results, in serial mode, as they arrive until
// done reports true, without waiting for other work still running (such
// as a count behind the list). Benchmarks use it to time what the user
// sees first. It gives up when nothing is left to wait for.
func (b *bridge) applyUntil(done func() bool) bool {
	for {
		b.mu.Lock()
		q := b.queue
		b.queue = nil
		b.mu.Unlock()
		for _, fn := range q {
			if b.ctx.Err() == nil {
				fn()
			}
		}
		if done() {
			return true
		}
		if len(q) == 0 && b.running.Load() == 0 {
			b.mu.Lock()
			empty := len(b.queue) == 0
			b.mu.Unlock()
			if empty {
				return done()
			}
		}
		time.Sleep(50 * time.Microsecond)
	}
}

func (b *bridge) close() {
	b.cancel()
	b.jobs.Wait()
	b.loops.Wait()
}

// async runs work off the UI goroutine and hands its result to apply on it.
func async[T any](b *bridge, work func(ctx context.Context) (T, error), apply func(T, error)) {
	if b.ctx.Err() != nil {
		return
	}
	b.jobs.Add(1)
	b.running.Add(1)
	go func() {
		defer b.jobs.Done()
		v, err := work(b.ctx)
		b.do(func() { apply(v, err) })
		b.running.Add(-1) // after the result is queued, so applyUntil sees one or the other
	}()
}

// pump turns the core's events into calls of handle on the UI goroutine and,
// between events, calls tick on it every period so relative times stay true.
func (b *bridge) pump(events <-chan Event, ticks <-chan struct{}, handle func(Event), tick func()) {
	b.loops.Add(1)
	go func() {
		defer b.loops.Done()
		for {
			select {
			case <-b.ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				b.do(func() { handle(e) })
				b.events.Add(1)
			case <-ticks:
				b.do(tick)
			}
		}
	}()
}
