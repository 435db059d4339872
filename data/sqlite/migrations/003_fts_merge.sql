-- Merge the search index's segments less eagerly while comments pour in:
-- with the default (4) a large ingest spends much of its time re-merging
-- the same terms; 16 keeps inserts cheap and searches unchanged in practice.
INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16);
