package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

const (
	channelID = -1001987654321
	chatID    = -1001876543210
	token     = "5000000001:AAH-test-token"
)

var acc = data.Account{ID: 3, Platform: data.Telegram, ExternalID: "-1001987654321", Name: "Губернатор Смоленской области",
	Config: `{"channel_id":-1001987654321,"channel_username":"gubernator67","chat_id":-1001876543210,"note":"kept"}`}

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
	b, _ := json.MarshalIndent(got, "", "  ")
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *updateGolden {
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

type request struct {
	Method string
	Params map[string]any
}

// fakeBot is a Bot API on 127.0.0.1; answer returns status and body.
type fakeBot struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newBot(t *testing.T, answer func(method string, p map[string]any) (int, string)) *fakeBot {
	f := &fakeBot{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefix := "/bot" + token + "/"
		if !strings.HasPrefix(r.URL.Path, prefix) {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		method := strings.TrimPrefix(r.URL.Path, prefix)
		var p map[string]any
		b, _ := io.ReadAll(r.Body)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		_ = dec.Decode(&p)
		f.mu.Lock()
		f.reqs = append(f.reqs, request{method, p})
		f.mu.Unlock()
		status, body := answer(method, p)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeBot) Requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

func newClient(t *testing.T, base string, opt Options) *Client {
	t.Helper()
	a := acc
	var m map[string]any
	_ = json.Unmarshal([]byte(a.Config), &m)
	m["base_url"] = base
	b, _ := json.Marshal(m)
	a.Config = string(b)
	opt.PollTimeout = 1
	c, err := New(a, token, opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type goldenPage struct {
	Posts      []data.Post
	Messages   []data.Message
	Cursor     string
	Quarantine []string
}

func TestPollParsesDiscussionThreads(t *testing.T) {
	bot := newBot(t, func(string, map[string]any) (int, string) { return 200, string(fixture(t, "updates.json")) })
	c := newClient(t, bot.URL, Options{})
	p, err := c.Poll(context.Background(), "700000010")
	if err != nil {
		t.Fatal(err)
	}
	g := goldenPage{Posts: p.Posts, Messages: p.Messages, Cursor: p.Cursor}
	for _, b := range p.Quarantine {
		g.Quarantine = append(g.Quarantine, b.Reason)
	}
	golden(t, "updates.golden.json", g)

	if p.Cursor != "700000020" {
		t.Errorf("cursor %q, want last update_id+1", p.Cursor)
	}
	if len(p.Posts) != 1 || p.Posts[0].ExternalID != "-1001876543210:5120" || p.Posts[0].URL != "https://t.me/gubernator67/245" {
		t.Errorf("posts %+v", p.Posts)
	}
	want := map[string][2]string{ // id → post, parent
		"-1001876543210:5121": {"-1001876543210:5120", ""},
		"-1001876543210:5122": {"-1001876543210:5120", "-1001876543210:5121"},
		"-1001876543210:5124": {"-1001876543210:5120", ""},
		"380000003:17":        {"", ""},
	}
	got := map[string][2]string{}
	for _, m := range p.Messages {
		got[m.ExternalID] = [2]string{m.PostExternalID, m.ParentExternalID}
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: post/parent %v, want %v", id, got[id], w)
		}
	}
	if len(p.Messages) != 5 { // 5121 twice: the message and its edit
		t.Errorf("%d messages", len(p.Messages))
	}
	if last := p.Messages[2]; last.ExternalID != "-1001876543210:5121" || !strings.Contains(last.Text, "ям не счесть") {
		t.Errorf("edit not applied: %+v", last)
	}
	if len(p.Quarantine) != 1 {
		t.Errorf("quarantine %d", len(p.Quarantine))
	}
	r := bot.Requests()[0]
	if r.Method != "getUpdates" || fmt.Sprint(r.Params["offset"]) != "700000010" || fmt.Sprint(r.Params["timeout"]) != "1" ||
		fmt.Sprint(r.Params["allowed_updates"]) != "[message edited_message channel_post]" {
		t.Errorf("request %+v", r)
	}
}

func TestReplyAndErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kind   connector.Kind
		retry  time.Duration
	}{
		{"429", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}}`, connector.RateLimited, 17 * time.Second},
		{"401", 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, connector.AuthFailed, 0},
		{"403", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the supergroup chat"}`, connector.UserVisible, 0},
		{"400", 400, `{"ok":false,"error_code":400,"description":"Bad Request: message to be replied not found"}`, connector.Permanent, 0},
		{"502", 502, `<html>Bad Gateway</html>`, connector.Transient, 0},
		{"truncated", 200, `{"ok":true,"result":{"message_id":`, connector.Transient, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := newBot(t, func(string, map[string]any) (int, string) { return tt.status, tt.body })
			c := newClient(t, bot.URL, Options{})
			_, err := c.Reply(context.Background(), connector.Reply{Text: "Спасибо, передали в дорожное управление.", MessageExternalID: "-1001876543210:5121"})
			if connector.Classify(err) != tt.kind || connector.RetryAfter(err) != tt.retry {
				t.Errorf("%v: kind %v retry %v", err, connector.Classify(err), connector.RetryAfter(err))
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("token leaked: %v", err)
			}
		})
	}
}

