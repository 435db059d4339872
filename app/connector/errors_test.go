package connector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	rl := &Error{Kind: RateLimited, RetryAfter: 3 * time.Second}
	tests := []struct {
		name      string
		err       error
		want      Kind
		retry     time.Duration
		ambiguous bool
	}{
		{"nil", nil, 0, 0, false},
		{"rate limited", rl, RateLimited, 3 * time.Second, false},
		{"wrapped", fmt.Errorf("dispatch: %w", rl), RateLimited, 3 * time.Second, false},
		{"auth", &Error{Kind: AuthFailed}, AuthFailed, 0, false},
		{"ambiguous", &Error{Kind: Transient, Ambiguous: true}, Transient, 0, true},
		{"deadline", context.DeadlineExceeded, Transient, 0, false},
		{"net", &net.OpError{Op: "read", Err: errors.New("reset")}, Transient, 0, false},
		{"unknown", errors.New("boom"), Permanent, 0, false},
		{"unverifiable", ErrUnverifiable, UserVisible, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify = %v, want %v", got, tt.want)
			}
			if got := RetryAfter(tt.err); got != tt.retry {
				t.Errorf("RetryAfter = %v, want %v", got, tt.retry)
			}
			if got := IsAmbiguous(tt.err); got != tt.ambiguous {
				t.Errorf("IsAmbiguous = %v, want %v", got, tt.ambiguous)
			}
		})
	}
}

func TestTransportErrorRedactsAndJudgesAmbiguity(t *testing.T) {
	dial := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	e := TransportError("telegram", "sendMessage", &url.Error{Op: "Post", URL: "http://h/botSECRET/sendMessage", Err: dial}, "SECRET")
	if e.Ambiguous {
		t.Error("a refused dial sent nothing, yet it is ambiguous")
	}
	if got := e.Error(); got != `telegram sendMessage: transient: Post "http://h/bot***/sendMessage": dial: connection refused` {
		t.Errorf("Error() = %q", got)
	}
	read := &net.OpError{Op: "read", Err: errors.New("connection reset")}
	e = TransportError("vk", "wall.createComment", read)
	if !e.Ambiguous {
		t.Error("a read failure after sending must be ambiguous")
	}
	if !errors.Is(e, read) {
		t.Error("cause lost")
	}
}
