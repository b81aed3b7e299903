-- Events per hour, service and system flag: logs.histogram answers long windows from these instead
-- of counting every Log row. A trigger counts every inserted row (whoever writes it: ingest, bulk
-- loads); Log rows are never updated, and purge clears the counts with the rows. Existing rows are
-- counted once here. One writer: "writer" (PostgreSQL's per-connection rows) stays 0.
CREATE TABLE "LogHourCount" (
    "hour" INTEGER NOT NULL,
    "service" TEXT NOT NULL,
    "system" BOOLEAN NOT NULL,
    "writer" INTEGER NOT NULL DEFAULT 0,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("hour", "service", "system", "writer")
);

INSERT INTO "LogHourCount" ("hour", "service", "system", "count")
SELECT CAST(strftime('%s', "timestamp") AS INTEGER) / 3600, "service", "system", count(*)
FROM "Log" GROUP BY 1, 2, 3;

CREATE TRIGGER "Log_hour_count" AFTER INSERT ON "Log" BEGIN
  INSERT INTO "LogHourCount" ("hour", "service", "system", "count")
  VALUES (CAST(strftime('%s', new."timestamp") AS INTEGER) / 3600, new."service", new."system", 1)
  ON CONFLICT ("hour", "service", "system", "writer") DO UPDATE SET "count" = "count" + 1;
END;
