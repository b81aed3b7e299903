-- Full-text index over Log."searchText" (normalised tokens built by src/search/tokenize.ts).
-- The tokens are taken verbatim (no parser, no stemming), so PostgreSQL indexes exactly what SQLite's
-- FTS5 indexes and both databases return the same rows. Phrases are checked on "searchText".
ALTER TABLE "Log" ADD COLUMN "search" tsvector
  GENERATED ALWAYS AS (array_to_tsvector(string_to_array("searchText", ' '))) STORED;

CREATE INDEX "Log_search_idx" ON "Log" USING GIN ("search");
