-- Otklik store, first schema. Times are INTEGER unix seconds UTC; NULL means "not set".

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT '',
    demo        INTEGER NOT NULL DEFAULT 0,
    config      TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE authors (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    UNIQUE (platform, external_id)
);

CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY,
    platform           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    account_id         INTEGER NOT NULL REFERENCES accounts(id),
    post_external_id   TEXT NOT NULL DEFAULT '',
    parent_external_id TEXT NOT NULL DEFAULT '',
    author_id          INTEGER REFERENCES authors(id),
    text               TEXT NOT NULL DEFAULT '',
    url                TEXT NOT NULL DEFAULT '',
    attachments        TEXT,              -- JSON array, NULL when none
    created_at         INTEGER NOT NULL,
    sort_key           INTEGER NOT NULL,  -- created_at<<30 | id: the keyset order, unique
    from_office        INTEGER NOT NULL DEFAULT 0,
    deleted            INTEGER NOT NULL DEFAULT 0,
    district           TEXT NOT NULL DEFAULT '',
    category           TEXT NOT NULL DEFAULT '',
    sentiment          TEXT NOT NULL DEFAULT '',
    district_manual    INTEGER NOT NULL DEFAULT 0,
    category_manual    INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new','in_progress','answered','forwarded','closed','spam')),
    assignee           TEXT NOT NULL DEFAULT '',
    first_response_due INTEGER,
    answer_due         INTEGER,
    first_response_at  INTEGER,
    updated_at         INTEGER NOT NULL,
    UNIQUE (platform, external_id)
);

-- Keyset order is sort_key DESC (created_at, then id, in one unique
-- integer). Each filter's index is (column, sort_key, …): equality on the
-- column pages in order without sorting, and the trailing columns let the
-- scan reject rows on the other common filters without reading the table.
CREATE INDEX messages_sort      ON messages(sort_key, from_office, status, district, category);
CREATE INDEX messages_district  ON messages(district, sort_key, category, status, from_office);
CREATE INDEX messages_category  ON messages(category, sort_key, status, from_office);
CREATE INDEX messages_status    ON messages(status, sort_key, from_office);
CREATE INDEX messages_platform  ON messages(platform, sort_key);
CREATE INDEX messages_account   ON messages(account_id, sort_key);
CREATE INDEX messages_assignee  ON messages(assignee, sort_key);
CREATE INDEX messages_sentiment ON messages(sentiment, sort_key);
CREATE INDEX messages_author    ON messages(author_id, sort_key);
-- Thread walks and "has unanswered replies".
CREATE INDEX messages_parent    ON messages(platform, parent_external_id);
-- Deadlines only matter while a message is open; these stay tiny.
CREATE INDEX messages_open_first_due  ON messages(first_response_due) WHERE status IN ('new','in_progress');
CREATE INDEX messages_open_answer_due ON messages(answer_due)         WHERE status IN ('new','in_progress');

-- Stemmed search. Contentless (the stemmed copy is not stored twice) with
-- delete support for edited remote text. The rowid is messages.sort_key, so
-- newest-first search walks the index backwards and stops at the page size
-- instead of sorting every hit.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE message_tags (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (message_id, tag)
) WITHOUT ROWID;
CREATE INDEX message_tags_tag ON message_tags(tag, message_id);

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    author     TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_message ON notes(message_id, created_at);

CREATE TABLE templates (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    text     TEXT NOT NULL
);

CREATE TABLE calendar_items (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER REFERENCES accounts(id),
    kind         TEXT NOT NULL DEFAULT 'post',
    title        TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT '',
    district     TEXT NOT NULL DEFAULT '',
    planned_at   INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'idea',
    approver     TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    remote_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calendar_items_planned ON calendar_items(planned_at);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts(id),
    kind             TEXT NOT NULL CHECK (kind IN ('reply','post')),
    message_id       INTEGER REFERENCES messages(id),
    calendar_item_id INTEGER REFERENCES calendar_items(id),
    idempotency_key  TEXT NOT NULL UNIQUE,
    payload          TEXT NOT NULL DEFAULT '{}',
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sending','sent','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_try         INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    remote_id        TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX outbox_state ON outbox(state, next_try);

-- Content-calendar regularity rules ("a video from every district monthly").
CREATE TABLE regularity_rules (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE broadcasts (
    id                   INTEGER PRIMARY KEY,
    district             TEXT NOT NULL,
    planned_at           INTEGER NOT NULL,
    title                TEXT NOT NULL DEFAULT '',
    announcement_post_id INTEGER REFERENCES posts(id),
    status               TEXT NOT NULL DEFAULT 'planned'
);
CREATE INDEX broadcasts_planned ON broadcasts(planned_at);

-- A shortlisted question: one message, or a group of near-duplicates
-- (group_key) summarised in text.
CREATE TABLE broadcast_questions (
    id              INTEGER PRIMARY KEY,
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    message_id      INTEGER REFERENCES messages(id),
    group_key       TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    agency          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    position        INTEGER NOT NULL DEFAULT 0,
    answered_on_air INTEGER NOT NULL DEFAULT 0,
    followup_owner  TEXT NOT NULL DEFAULT '',
    followup_due    INTEGER
);
CREATE INDEX broadcast_questions_order ON broadcast_questions(broadcast_id, position);

CREATE TABLE sync_cursors (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;

CREATE TABLE notification_log (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    threshold  TEXT NOT NULL,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (message_id, threshold)
) WITHOUT ROWID;

-- Remote items that could not be stored as messages; kept so nothing is lost.
CREATE TABLE quarantine (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id),
    payload    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- A user's district correction for an author; applied to the author's
-- future and re-pulled messages so the correction sticks.
CREATE TABLE corrections (
    platform           TEXT NOT NULL,
    author_external_id TEXT NOT NULL,
    district           TEXT NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (platform, author_external_id)
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
