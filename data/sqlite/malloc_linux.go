//go:build linux && cgo

package sqlite

/*
#include <malloc.h>
*/
import "C"

// SQLite allocates its page caches with malloc from whichever OS thread
// the Go runtime runs a query on, and glibc gives every such thread an
// arena of its own (up to eight per core), each holding on to freed pages.
// Two arenas keep the store's memory from spreading over a dozen.
func init() { C.mallopt(C.M_ARENA_MAX, 2) }

// TrimHeap returns to the OS the free memory glibc keeps at the top of its
// heaps and in its arenas' free pages, such as what SQLite's page caches
// left after a burst of queries.
func TrimHeap() { C.malloc_trim(0) }