func TestReplySendsReplyParameters(t *testing.T) {
	bot := newBot(t, func(string, map[string]any) (int, string) {
		return 200, `{"ok":true,"result":{"message_id":5130,"chat":{"id":-1001876543210,"type":"supergroup"},"date":1735801000,"text":"…"}}`
	})
	c := newClient(t, bot.URL, Options{})
	r := connector.Reply{IdempotencyKey: "ob-9", Text: "Спасибо, передали в дорожное управление.", MessageExternalID: "-1001876543210:5121", PostExternalID: "-1001876543210:5120"}
	id, err := c.Reply(context.Background(), r)
	if err != nil || id != "-1001876543210:5130" {
		t.Fatalf("%q %v", id, err)
	}
	req := bot.Requests()[0]
	rp, _ := req.Params["reply_parameters"].(map[string]any)
	if req.Method != "sendMessage" || fmt.Sprint(req.Params["chat_id"]) != "-1001876543210" || fmt.Sprint(rp["message_id"]) != "5121" || fmt.Sprint(rp["chat_id"]) != "-1001876543210" {
		t.Errorf("request %+v", req)
	}
	// The same key again in this process: no second send.
	if id2, err := c.Reply(context.Background(), r); err != nil || id2 != id || len(bot.Requests()) != 1 {
		t.Errorf("resend: %q %v, %d requests", id2, err, len(bot.Requests()))
	}
	if got, found, err := c.FindSent(context.Background(), r); !found || got != id || err != nil {
		t.Errorf("FindSent known: %q %v %v", got, found, err)
	}
	r.IdempotencyKey = "ob-unknown"
	if _, found, err := c.FindSent(context.Background(), r); found || err != connector.ErrUnverifiable {
		t.Errorf("FindSent unknown: %v %v", found, err)
	}
}

func TestMigrationSwitchesChat(t *testing.T) {
	const newChat = -1002000000123
	bot := newBot(t, func(method string, p map[string]any) (int, string) {
		if fmt.Sprint(p["chat_id"]) == fmt.Sprint(int64(chatID)) {
			return 400, fmt.Sprintf(`{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":%d}}`, int64(newChat))
		}
		return 200, fmt.Sprintf(`{"ok":true,"result":{"message_id":12,"chat":{"id":%d,"type":"supergroup"},"date":1}}`, int64(newChat))
	})
	var changed []data.Account
	c := newClient(t, bot.URL, Options{OnAccountChange: func(a data.Account) { changed = append(changed, a) }})
	id, err := c.Reply(context.Background(), connector.Reply{Text: "Ответ", MessageExternalID: "-1001876543210:5121"})
	if err != nil || id != "-1002000000123:12" {
		t.Fatalf("%q %v", id, err)
	}
	if len(changed) != 1 || !strings.Contains(changed[0].Config, `"chat_id":-1002000000123`) || !strings.Contains(changed[0].Config, `"note":"kept"`) {
		t.Errorf("account change %+v", changed)
	}
	if c.Account().Config != changed[0].Config {
		t.Error("Account() does not show the new chat")
	}
	reqs := bot.Requests()
	rp := reqs[1].Params["reply_parameters"].(map[string]any)
	if len(reqs) != 2 || fmt.Sprint(rp["chat_id"]) != "-1002000000123" {
		t.Errorf("retry %+v", reqs)
	}
}

func TestPublish(t *testing.T) {
	bot := newBot(t, func(method string, p map[string]any) (int, string) {
		return 200, `{"ok":true,"result":{"message_id":246,"chat":{"id":-1001987654321,"type":"channel"},"date":1}}`
	})
	c := newClient(t, bot.URL, Options{})
	id, err := c.Publish(context.Background(), connector.Publication{IdempotencyKey: "cal-1", Text: "Открыли новую школу в Гагарине.", Media: []string{"https://admin-smolensk.ru/school.jpg"}})
	if err != nil || id != "-1001987654321:246" {
		t.Fatalf("%q %v", id, err)
	}
	r := bot.Requests()[0]
	if r.Method != "sendPhoto" || r.Params["caption"] != "Открыли новую школу в Гагарине." || r.Params["photo"] != "https://admin-smolensk.ru/school.jpg" {
		t.Errorf("%+v", r)
	}
	long := strings.Repeat("ж", maxCaption+1)
	if _, err := c.Publish(context.Background(), connector.Publication{Text: long, Media: []string{"x"}}); connector.Classify(err) != connector.UserVisible {
		t.Errorf("long caption: %v", err)
	}
}

type goldenExport struct {
	Name, Type string
	ChatID     int64
	Service    int
	Posts      []data.Post
	Messages   []data.Message
	Quarantine []string
}

