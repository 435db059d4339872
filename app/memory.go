package app

import (
	"context"
	"runtime/debug"
	"runtime/metrics"

	"otklik/data/sqlite"
)

// releaseMin is the least free memory worth a release: below it the forced
// collection costs more than the pages are worth.
const releaseMin = 4 << 20

// ReleaseMemory hands back to the OS what a burst of work left behind: the
// window's start (fonts, icons, the first pages and counts, the watcher's
// first check) peaks at about twice the memory the open window then needs,
// a search or a long scroll leaves the Go heap at its collection target,
// and the Go runtime and glibc give the difference back only over minutes,
// if at all. It trims glibc's heaps (the toolkit's textures and SQLite's
// caches live there); when the Go heap holds at least releaseMin free, it
// also collects and returns the Go heap's free pages and empties the
// writer's page cache, and reports true — one garbage collection. Call it
// off the UI goroutine, after a burst.
func (a *App) ReleaseMemory(ctx context.Context) (bool, error) {
	db, err := a.store()
	if err != nil {
		return false, err
	}
	// glibc's free pages cost a walk of its heaps to hand back, not a
	// collection: every call does that much.
	defer sqlite.TrimHeap()
	if heldFree() < releaseMin {
		return false, nil
	}
	err = db.ShrinkWriter(ctx)
	debug.FreeOSMemory()
	return true, err
}

// heldFree is the Go heap's free memory not yet returned to the OS. glibc's
// count of free chunks is no guide: it still counts the pages malloc_trim
// has handed back.
func heldFree() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	var free uint64
	if s[0].Value.Kind() == metrics.KindUint64 {
		free = s[0].Value.Uint64()
	}
	return free
}

// releaseAfter is ReleaseMemory at the end of a burst of the core's own
// work (what names it in the log), off any window.
func (a *App) releaseAfter(ctx context.Context, what string) {
	if _, err := a.ReleaseMemory(ctx); err != nil && ctx.Err() == nil {
		a.log.Warn("release memory after "+what, "err", err)
	}
}
