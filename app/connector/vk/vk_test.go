package vk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"otklik/app/connector"
	"otklik/data"
)

var update = flag.Bool("update", false, "rewrite golden files")

const testGroup = 77123456

var acc = data.Account{ID: 7, Platform: data.VK, ExternalID: "77123456", Name: "Губернатор Смоленской области"}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from golden:\n%s", name, b)
	}
}

// call is one request the fake API received.
type call struct {
	Method string
	Form   url.Values
	Query  string
	At     time.Time
}

// fakeAPI is a VK API on 127.0.0.1 answering with answer(method, form).
type fakeAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls []call
}

func newFake(t *testing.T, answer func(method string, form url.Values) string) *fakeAPI {
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		method := strings.TrimPrefix(r.URL.Path, "/method/")
		f.mu.Lock()
		f.calls = append(f.calls, call{Method: method, Form: r.PostForm, Query: r.URL.RawQuery, At: time.Now()})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, answer(method, r.Form))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func newClient(t *testing.T, base string, token string, cfg Config) *Client {
	t.Helper()
	cfg.BaseURL = base
	if cfg.GroupID == 0 {
		cfg.GroupID = testGroup
	}
	b, _ := json.Marshal(cfg)
	a := acc
	a.Config = string(b)
	c, err := New(a, token, Options{Limiter: rate.NewLimiter(rate.Inf, 1), LongPollWait: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type goldenComments struct {
	Messages   []data.Message
	Quarantine []string
	TopLevel   int
	LevelCount int
	Partial    []int64
}

func TestParseCommentsFixture(t *testing.T) {
	var env envelope
	if err := json.Unmarshal(fixture(t, "wall_getComments.json"), &env); err != nil {
		t.Fatal(err)
	}
	res, err := parseComments(env.Response, acc, testGroup, -testGroup, 812, 0)
	if err != nil {
		t.Fatal(err)
	}
	g := goldenComments{Messages: res.Messages, TopLevel: res.TopLevel, LevelCount: res.LevelCount, Partial: res.Partial}
	for _, b := range res.Quarantine {
		g.Quarantine = append(g.Quarantine, b.Reason)
	}
	golden(t, "wall_getComments.golden.json", g)

	byID := map[string]data.Message{}
	for _, m := range res.Messages {
		byID[m.ExternalID] = m
	}
	if m := byID["-77123456_4101"]; m.AuthorExternalID != "9007199254740993" || m.AuthorCity != "Вязьма" || m.AuthorName != "Андрей Фёдоров" {
		t.Errorf("huge id or profile lost: %+v", m)
	}
	if m := byID["-77123456_4102"]; !m.Deleted || m.Text != "" || m.PostExternalID != "-77123456_812" {
		t.Errorf("deleted comment: %+v", m)
	}
	if m := byID["-77123456_4104"]; !m.Deleted || len(m.Attachments) != 2 || m.Attachments[0].URL != "https://sun9-1.userapi.com/x.jpg" {
		t.Errorf("comment without text: %+v", m)
	}
	if m := byID["-77123456_4103"]; !m.FromOffice || m.ParentExternalID != "-77123456_4101" ||
		m.URL != "https://vk.com/wall-77123456_812?reply=4103&thread=4101" {
		t.Errorf("thread reply: %+v", m)
	}
	if m := byID["-77123456_4105"]; m.ParentExternalID != "-77123456_4103" {
		t.Errorf("reply to a reply: parent %q", m.ParentExternalID)
	}
	if len(res.Quarantine) != 1 || !bytes.Contains(res.Quarantine[0].Raw, []byte("not-a-number")) {
		t.Errorf("quarantine = %+v", res.Quarantine)
	}
}

// wallModel answers wall.get and wall.getComments for one post with top
// top-level comments, of which comment 5 has replies replies.
func wallModel(top, replies int, withLevelCount bool) func(string, url.Values) string {
	return func(method string, f url.Values) string {
		off, _ := strconv.Atoi(f.Get("offset"))
		cnt, _ := strconv.Atoi(f.Get("count"))
		switch method {
		case "wall.get":
			if off > 0 {
				return `{"response":{"count":1,"items":[]}}`
			}
			return `{"response":{"count":1,"items":[{"id":812,"owner_id":-77123456,"date":1735700000,"text":"Пост","comments":{"count":5}}]}}`
		case "wall.getComments":
			var items []string
			level := top
			if f.Get("comment_id") == "5" {
				level = replies
				for i := off; i < min(off+cnt, replies); i++ {
					items = append(items, fmt.Sprintf(`{"id":%d,"from_id":1,"post_id":812,"owner_id":-77123456,"date":1,"text":"ответ","parents_stack":[5]}`, 10000+i))
				}
			} else {
				for i := off; i < min(off+cnt, top); i++ {
					thread := `{"count":0,"items":[]}`
					if i+1 == 5 {
						var inl []string
						for k := 0; k < min(replies, 10); k++ {
							inl = append(inl, fmt.Sprintf(`{"id":%d,"from_id":1,"post_id":812,"owner_id":-77123456,"date":1,"text":"ответ","parents_stack":[5]}`, 10000+k))
						}
						thread = fmt.Sprintf(`{"count":%d,"items":[%s]}`, replies, strings.Join(inl, ","))
					}
					items = append(items, fmt.Sprintf(`{"id":%d,"from_id":2,"post_id":812,"owner_id":-77123456,"date":1,"text":"комментарий","thread":%s}`, i+1, thread))
				}
			}
			lc := ""
			if withLevelCount {
				lc = fmt.Sprintf(`,"current_level_count":%d`, level)
			}
			return fmt.Sprintf(`{"response":{"count":%d%s,"items":[%s],"profiles":[],"groups":[]}}`, top+replies, lc, strings.Join(items, ","))
		}
		return `{"error":{"error_code":3,"error_msg":"Unknown method passed"}}`
	}
}

func backfillAll(t *testing.T, c *Client) (posts int, msgs map[string]bool, steps int) {
	t.Helper()
	msgs = map[string]bool{}
	cur := ""
	for steps = 1; steps < 100; steps++ {
		p, err := c.Backfill(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		posts += len(p.Posts)
		for _, m := range p.Messages {
			msgs[m.ExternalID] = true
		}
		if !p.More {
			return posts, msgs, steps
		}
		cur = p.Cursor
	}
	t.Fatal("backfill never ends")
	return
}

func TestBackfillPagingStops(t *testing.T) {
	for _, withLC := range []bool{true, false} {
		t.Run(fmt.Sprintf("current_level_count=%v", withLC), func(t *testing.T) {
			f := newFake(t, wallModel(250, 23, withLC))
			c := newClient(t, f.URL+"/method/", "tok-paging", Config{})
			posts, msgs, steps := backfillAll(t, c)
			if posts != 1 || len(msgs) != 250+23 {
				t.Errorf("posts %d, messages %d; want 1 and 273", posts, len(msgs))
			}
			var top, thread []string
			for _, cl := range f.Calls() {
				if cl.Method != "wall.getComments" {
					continue
				}
				if cl.Form.Get("comment_id") != "" {
					thread = append(thread, cl.Form.Get("offset"))
				} else {
					top = append(top, cl.Form.Get("offset"))
				}
				for k, v := range map[string]string{"count": "100", "sort": "asc", "preview_length": "0", "extended": "1", "v": "5.199", "access_token": "tok-paging"} {
					if cl.Form.Get(k) != v {
						t.Errorf("%s = %q, want %q", k, cl.Form.Get(k), v)
					}
				}
				if cl.Query != "" {
					t.Errorf("parameters in the URL: %q", cl.Query)
				}
			}
			// With current_level_count paging stops after 200; without it a
			// short page (50 < 100) ends it. Either way no empty extra call.
			if got := strings.Join(top, ","); got != "0,100,200" {
				t.Errorf("top-level offsets %s", got)
			}
			if got := strings.Join(thread, ","); got != "0" {
				t.Errorf("thread offsets %s", got)
			}
			if steps != 4 {
				t.Errorf("steps = %d, want 4 (wall.get + 3 comment pages)", steps)
			}
		})
	}
}

func TestLongPollFailedCodes(t *testing.T) {
	var mu sync.Mutex
	script := []string{`{"failed":2}`, string(fixture(t, "lp_updates.json")), `{"failed":1,"ts":30}`, `{"failed":3}`, `{"ts":"77","updates":[]}`}
	var checks []string
	lp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		checks = append(checks, r.URL.Query().Get("key")+"@"+r.URL.Query().Get("ts"))
		fmt.Fprint(w, script[0])
		script = script[1:]
	}))
	defer lp.Close()
	keys := 0
	f := newFake(t, func(method string, form url.Values) string {
		if method != "groups.getLongPollServer" || form.Get("group_id") != "77123456" {
			return `{"error":{"error_code":100,"error_msg":"bad"}}`
		}
		keys++
		return fmt.Sprintf(`{"response":{"key":"key%d","server":%q,"ts":"%d"}}`, keys, lp.URL+"/wh77123456", 1000+keys)
	})
	c := newClient(t, f.URL+"/method/", "tok-lp", Config{})
	ctx := context.Background()

	// failed 2 → a new key, same ts; then the updates.
	p, err := c.Poll(ctx, "1040")
	if err != nil {
		t.Fatal(err)
	}
	if p.Cursor != "1043" || p.Resync {
		t.Errorf("cursor %q resync %v", p.Cursor, p.Resync)
	}
	var got []string
	for _, m := range p.Messages {
		got = append(got, fmt.Sprintf("%s del=%v %q", m.ExternalID, m.Deleted, m.Text))
	}
	want := []string{
		`-77123456_4210 del=false "В Рославле с утра нет горячей воды."`,
		`-77123456_4211 del=false "Исправила: не на Ленина, а на Кирова."`,
		`-77123456_4102 del=true ""`,
		`-77123456_4102 del=false "Восстановленный комментарий."`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(p.Quarantine) != 1 {
		t.Errorf("quarantine %d, want the delete without ids", len(p.Quarantine))
	}
	// failed 1 → new ts, history lost.
	if p, err = c.Poll(ctx, p.Cursor); err != nil || p.Cursor != "30" || !p.Resync {
		t.Errorf("failed 1: %+v %v", p, err)
	}
	// failed 3 → new key and ts from the server, history lost.
	if p, err = c.Poll(ctx, p.Cursor); err != nil || p.Cursor != "77" || !p.Resync {
		t.Errorf("failed 3: %+v %v", p, err)
	}
	wantChecks := "key1@1040 key2@1040 key2@1043 key2@30 key3@1003"
	if strings.Join(checks, " ") != wantChecks {
		t.Errorf("a_check calls %v, want %s", checks, wantChecks)
	}
	// A replayed event_id is not delivered twice.
	script = []string{string(fixture(t, "lp_updates.json"))}
	if p, err = c.Poll(ctx, "1040"); err != nil || len(p.Messages) != 0 {
		t.Errorf("replayed events delivered again: %d messages, %v", len(p.Messages), err)
	}
}

func TestReplySendsGUIDAndReadsID(t *testing.T) {
	f := newFake(t, func(method string, form url.Values) string {
		return `{"response":{"comment_id":4300,"parents_stack":[4101]}}`
	})
	c := newClient(t, f.URL+"/method/", "tok-reply", Config{})
	id, err := c.Reply(context.Background(), connector.Reply{IdempotencyKey: "ob-42-7f3a", Text: "Здравствуйте! Ремонт запланирован на июнь.",
		MessageExternalID: "-77123456_4105", PostExternalID: "-77123456_812"})
	if err != nil {
		t.Fatal(err)
	}
	if id != "-77123456_4300" {
		t.Errorf("id %q", id)
	}
	cl := f.Calls()[0]
	for k, v := range map[string]string{"owner_id": "-77123456", "post_id": "812", "reply_to_comment": "4105", "from_group": "77123456",
		"guid": "ob-42-7f3a", "message": "Здравствуйте! Ремонт запланирован на июнь.", "v": "5.199", "access_token": "tok-reply"} {
		if cl.Form.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, cl.Form.Get(k), v)
		}
	}
	if _, err := c.Reply(context.Background(), connector.Reply{Text: "x", MessageExternalID: "-1_5", PostExternalID: "-77123456_812"}); connector.Classify(err) != connector.UserVisible {
		t.Errorf("comment under another owner: %v", err)
	}
}

