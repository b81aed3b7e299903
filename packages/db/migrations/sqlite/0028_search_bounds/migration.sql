-- Search at scale (issue 21).
-- 1. Each search column's index gains the system flag: a filter's attack rows (`service:ssh`, probes
--    left out by default) are one index range, counted without reading a Log row and, the rowid
--    ending every entry, already in id order for the newest-first page.
DROP INDEX "Log_decky_idx";
DROP INDEX "Log_service_idx";
DROP INDEX "Log_eventType_idx";
DROP INDEX "Log_attackerIp_idx";
CREATE INDEX "Log_decky_system_idx" ON "Log"("decky", "system");
CREATE INDEX "Log_service_system_idx" ON "Log"("service", "system");
CREATE INDEX "Log_eventType_system_idx" ON "Log"("eventType", "system");
CREATE INDEX "Log_attackerIp_system_idx" ON "Log"("attackerIp", "system");

-- 2. The hour counts keep the lowest and highest Log id of each hour: a time-bounded search walks
--    only the ids its window's hours hold (the primary key or the full-text index by rowid) instead
--    of every match of all time. Rebuilt from the Log rows with the counts.
DROP TRIGGER "Log_hour_count";
CREATE TABLE "new_LogHourCount" (
    "hour" INTEGER NOT NULL,
    "service" TEXT NOT NULL,
    "system" BOOLEAN NOT NULL,
    "writer" INTEGER NOT NULL DEFAULT 0,
    "count" INTEGER NOT NULL,
    "minId" INTEGER NOT NULL,
    "maxId" INTEGER NOT NULL,

    PRIMARY KEY ("hour", "service", "system", "writer")
);
INSERT INTO "new_LogHourCount" ("hour", "service", "system", "count", "minId", "maxId")
SELECT CAST(strftime('%s', "timestamp") AS INTEGER) / 3600, "service", "system", count(*), min("id"), max("id")
FROM "Log" GROUP BY 1, 2, 3;
DROP TABLE "LogHourCount";
ALTER TABLE "new_LogHourCount" RENAME TO "LogHourCount";

CREATE TRIGGER "Log_hour_count" AFTER INSERT ON "Log" BEGIN
  INSERT INTO "LogHourCount" ("hour", "service", "system", "count", "minId", "maxId")
  VALUES (CAST(strftime('%s', new."timestamp") AS INTEGER) / 3600, new."service", new."system", 1, new."id", new."id")
  ON CONFLICT ("hour", "service", "system", "writer") DO UPDATE SET "count" = "count" + 1,
    "minId" = min("minId", excluded."minId"), "maxId" = max("maxId", excluded."maxId");
END;