func TestParseExport(t *testing.T) {
	res, err := ParseExport(bytes.NewReader(fixture(t, "result.json")))
	if err != nil {
		t.Fatal(err)
	}
	g := goldenExport{Name: res.Name, Type: res.Type, ChatID: res.ChatID, Service: res.Service, Posts: res.Posts, Messages: res.Messages}
	for _, b := range res.Quarantine {
		g.Quarantine = append(g.Quarantine, b.Reason)
	}
	golden(t, "result.golden.json", g)
	if res.ChatID != chatID || res.Service != 1 || len(res.Posts) != 1 || len(res.Messages) != 4 || len(res.Quarantine) != 2 {
		t.Fatalf("chat %d service %d posts %d messages %d quarantine %d", res.ChatID, res.Service, len(res.Posts), len(res.Messages), len(res.Quarantine))
	}
	if p := res.Posts[0]; p.ExternalID != "-1001876543210:5120" || p.Text != "Напишите, какие дороги нужно отремонтировать. Подробнее: https://admin-smolensk.ru/" {
		t.Errorf("post %+v", p)
	}
	m := res.Messages[1]
	if m.ExternalID != "-1001876543210:5122" || m.PostExternalID != "-1001876543210:5120" || m.ParentExternalID != "-1001876543210:5121" ||
		m.AuthorExternalID != "380000007" || len(m.Attachments) != 1 {
		t.Errorf("reply to a comment %+v", m)
	}
	if m := res.Messages[3]; !m.CreatedAt.Equal(time.Date(2025, 1, 2, 6, 50, 0, 0, time.UTC)) {
		t.Errorf("local date without unixtime read as %v", m.CreatedAt)
	}
}

func TestParseExportErrors(t *testing.T) {
	for _, in := range []string{``, `[]`, `{"name":"x"}`, `{"messages":[]}`, `{"type":"personal_chat","messages":[{"id":1,"type":"message","date_unixtime":"1","text":"a"}`} {
		if _, err := ParseExport(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	// A structural error keeps what came before it.
	in := `{"type":"personal_chat","id":5,"messages":[{"id":1,"type":"message","date_unixtime":"1735800000","from_id":"user5","text":"Добрый день"},{"id":2,`
	n := 0
	_, err := StreamExport(strings.NewReader(in), func(ExportItem) error { n++; return nil })
	if err == nil || n != 1 {
		t.Errorf("err %v after %d items", err, n)
	}
}

// TestStreamExportLarge streams a synthetic export of 120k messages and
// checks memory stays far below the file size.
func TestStreamExportLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large export")
	}
	const n = 120000
	pr, pw := io.Pipe()
	cw := &countingWriter{w: pw}
	written := make(chan struct{})
	go func() {
		defer close(written)
		pw := cw
		fmt.Fprint(pw, `{"name":"Обсуждение","type":"public_supergroup","id":1876543210,"messages":[`)
		for i := 1; i <= n; i++ {
			if i > 1 {
				fmt.Fprint(pw, ",")
			}
			fmt.Fprintf(pw, `{"id":%d,"type":"message","date_unixtime":"%d","from":"Житель","from_id":"user%d","reply_to_message_id":%d,"text":["В Ярцеве ",{"type":"bold","text":"нет воды"}," третий день, когда дадут?"]}`, i, 1735800000+i, i%500, max(i-1, 1))
		}
		fmt.Fprint(pw, `]}`)
		cw.w.Close()
	}()
	runtime.GC()
	var ms runtime.MemStats
	peak := uint64(0)
	count := 0
	sum, err := StreamExport(pr, func(it ExportItem) error {
		count++
		if count%20000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil || count != n || sum.Items != n {
		t.Fatalf("%v: %d items", err, count)
	}
	<-written
	t.Logf("%d MB streamed, peak heap in use %d MB", cw.n>>20, peak>>20)
	if peak > uint64(cw.n)/2 {
		t.Errorf("peak heap %d bytes for a %d byte export: not streaming", peak, cw.n)
	}
}

type countingWriter struct {
	w *io.PipeWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func FuzzParseUpdates(f *testing.F) {
	var env envelope
	_ = json.Unmarshal(fixture(f, "updates.json"), &env)
	f.Add([]byte(env.Result))
	f.Add([]byte(`[{"update_id":1,"message":{"message_id":2,"chat":{"id":3,"type":"group"},"reply_to_message":{"message_id":2}}}]`))
	var cfg Config
	_ = json.Unmarshal([]byte(acc.Config), &cfg)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseUpdates(b, acc, cfg, "")
		if err != nil {
			return
		}
		for _, m := range p.Messages {
			if _, _, err := ParseChatKey(m.ExternalID); err != nil {
				t.Fatalf("bad id %q", m.ExternalID)
			}
			if m.ParentExternalID != "" && m.ParentExternalID == m.PostExternalID {
				t.Fatalf("parent equals post: %+v", m)
			}
		}
	})
}

func FuzzParseExport(f *testing.F) {
	f.Add(fixture(f, "result.json"))
	f.Add([]byte(`{"type":"public_channel","id":1,"messages":[{"id":1,"type":"message","date_unixtime":"1","text":[1]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := ParseExport(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, m := range res.Messages {
			if m.ExternalID == "" || m.Platform != data.Telegram {
				t.Fatalf("bad message %+v", m)
			}
		}
	})
}
