-- The full-text index also holds each row's short search column values as tokens (`·decky·web-01`,
-- `·service·ssh`, `·eventType·login`): a word with a column filter (`admin service:ssh`) is one GIN
-- lookup that yields only the rows matching both, instead of every row of the word, each read to
-- check its column. The expression is src/search/compile.ts PG_SEARCH_VECTOR, written without the
-- `l.` alias; queries must use it verbatim to reach the index. Values over 128 characters get no token
-- (a lexeme is capped) and are matched by their column's btree index as before.
DROP INDEX "Log_search_idx";
CREATE INDEX "Log_search_idx" ON "Log" USING GIN ((
  "search" || array_to_tsvector(array_remove(ARRAY[
    CASE WHEN length("decky") <= 128 THEN '·decky·' || "decky" END,
    CASE WHEN length("service") <= 128 THEN '·service·' || "service" END,
    CASE WHEN length("eventType") <= 128 THEN '·eventType·' || "eventType" END
  ], NULL))
));