func TestPublishAndHide(t *testing.T) {
	f := newFake(t, func(method string, form url.Values) string {
		if method == "wall.post" {
			return `{"response":{"post_id":9001}}`
		}
		return `{"response":1}`
	})
	c := newClient(t, f.URL+"/method/", "tok-pub", Config{})
	id, err := c.Publish(context.Background(), connector.Publication{IdempotencyKey: "cal-3", Text: "Дороги к школам отремонтируем до 1 сентября.", Media: []string{"photo-77123456_457239017"}})
	if err != nil || id != "-77123456_9001" {
		t.Fatalf("%q %v", id, err)
	}
	if err := c.Hide(context.Background(), "-77123456_4102"); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls()
	if g := calls[0].Form; g.Get("from_group") != "1" || g.Get("attachments") != "photo-77123456_457239017" || g.Get("guid") != "cal-3" {
		t.Errorf("wall.post form %v", g)
	}
	if g := calls[1]; g.Method != "wall.deleteComment" || g.Form.Get("comment_id") != "4102" || g.Form.Get("owner_id") != "-77123456" {
		t.Errorf("delete call %+v", g)
	}
}

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		code int
		kind connector.Kind
	}{
		{6, connector.RateLimited}, {9, connector.RateLimited}, {1, connector.Transient}, {10, connector.Transient},
		{5, connector.AuthFailed}, {14, connector.UserVisible}, {15, connector.UserVisible}, {17, connector.UserVisible},
		{100, connector.Permanent}, {113, connector.Permanent},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			f := newFake(t, func(string, url.Values) string {
				// VK echoes request parameters; make sure the token is not repeated.
				return fmt.Sprintf(`{"error":{"error_code":%d,"error_msg":"failed for access_token=tok-secret-123"}}`, tt.code)
			})
			c := newClient(t, f.URL+"/method/", "tok-secret-123", Config{})
			_, err := c.Backfill(context.Background(), "")
			if got := connector.Classify(err); got != tt.kind {
				t.Errorf("kind %v, want %v (%v)", got, tt.kind, err)
			}
			if strings.Contains(err.Error(), "tok-secret-123") {
				t.Errorf("token leaked: %v", err)
			}
			if tt.code == 6 && connector.RetryAfter(err) <= 0 {
				t.Error("error 6 without a wait")
			}
		})
	}
}

