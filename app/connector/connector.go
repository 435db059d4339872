// Package connector defines what the sync engine expects from a network:
// pulling pages of posts and comments with an opaque cursor, long-polling for
// new ones, and sending replies and posts. Each network lives in its own
// subpackage (vk, telegram, ok, pos) and implements the capabilities it has;
// the engine discovers them with type assertions.
package connector

import (
	"context"

	"otklik/data"
)

// Page is one batch pulled from a network. The engine writes Posts and
// Messages and stores Cursor in the same transaction, so a crash never skips
// or half-applies a page.
type Page struct {
	Posts    []data.Post
	Messages []data.Message // a Message with Deleted set and no Text marks a removal: keep the stored text
	Cursor   string         // opaque; pass it back unchanged on the next call
	More     bool           // another call would return more right away (backfill)
	// Resync is set when the network lost part of the live history (VK Long
	// Poll "failed": 1): the engine should run a backfill to fill the gap.
	Resync bool
	// Quarantine holds items that could not be parsed. They never stop the
	// stream; the engine keeps them for inspection.
	Quarantine []Bad
}

// Bad is an item that could not be understood: its raw payload and why.
type Bad struct {
	Raw    []byte
	Reason string
}

// Reply is an answer to a resident's comment, taken from the outbox.
type Reply struct {
	IdempotencyKey    string // the outbox key; networks that accept one get it (VK guid)
	Text              string
	MessageExternalID string // the comment replied to; "" replies to the post itself
	PostExternalID    string // the post the comment is under; "" for direct messages
}

// Publication is a post to publish on the account.
type Publication struct {
	IdempotencyKey string
	Text           string
	// Media are network-specific references: VK "photo-123_456", Telegram a
	// file_id or an HTTPS URL of a photo.
	Media []string
}

// Connector is one account on one network. Everything else is optional.
type Connector interface {
	Platform() data.Platform
	Account() data.Account
}

// Backfiller pages through history. An empty cursor starts from the newest
// items the connector is configured to reach; More=false ends the walk.
type Backfiller interface {
	Backfill(ctx context.Context, cursor string) (Page, error)
}

// Live waits for new items once (one long-poll round) and returns them. An
// empty cursor starts from now; history before that comes from Backfill.
type Live interface {
	Poll(ctx context.Context, cursor string) (Page, error)
}

// Replier sends a reply and returns its external id on the network, in the
// same form the connector uses for ingested messages.
type Replier interface {
	Reply(ctx context.Context, r Reply) (remoteID string, err error)
}

// Reconciler reads back after an ambiguous failure (see IsAmbiguous) to tell
// whether a reply landed, so that it is not sent twice.
type Reconciler interface {
	FindSent(ctx context.Context, r Reply) (remoteID string, found bool, err error)
}

// Publisher publishes a post and returns its external id.
type Publisher interface {
	Publish(ctx context.Context, p Publication) (remoteID string, err error)
}

// Hider removes a comment from public view on the network.
type Hider interface {
	Hide(ctx context.Context, externalID string) error
}
