//go:build crashtest

// Command editor is the crash suite's stand-in for a secretary at the inbox:
// it makes bulk edits through the core, as the UI does, announcing each one
// on stdout before it starts ("begin …") and after the core reported it
// saved ("saved"), until it is killed. With --replies N it instead answers N
// residents' comments from the networks (a store that `otklik sync` fills),
// as the reply box does, and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"otklik/app"
	"otklik/data"
)

func main() {
	dbPath := flag.String("db", "", "the store")
	seed := flag.Uint64("seed", 1, "random seed")
	replies := flag.Int("replies", 0, "answer this many comments from VK and Telegram, then exit (0: bulk edits until killed)")
	flag.Parse()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Options{DBPath: *dbPath})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *replies > 0 {
		err := answer(ctx, a, *seed, *replies)
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	page, err := a.Inbox(ctx, app.Query{}, data.Cursor{}, 2000)
	if err != nil || len(page.Items) == 0 {
		fmt.Fprintln(os.Stderr, "no messages:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	rng := rand.New(rand.NewPCG(*seed, 7))
	statuses := []data.Status{data.StatusNew, data.StatusInProgress, data.StatusForwarded, data.StatusClosed, data.StatusSpam}
	people := []string{"Анна Ковалёва", "Дмитрий Лебедев", "Ирина Соколова", ""}
	pick := func(n int) []int64 {
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = page.Items[rng.IntN(len(page.Items))].ID
		}
		return ids
	}
	join := func(ids []int64) string {
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = fmt.Sprint(id)
		}
		return strings.Join(s, ",")
	}
	for seq := 0; ; seq++ {
		var line string
		var op func() error
		switch rng.IntN(4) {
		case 0:
			ids, s := pick(1+rng.IntN(200)), statuses[rng.IntN(len(statuses))]
			line = fmt.Sprintf("status %s %s", join(ids), s)
			op = func() error { return a.SetStatus(ctx, ids, s) }
		case 1:
			ids, who := pick(1+rng.IntN(200)), people[rng.IntN(len(people))]
			line = fmt.Sprintf("assign %s %s", join(ids), who)
			op = func() error { return a.Assign(ctx, ids, who) }
		case 2:
			id := pick(1)[0]
			text := fmt.Sprintf("Передано в администрацию района, запрос № %d-%d", *seed, seq)
			line = fmt.Sprintf("note %d %s", id, text)
			op = func() error { return a.AddNote(ctx, id, text) }
		case 3:
			id := pick(1)[0]
			text := fmt.Sprintf("Здравствуйте! Ваше обращение передано ответственным, номер %d-%d.", *seed, seq)
			line = fmt.Sprintf("reply %d %s", id, app.ReplyKey(id, text))
			op = func() error {
				it, err := a.Reply(ctx, id, text)
				if err == nil && it.ID == 0 {
					line = fmt.Sprintf("portal %d", id) // ПОС: a note, not an outbox item
				}
				return err
			}
		}
		fmt.Println("begin", line)
		if err := op(); err != nil {
			fmt.Println("error", err)
			continue
		}
		fmt.Println("saved", line)
	}
}

// answer queues n replies to residents' comments on VK and Telegram, each
// with a text of its own (the suite finds Telegram's sends by text), with
// short pauses between them, as a secretary answering one by one would.
// The comments may still be arriving: it waits up to 4 s for the first.
func answer(ctx context.Context, a *app.App, seed uint64, n int) error {
	q := app.Query{Filter: data.Filter{Platforms: []data.Platform{data.VK, data.Telegram}}}
	var residents []int64
	for start := time.Now(); len(residents) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Since(start) > 4*time.Second {
			fmt.Println("no messages")
			return nil
		}
		page, err := a.Inbox(ctx, q, data.Cursor{}, 500)
		if err != nil {
			return err
		}
		for _, m := range page.Items {
			if !m.FromOffice && !m.Deleted {
				residents = append(residents, m.ID)
			}
		}
	}
	fmt.Println("ready")
	rng := rand.New(rand.NewPCG(seed, 11))
	for seq := range n {
		id := residents[rng.IntN(len(residents))]
		text := fmt.Sprintf("Здравствуйте! Ответ %d-%d: ваше обращение передано ответственным.", seed, seq)
		line := fmt.Sprintf("reply %d %s", id, app.ReplyKey(id, text))
		fmt.Println("begin", line)
		if _, err := a.Reply(ctx, id, text); err != nil {
			fmt.Println("error", err)
			continue
		}
		fmt.Println("saved", line)
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
	}
	fmt.Println("done")
	return nil
}