func TestDocumentedErrorEnvelope(t *testing.T) {
	body := string(fixture(t, "error_6.json"))
	f := newFake(t, func(string, url.Values) string { return body })
	err := newClient(t, f.URL+"/method/", "tok-env", Config{}).Hide(context.Background(), "-77123456_1")
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Kind != connector.RateLimited || ce.Code != 6 || ce.Msg != "Too many requests per second" || ce.Method != "wall.deleteComment" {
		t.Errorf("%#v", err)
	}
}

func TestTransportFaults(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		kind      connector.Kind
		ambiguous bool
	}{
		{"502", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, connector.Transient, true},
		{"truncated", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"response":{"comment_id":43`) }, connector.Transient, true},
		{"429", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Retry-After", "7"); w.WriteHeader(429) }, connector.RateLimited, false},
		{"dropped", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, connector.Transient, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := newClient(t, srv.URL+"/method/", "tok-faults", Config{})
			_, err := c.Reply(context.Background(), connector.Reply{IdempotencyKey: "k", Text: "Ответ", PostExternalID: "-77123456_812"})
			if connector.Classify(err) != tt.kind || connector.IsAmbiguous(err) != tt.ambiguous {
				t.Errorf("kind %v ambiguous %v: %v", connector.Classify(err), connector.IsAmbiguous(err), err)
			}
		})
	}
}

func TestRateLimiterPerToken(t *testing.T) {
	for _, tt := range []struct {
		kind  TokenKind
		calls int
		min   time.Duration // (calls-1)/rate
	}{
		{UserToken, 7, 2 * time.Second},
		{CommunityToken, 21, time.Second},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			f := newFake(t, func(string, url.Values) string { return `{"response":1}` })
			token := "tok-rate-" + string(tt.kind)
			b, _ := json.Marshal(Config{BaseURL: f.URL + "/method/", GroupID: testGroup, TokenKind: tt.kind})
			a := acc
			a.Config = string(b)
			// Two clients on one token share the limit.
			c1, _ := New(a, token, Options{})
			c2, _ := New(a, token, Options{})
			var wg sync.WaitGroup
			for i := range tt.calls {
				c := c1
				if i%2 == 1 {
					c = c2
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := c.Hide(context.Background(), "-77123456_1"); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			calls := f.Calls()
			span := calls[len(calls)-1].At.Sub(calls[0].At)
			if span < tt.min-50*time.Millisecond {
				t.Errorf("%d calls in %v, want at least %v", len(calls), span, tt.min)
			}
			t.Logf("%d calls over %v", len(calls), span)
		})
	}
}

func TestFindSent(t *testing.T) {
	f := newFake(t, func(method string, form url.Values) string {
		if form.Get("comment_id") == "4101" && form.Get("sort") == "desc" {
			return `{"response":{"count":1,"current_level_count":1,"items":[{"id":4300,"from_id":-77123456,"post_id":812,"owner_id":-77123456,"date":1,"text":"Ответ ведомства","parents_stack":[4101],"reply_to_comment":4101}]}}`
		}
		return `{"response":{"count":0,"current_level_count":0,"items":[]}}`
	})
	c := newClient(t, f.URL+"/method/", "tok-find", Config{})
	r := connector.Reply{Text: "Ответ ведомства", MessageExternalID: "-77123456_4101", PostExternalID: "-77123456_812"}
	id, found, err := c.FindSent(context.Background(), r)
	if err != nil || !found || id != "-77123456_4300" {
		t.Errorf("%q %v %v", id, found, err)
	}
	r.Text = "Другой текст"
	if _, found, err = c.FindSent(context.Background(), r); err != nil || found {
		t.Errorf("found a reply that was never sent: %v %v", found, err)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(data.Account{Config: `{"group_id":0}`}, "t", Options{}); err == nil {
		t.Error("no community id accepted")
	}
	if _, err := New(acc, "", Options{}); err == nil {
		t.Error("empty token accepted")
	}
	if _, err := New(data.Account{Config: `{`}, "t", Options{}); err == nil {
		t.Error("broken config accepted")
	}
	if _, _, err := ParseExternalID("-1_x"); err == nil {
		t.Error("bad id accepted")
	}
	if _, err := decodeBackfill("!!"); !errors.As(err, new(*connector.Error)) {
		t.Error("bad cursor accepted")
	}
}

func FuzzParseComments(f *testing.F) {
	var env envelope
	_ = json.Unmarshal(fixture(f, "wall_getComments.json"), &env)
	f.Add([]byte(env.Response))
	f.Add([]byte(`{"items":[{"id":1,"thread":{"count":5,"items":[{"id":"x"}]}}]}`))
	f.Add([]byte(`{"items":null,"current_level_count":-1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := parseComments(b, acc, testGroup, -testGroup, 812, 0)
		if err != nil {
			return
		}
		for _, m := range res.Messages {
			if _, _, err := ParseExternalID(m.ExternalID); err != nil || m.Platform != data.VK {
				t.Fatalf("bad message %+v", m)
			}
			if m.Deleted && m.Text != "" {
				t.Fatalf("deleted with text %+v", m)
			}
		}
	})
}

func FuzzParseUpdates(f *testing.F) {
	f.Add(fixture(f, "lp_updates.json"))
	f.Add(fixture(f, "lp_failed1.json"))
	f.Add(fixture(f, "lp_failed2.json"))
	f.Add(fixture(f, "lp_failed3.json"))
	f.Add([]byte(`{"ts":5,"updates":[{"type":"wall_reply_new","object":{"id":1}}]}`))
	c, _ := New(acc, "tok-fuzz", Options{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ans, err := parseUpdates(b)
		if err != nil {
			return
		}
		p := c.updates(ans.Updates)
		for _, m := range p.Messages {
			if _, _, err := ParseExternalID(m.ExternalID); err != nil {
				t.Fatalf("bad id %q", m.ExternalID)
			}
		}
		if len(p.Messages)+len(p.Posts)+len(p.Quarantine) > len(ans.Updates) {
			t.Fatal("more items than updates")
		}
	})
}
