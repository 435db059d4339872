//go:build notify_integration

// This test talks to a real notification daemon. Run it through
// .ci/notify-it.sh, which starts a private session bus and dunst under Xvfb.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"testing"
	"time"

	"otklik/data"
)

type received struct{ app, title, body string }

// hostPath is PATH before the test hides notify-send from beeep.
var hostPath = os.Getenv("PATH")

// dunstHistory closes whatever is on screen (only closed notifications reach
// the history) and returns the history, newest first.
func dunstHistory(t *testing.T, dunstctl string) []received {
	t.Helper()
	// dunstctl is a shell script over dbus-send: give it the real PATH back.
	command := func(arg string) *exec.Cmd {
		c := exec.Command(dunstctl, arg)
		c.Env = append(os.Environ(), "PATH="+hostPath)
		return c
	}
	if out, err := command("close-all").CombinedOutput(); err != nil {
		t.Fatalf("dunstctl close-all: %v\n%s", err, out)
	}
	var last []received
	for i := 0; i < 50; i++ { // closing is asynchronous
		out, err := command("history").Output()
		if err != nil {
			t.Fatalf("dunstctl history: %v", err)
		}
		var h struct {
			Data [][]map[string]struct {
				Data any `json:"data"`
			} `json:"data"`
		}
		if err := json.Unmarshal(out, &h); err != nil {
			t.Fatalf("dunstctl history JSON: %v\n%s", err, out)
		}
		last = nil
		for _, group := range h.Data {
			for _, n := range group {
				s := func(k string) string { v, _ := n[k].Data.(string); return v }
				last = append(last, received{s("appname"), s("summary"), s("body")})
			}
		}
		if len(last) > 0 {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	return last
}

func testIcon(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for x := 0; x < 32; x++ {
		for y := 0; y < 32; y++ {
			img.Set(x, y, color.RGBA{R: 0x1f, G: 0x6f, B: 0xb5, A: 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDesktopNotification(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no session bus: run through .ci/notify-it.sh")
	}
	dunstctl, err := exec.LookPath("dunstctl")
	if err != nil {
		t.Fatal("dunstctl not installed")
	}
	// Hide notify-send so a pass proves the native D-Bus route, not the fallback.
	t.Setenv("PATH", t.TempDir())

	n := BeeepNotifier{AppName: "Отклик", Icon: testIcon(t)}

	t.Run("direct", func(t *testing.T) {
		title, body := "Просрочен ответ: Рославль", "ВКонтакте · поступило 24 ноября в 10:00\nОтвет: просрочено на 25 минут"
		if err := n.Notify(title, body); err != nil {
			t.Fatalf("Notify: %v", err)
		}
		got := dunstHistory(t, dunstctl)
		t.Logf("daemon received: app=%q title=%q body=%q", got[0].app, got[0].title, got[0].body)
		if want := (received{"Отклик", title, body}); got[0] != want {
			t.Errorf("daemon got %+v, want %+v", got[0], want)
		}
	})

	t.Run("watcher summary", func(t *testing.T) {
		src := newSource()
		for i, d := range []struct{ name, in string }{
			{"Рославль", "в Рославле"}, {"Вязьма", "в Вязьме"}, {"Рославль", "в Рославле"},
			{"Ельня", "в Ельне"}, {"Рославль", "в Рославле"}, {"Вязьма", "в Вязьме"}, {"Сафоново", "в Сафонове"},
		} {
			src.add(Due{MessageID: int64(i + 1), District: d.name, DistrictIn: d.in, Platform: data.VK,
				Created: at(2025, 11, 24, 10, 0), FirstResponseDue: at(2025, 11, 24, 14, 0), AnswerDue: at(2025, 11, 24, 18, 0)})
		}
		w := New(src, n, Options{Clock: func() time.Time { return at(2025, 11, 25, 9, 30) }, Location: msk})
		if err := w.Check(context.Background()); err != nil {
			t.Fatalf("Check: %v", err)
		}
		got := dunstHistory(t, dunstctl)
		t.Logf("daemon received: app=%q title=%q body=%q", got[0].app, got[0].title, got[0].body)
		want := received{"Отклик", "Просроченные обращения", "7 обращений просрочено, 3 — в Рославле"}
		if got[0] != want {
			t.Errorf("daemon got %+v, want %+v", got[0], want)
		}
		if c := w.Counts(); c.Overdue != 7 {
			t.Errorf("counts %+v, want 7 overdue", c)
		}
	})
}
