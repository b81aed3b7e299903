-- PostgreSQL only (its full-text index gains the search column tokens). SQLite's FTS5 match is joined
-- to the column's own index already, which meets the search target; this keeps both ledgers in step.
SELECT 1;
