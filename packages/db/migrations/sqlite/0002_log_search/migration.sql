-- Full-text index over Log."searchText" (normalised tokens built by src/search/tokenize.ts).
-- External-content FTS5: the text lives once, in Log; the index is kept in sync by triggers.
-- The `ascii` tokenizer splits only on ASCII non-alphanumerics; the stored tokens contain none,
-- so FTS5 sees exactly the tokens PostgreSQL indexes and both databases return the same rows.
CREATE VIRTUAL TABLE "LogSearch" USING fts5("searchText", content='Log', content_rowid='id', tokenize='ascii');

CREATE TRIGGER "Log_search_insert" AFTER INSERT ON "Log" BEGIN
  INSERT INTO "LogSearch"(rowid, "searchText") VALUES (new."id", new."searchText");
END;

CREATE TRIGGER "Log_search_delete" AFTER DELETE ON "Log" BEGIN
  INSERT INTO "LogSearch"("LogSearch", rowid, "searchText") VALUES ('delete', old."id", old."searchText");
END;

CREATE TRIGGER "Log_search_update" AFTER UPDATE OF "searchText" ON "Log" BEGIN
  INSERT INTO "LogSearch"("LogSearch", rowid, "searchText") VALUES ('delete', old."id", old."searchText");
  INSERT INTO "LogSearch"(rowid, "searchText") VALUES (new."id", new."searchText");
END;
