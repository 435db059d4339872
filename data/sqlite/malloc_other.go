//go:build !(linux && cgo)

package sqlite

// TrimHeap does nothing where the C library is not glibc.
func TrimHeap() {}
