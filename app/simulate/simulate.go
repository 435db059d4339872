// Package simulate runs local servers that speak the VK API (with the Bots
// Long Poll) and the Telegram Bot API, with a steady flow of residents'
// comments and knobs for the faults real networks have. The demo mode and
// the connector and sync tests use it; it listens on 127.0.0.1 only.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"otklik/data"
)

// Options configure a Server. Zero values pick the defaults noted.
type Options struct {
	Port          int     // 0: any free port
	Rate          float64 // new comments per second on each network; default 2, negative: none
	Seed          uint64  // for the comment flow; 0: 1
	VKToken       string  // the only access token VK accepts; "" accepts any
	VKGroupID     int64   // default 77123456
	TelegramToken string  // the only bot token accepted; "" accepts any
	ChannelID     int64   // default -1001987654321
	ChatID        int64   // the discussion group, default -1001876543210
	Faults        Faults
	// StateFile, when set, keeps the networks' state across restarts: it is
	// loaded at Start (a missing file starts fresh), written after every
	// send before it is answered, within a second of other changes, and at
	// Close. See state.go.
	StateFile string
}

// Faults make the next calls fail. Counters count down per call; each
// applies to both networks unless noted.
type Faults struct {
	RateLimited     int           // VK error 6, Telegram 429
	RetryAfter      int           // Telegram's retry_after in seconds; default 3
	ServerErrors    int           // HTTP 502
	Malformed       int           // a 200 answer cut mid-JSON
	HangAfterCommit int           // sends: store the item, then drop the connection unanswered
	LongPollFailed  int           // VK Long Poll: answer with this "failed" code once (1, 2 or 3)
	Migrate         bool          // Telegram: the next send to the group says it became a supergroup
	Latency         time.Duration // added to every answer
}

// SentItem is a reply or post the server received.
type SentItem struct {
	Platform data.Platform
	Kind     string // reply, post
	RemoteID string // the id the server answered with
	Text     string
	PostID   string // VK "<owner>_<post>", Telegram "<chat>:<message>"
	ReplyTo  string // the comment replied to, same form; "" for posts
	GUID     string // VK guid
	Media    []string
	At       time.Time
}

// Server is a running simulator.
type Server struct {
	opts Options
	ln   net.Listener
	srv  *http.Server
	base string

	mu     sync.Mutex
	faults Faults
	rnd    *rand.Rand
	sent   []SentItem
	calls  map[string]int
	vk     *vkState
	tg     *tgState
	wake   chan struct{} // closed and replaced when new events arrive

	saveMu  sync.Mutex // one state file write at a time
	dirty   bool       // the state changed since the last save
	saveErr error      // the first failed save

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Start listens on 127.0.0.1 and starts the comment flow. The server stops
// when ctx is cancelled or Close is called.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Rate == 0 {
		opts.Rate = 2
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.VKGroupID == 0 {
		opts.VKGroupID = 77123456
	}
	if opts.ChannelID == 0 {
		opts.ChannelID = -1001987654321
	}
	if opts.ChatID == 0 {
		opts.ChatID = -1001876543210
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.Port)))
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	s := &Server{opts: opts, ln: ln, base: "http://" + ln.Addr().String(), faults: opts.Faults,
		rnd: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)), calls: map[string]int{},
		wake: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	now := time.Now()
	s.vk = newVKState(s, now)
	s.tg = newTGState(s, now)
	if opts.StateFile != "" {
		if err := s.load(); err != nil {
			ln.Close()
			return nil, fmt.Errorf("simulate: %w", err)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/vk/method/{method}", s.vkMethod)
	mux.HandleFunc("/vk/lp", s.vkLongPoll)
	mux.HandleFunc("/tg/{bot}/{method}", s.tgMethod)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	go s.flow(ctx)
	return s, nil
}

// VKBaseURL is the VK API base for vk.Config.BaseURL.
func (s *Server) VKBaseURL() string { return s.base + "/vk/method/" }

// TelegramBaseURL is the Bot API base for telegram.Config.BaseURL.
func (s *Server) TelegramBaseURL() string { return s.base + "/tg" }

// VKGroupID is the simulated community.
func (s *Server) VKGroupID() int64 { return s.opts.VKGroupID }

// ChannelID and ChatID are the simulated Telegram channel and its group.
func (s *Server) ChannelID() int64 { return s.opts.ChannelID }

// ChatID is the simulated discussion group; it changes after a Migrate fault.
func (s *Server) ChatID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tg.chatID
}

// SetFaults replaces the fault knobs.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// Sent returns the replies and posts received so far, in order.
func (s *Server) Sent() []SentItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentItem(nil), s.sent...)
}

// Calls returns how many times a method was called ("wall.createComment",
// "sendMessage", "a_check"…), faults included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Emit adds n comments on each network at once, as the flow would.
func (s *Server) Emit(n int) {
	s.mu.Lock()
	for range n {
		s.vk.comment(time.Now())
		s.tg.comment(time.Now())
	}
	s.signal()
	s.dirty = true
	s.mu.Unlock()
}

// Close stops the server and the flow.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = s.srv.Shutdown(shut)
		if errors.Is(err, context.DeadlineExceeded) {
			err = s.srv.Close() // long polls still held
		}
		<-s.done
		if s.opts.StateFile != "" {
			s.saveLogged()
			s.mu.Lock()
			if err == nil {
				err = s.saveErr
			}
			s.mu.Unlock()
		}
	})
	return err
}

// signal wakes long polls; s.mu is held.
func (s *Server) signal() {
	close(s.wake)
	s.wake = make(chan struct{})
}

func (s *Server) flow(ctx context.Context) {
	defer close(s.done)
	var tick, flush <-chan time.Time
	if s.opts.StateFile != "" {
		f := time.NewTicker(time.Second)
		defer f.Stop()
		flush = f.C
	}
	if s.opts.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / s.opts.Rate))
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			go s.Close()
			<-s.stop
			return
		case <-s.stop:
			return
		case now := <-tick:
			s.mu.Lock()
			s.vk.comment(now)
			s.tg.comment(now)
			s.signal()
			s.dirty = true
			s.mu.Unlock()
		case <-flush:
			s.mu.Lock()
			dirty := s.dirty
			s.mu.Unlock()
			if dirty {
				s.saveLogged()
			}
		}
	}
}

// fault is the fault to apply to this call, consuming one count. sends
// says whether the call stores something.
type fault int

const (
	noFault fault = iota
	faultRate
	fault5xx
	faultMalformed
	faultHang
)

func (s *Server) takeFault(method string, sends bool) (fault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	f := &s.faults
	lat := f.Latency
	switch {
	case f.RateLimited > 0:
		f.RateLimited--
		return faultRate, lat
	case f.ServerErrors > 0:
		f.ServerErrors--
		return fault5xx, lat
	case f.Malformed > 0:
		f.Malformed--
		return faultMalformed, lat
	case sends && f.HangAfterCommit > 0:
		f.HangAfterCommit--
		return faultHang, lat
	}
	return noFault, lat
}

// sleep waits d unless the request or the server ends first.
func (s *Server) sleep(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.stop:
	}
}

// hang drops the connection without an answer: the request was applied
// but the client never learns it.
func hang(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// cut returns the first part of a JSON answer, as a dropped connection
// behind a proxy would deliver it.
func cut(body []byte) []byte { return body[:len(body)/2] }
