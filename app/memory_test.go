package app

import (
	"context"
	"runtime"
	"testing"
)

// TestReleaseMemoryReturnsTheFreeHeap: after a burst, the Go heap's free
// pages go back to the OS at once rather than over minutes, and the store
// stays usable.
func TestReleaseMemoryReturnsTheFreeHeap(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	burst := make([][]byte, 0, 64)
	for range 64 {
		burst = append(burst, make([]byte, 1<<20))
	}
	for i := range burst {
		burst[i][0] = byte(i)
	}
	burst = nil
	runtime.GC()
	retained := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapIdle - m.HeapReleased
	}
	before := retained()
	if before < 32<<20 {
		t.Skipf("the runtime kept only %d MB of the burst: nothing to measure", before>>20)
	}
	if done, err := a.ReleaseMemory(ctx); err != nil || !done {
		t.Fatalf("release with %d MB free: %v, %v", before>>20, done, err)
	}
	if after := retained(); after > 4<<20 {
		t.Fatalf("%d MB of free heap still held after the release (%d MB before)", after>>20, before>>20)
	}
	if done, err := a.ReleaseMemory(ctx); err != nil || done {
		t.Errorf("a second release with nothing freed since: %v, %v; want a no-op", done, err)
	}
	if _, err := a.Summary(ctx); err != nil {
		t.Fatalf("the store after the release: %v", err)
	}
	a.Close()
	if _, err := a.ReleaseMemory(ctx); err == nil {
		t.Fatal("releasing a closed app's memory succeeded")
	}
}
