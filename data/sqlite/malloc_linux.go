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
