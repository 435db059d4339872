package syncer

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"
)

func TestRetryWaitProbesAnUnreachableNetwork(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("connect: %w", syscall.ECONNREFUSED)}
	cases := []struct {
		name string
		err  error
		next time.Duration
		want time.Duration
	}{
		{"offline, long backoff", fmt.Errorf("wall.getComments: %w", refused), 5 * time.Minute, offlineProbe},
		{"offline, short backoff", refused, 2 * time.Second, 2 * time.Second},
		{"server said no", errors.New("VK error 10: internal server error"), 5 * time.Minute, 5 * time.Minute},
	}
	for _, c := range cases {
		if got := retryWait(c.err, c.next); got != c.want {
			t.Errorf("%s: retryWait = %v, want %v", c.name, got, c.want)
		}
	}
}
