-- The broadcast panel counts a municipality's messages of a period by
-- category, platform, sentiment, day and openness. Carrying platform and
-- sentiment in the district index (the day comes from sort_key) answers it
-- from the index alone: measured at 1.6M messages, 90 days of Рославль,
-- 180 ms → 30 ms, instead of reading ~100 000 rows from the table.
DROP INDEX messages_district;
CREATE INDEX messages_district ON messages(district, sort_key, category, status, from_office, platform, sentiment);
