package ok

import (
	"context"
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

	"otklik/app/connector"
	"otklik/data"
)

// TestSignWorkedExample checks Sign against a signature worked out by hand
// (md5sum on the command line), step by step:
//
//	md5("tkn1" + "secretKEY") = 9c14ea8a6a594ffb7c7758355fcd1f65
//	sorted params, access_token excluded:
//	  application_key=CBAFGHIJKLMNOPcount=100discussionId=123456
//	  discussionType=GROUP_TOPICformat=jsonmethod=discussions.getComments
//	md5(that + 9c14ea8a6a594ffb7c7758355fcd1f65) = 5776958813dd3ea5718273ee16d7faf0
func TestSignWorkedExample(t *testing.T) {
	p := url.Values{
		"method":          {"discussions.getComments"},
		"discussionType":  {"GROUP_TOPIC"},
		"discussionId":    {"123456"},
		"count":           {"100"},
		"format":          {"json"},
		"application_key": {"CBAFGHIJKLMNOP"},
		"access_token":    {"tkn1"}, // never part of the signature
	}
	if got := Sign(p, "tkn1", "secretKEY"); got != "5776958813dd3ea5718273ee16d7faf0" {
		t.Errorf("Sign = %s", got)
	}
	p.Set("count", "99")
	if Sign(p, "tkn1", "secretKEY") == "5776958813dd3ea5718273ee16d7faf0" {
		t.Error("signature ignores a parameter")
	}
}

type fakeOK struct {
	*httptest.Server
	mu    sync.Mutex
	calls []url.Values
}

func newFake(t *testing.T, answer func(url.Values) string) *fakeOK {
	f := &fakeOK{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		f.calls = append(f.calls, r.PostForm)
		f.mu.Unlock()
		// Check the signature as OK does.
		if Sign(r.PostForm, "tok-ok", "sec-ok") != r.PostForm.Get("sig") {
			fmt.Fprint(w, `{"error_code":104,"error_data":null,"error_msg":"PARAM_SIGNATURE : Invalid signature"}`)
			return
		}
		fmt.Fprint(w, answer(r.PostForm))
	}))
	t.Cleanup(f.Close)
	return f
}

func read(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func client(t *testing.T, base, secret string) *Client {
	acc := data.Account{ID: 9, Platform: data.OK, ExternalID: "53038939046008",
		Config: fmt.Sprintf(`{"base_url":%q,"application_key":"CBAFGHIJKLMNOP"}`, base)}
	c, err := New(acc, "tok-ok", secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBackfillFollowsAnchors(t *testing.T) {
	f := newFake(t, func(p url.Values) string {
		switch p.Get("method") {
		case "discussions.getList":
			return read(t, "getList.json")
		case "discussions.getComments":
			if p.Get("anchor") == "" {
				return read(t, "getComments_1.json")
			}
			return read(t, "getComments_2.json")
		}
		return `{"error_code":3,"error_msg":"METHOD : Method not found"}`
	})
	c := client(t, f.URL, "sec-ok")
	var posts []data.Post
	var msgs []data.Message
	var bad []connector.Bad
	cur := ""
	for i := 0; ; i++ {
		if i > 10 {
			t.Fatal("backfill never ends")
		}
		p, err := c.Backfill(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		posts, msgs, bad = append(posts, p.Posts...), append(msgs, p.Messages...), append(bad, p.Quarantine...)
		if !p.More {
			break
		}
		cur = p.Cursor
	}
	if len(posts) != 2 || posts[0].ExternalID != "GROUP_TOPIC:154203918217" || posts[1].ExternalID != "GROUP_TOPIC:154203918218" ||
		posts[0].URL != "https://ok.ru/group/53038939046008/topic/154203918217" {
		t.Errorf("posts %+v", posts)
	}
	if len(msgs) != 3 || len(bad) != 2 {
		t.Fatalf("%d messages, %d quarantined", len(msgs), len(bad))
	}
	if m := msgs[1]; m.ParentExternalID != "MTU0MjAzOTE4MjE3OjE" || m.PostExternalID != "GROUP_TOPIC:154203918217" || m.AuthorName != "Ирина Семёнова" {
		t.Errorf("reply %+v", m)
	}
	if m := msgs[0]; m.CreatedAt.Format("2006-01-02 15:04") != "2025-03-01 08:15" {
		t.Errorf("Moscow time read as %v", m.CreatedAt)
	}
	if !msgs[2].Deleted || msgs[2].Text != "" {
		t.Errorf("deleted %+v", msgs[2])
	}
	var methods []string
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.calls {
		methods = append(methods, p.Get("method")+"@"+p.Get("anchor"))
		if p.Get("format") != "json" || p.Get("application_key") != "CBAFGHIJKLMNOP" || p.Get("access_token") != "tok-ok" {
			t.Errorf("request %v", p)
		}
	}
	// The topic without comments is not asked for.
	if got := strings.Join(methods, " "); got != "discussions.getList@ discussions.getComments@ discussions.getComments@MTU0MjAzOTE4MjE3OjI" {
		t.Errorf("calls %s", got)
	}
}

func TestErrorEnvelope(t *testing.T) {
	for _, tt := range []struct {
		code int
		kind connector.Kind
	}{{1, connector.Transient}, {2, connector.Transient}, {8, connector.RateLimited}, {10, connector.Permanent},
		{100, connector.Permanent}, {102, connector.AuthFailed}, {103, connector.AuthFailed}, {7, connector.UserVisible}} {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			f := newFake(t, func(url.Values) string {
				return fmt.Sprintf(`{"error_code":%d,"error_data":null,"error_msg":"failed, access_token=tok-ok"}`, tt.code)
			})
			_, err := client(t, f.URL, "sec-ok").Backfill(context.Background(), "")
			if connector.Classify(err) != tt.kind || strings.Contains(err.Error(), "tok-ok") {
				t.Errorf("%v: %v", err, connector.Classify(err))
			}
		})
	}
	// A wrong secret: the server rejects the signature, the token is dead to us.
	f := newFake(t, func(url.Values) string { return `{}` })
	if _, err := client(t, f.URL, "wrong").Backfill(context.Background(), ""); connector.Classify(err) != connector.AuthFailed {
		t.Errorf("bad signature: %v", err)
	}
}

func FuzzParseOKComments(f *testing.F) {
	f.Add([]byte(`{"comments":[{"id":"a","text":"x","date":"2025-03-01 11:15:00"}],"has_more":true}`))
	f.Add([]byte(`{"comments":[{"id":5,"reply_to_comment_id":7}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, msgs, bad, err := parseComments(b, data.Account{}, ref{"GROUP_TOPIC", "1"}, "")
		if err != nil {
			return
		}
		for _, m := range msgs {
			if m.ExternalID == "" {
				t.Fatal("message without id")
			}
		}
		_ = bad
	})
}
