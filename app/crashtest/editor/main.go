//go:build crashtest

// Command editor is the crash suite's stand-in for a secretary at the inbox:
// it makes bulk edits through the core, as the UI does, announcing each one
// on stdout before it starts ("begin …") and after the core reported it
// saved ("saved"), until it is killed.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"otklik/app"
	"otklik/data"
)

func main() {
	dbPath := flag.String("db", "", "the store")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Options{DBPath: *dbPath})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
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
