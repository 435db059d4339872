package app

import (
	"context"
	"runtime/debug"

	"otklik/data/sqlite"
)

// ReleaseMemory hands back to the OS what a burst of work left behind: the
// window's start (fonts, icons, the first pages and counts, the watcher's
// first check) peaks at about twice the memory the open window then needs,
// and the Go runtime and glibc would give the difference back only over
// minutes, if at all. It collects the Go heap and returns its free pages,
// empties the writer's page cache and trims glibc's heaps. It costs one
// garbage collection; call it off the UI goroutine, after a burst.
func (a *App) ReleaseMemory(ctx context.Context) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	err = db.ShrinkWriter(ctx)
	debug.FreeOSMemory()
	sqlite.TrimHeap()
	return err
}
