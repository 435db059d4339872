package app

import (
	"context"
	"strconv"
	"testing"

	"otklik/data"
	"otklik/data/sqlite"
)

func msgs(n int) []sqlite.IngestMessage { return make([]sqlite.IngestMessage, n) }

// TestIngesterGroupsWaitingBatches checks which waiting batches share a
// transaction: same account, no cursor, up to groupRows messages.
func TestIngesterGroupsWaitingBatches(t *testing.T) {
	cases := []struct {
		name      string
		first     sqlite.Batch
		waiting   []sqlite.Batch
		wantRows  int
		wantHeld  bool // a batch taken but left for the next transaction
		wantLeft  int  // batches still in the queue
		wantPosts int
	}{
		{"mixed batches merge", sqlite.Batch{Messages: msgs(10)},
			[]sqlite.Batch{{Messages: msgs(5), Posts: []data.Post{{}}}, {Messages: msgs(7)}}, 22, false, 0, 1},
		{"a cursor batch waits its turn", sqlite.Batch{Messages: msgs(10)},
			[]sqlite.Batch{{Messages: msgs(5)}, {AccountID: 1, Messages: msgs(3), CursorKey: "wall", CursorValue: "9"}, {Messages: msgs(4)}},
			15, true, 1, 0},
		{"a cursor batch is written alone", sqlite.Batch{AccountID: 1, Messages: msgs(3), CursorKey: "wall"},
			[]sqlite.Batch{{AccountID: 1, Messages: msgs(5)}}, 3, false, 1, 0},
		{"another account waits", sqlite.Batch{AccountID: 1, Messages: msgs(3)},
			[]sqlite.Batch{{AccountID: 2, Messages: msgs(5)}}, 3, true, 0, 0},
		{"the group stops at groupRows", sqlite.Batch{Messages: msgs(groupRows - 1)},
			[]sqlite.Batch{{Messages: msgs(5)}, {Messages: msgs(5)}}, groupRows + 4, false, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &Ingester{ctx: context.Background(), work: make(chan sqlite.Batch, len(tc.waiting))}
			for _, b := range tc.waiting {
				in.work <- b
			}
			b := tc.first
			held := in.group(&b)
			if len(b.Messages) != tc.wantRows {
				t.Errorf("rows in the transaction = %d, want %d", len(b.Messages), tc.wantRows)
			}
			if len(b.Posts) != tc.wantPosts {
				t.Errorf("posts = %d, want %d", len(b.Posts), tc.wantPosts)
			}
			if (held != nil) != tc.wantHeld {
				t.Errorf("held = %v, want %v", held != nil, tc.wantHeld)
			}
			if len(in.work) != tc.wantLeft {
				t.Errorf("left in the queue = %d, want %d", len(in.work), tc.wantLeft)
			}
		})
	}
}

// TestIngesterKeepsEveryBatch feeds more batches than the queue holds, a
// cursor among them, and checks every row and the cursor are stored.
func TestIngesterKeepsEveryBatch(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	db, err := a.store()
	if err != nil {
		t.Fatal(err)
	}
	acc := data.Account{Platform: data.VK, ExternalID: "-1", Name: "Смоленская область"}
	if err := db.UpsertAccount(ctx, &acc); err != nil {
		t.Fatal(err)
	}
	in := a.NewIngester(ctx)
	total := 0
	for i := range 3 * queueDepth {
		var ms []data.Message
		for j := range 50 {
			ms = append(ms, data.Message{Platform: data.VK, AccountID: acc.ID, ExternalID: "-1_" + strconv.Itoa(i*100+j),
				Text: "Когда починят дорогу в Рославле?", CreatedAt: benchNow})
		}
		total += len(ms)
		key, val := "", ""
		if i == queueDepth {
			key, val = "wall", strconv.Itoa(i)
		}
		account := int64(0)
		if key != "" {
			account = acc.ID
		}
		if err := in.Add(account, nil, ms, key, val); err != nil {
			t.Fatal(err)
		}
	}
	st, err := in.Close()
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != total {
		t.Fatalf("inserted %d, want %d", st.Inserted, total)
	}
	if c, err := db.Cursor(ctx, acc.ID, "wall"); err != nil || c != strconv.Itoa(queueDepth) {
		t.Fatalf("cursor = %q, %v; want %q", c, err, strconv.Itoa(queueDepth))
	}
}
