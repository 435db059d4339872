-- The inbox sidebar and the broadcast panel count open residents' messages
-- per district and category on every refresh; this covering partial index
-- answers those counts without touching the table.
CREATE INDEX messages_open_district_category
    ON messages(district, category)
    WHERE status IN ('new','in_progress') AND from_office = 0;
