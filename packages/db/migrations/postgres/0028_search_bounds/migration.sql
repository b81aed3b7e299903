-- Search at scale (issue 21).
-- 1. Each search column's index gains the system flag: a filter's attack rows (`service:ssh`, probes
--    left out by default) are one index range, counted from the index alone.
DROP INDEX "Log_decky_idx";
DROP INDEX "Log_service_idx";
DROP INDEX "Log_eventType_idx";
DROP INDEX "Log_attackerIp_idx";
CREATE INDEX "Log_decky_system_idx" ON "Log"("decky", "system");
CREATE INDEX "Log_service_system_idx" ON "Log"("service", "system");
CREATE INDEX "Log_eventType_system_idx" ON "Log"("eventType", "system");
CREATE INDEX "Log_attackerIp_system_idx" ON "Log"("attackerIp", "system");

-- 2. The hour counts keep the lowest and highest Log id of each hour: a time-bounded search walks
--    only the ids its window's hours hold instead of every match of all time. Rebuilt from the Log
--    rows with the counts (as one writer's rows; later writers add their own).
DELETE FROM "LogHourCount";
ALTER TABLE "LogHourCount" ADD COLUMN "minId" INTEGER NOT NULL, ADD COLUMN "maxId" INTEGER NOT NULL;
INSERT INTO "LogHourCount" ("hour", "service", "system", "count", "minId", "maxId")
SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", count(*), min("id"), max("id")
FROM "Log" GROUP BY 1, 2, 3;

CREATE OR REPLACE FUNCTION "Log_hour_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "LogHourCount" ("hour", "service", "system", "writer", "count", "minId", "maxId")
  SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", pg_backend_pid(),
    count(*), min("id"), max("id")
  FROM inserted GROUP BY 1, 2, 3
  ON CONFLICT ("hour", "service", "system", "writer") DO UPDATE SET "count" = "LogHourCount"."count" + excluded."count",
    "minId" = least("LogHourCount"."minId", excluded."minId"), "maxId" = greatest("LogHourCount"."maxId", excluded."maxId");
  RETURN NULL;
END
$$;
