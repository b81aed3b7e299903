-- Events per hour, service and system flag: logs.histogram answers long windows from these instead
-- of counting every Log row. A statement trigger counts every insert's rows in one upsert (whoever
-- writes them: ingest, bulk loads); Log rows are never updated, and purge clears the counts with the
-- rows. Existing rows are counted once here. Each connection upserts rows of its own ("writer" is its
-- backend pid): a transaction never waits for another's open transaction on a shared count row, and
-- the rows per hour stay as few as the connections that wrote in it. Readers sum.
CREATE TABLE "LogHourCount" (
    "hour" INTEGER NOT NULL,
    "service" TEXT NOT NULL,
    "system" BOOLEAN NOT NULL,
    "writer" INTEGER NOT NULL DEFAULT 0,
    "count" INTEGER NOT NULL,

    CONSTRAINT "LogHourCount_pkey" PRIMARY KEY ("hour","service","system","writer")
);

INSERT INTO "LogHourCount" ("hour", "service", "system", "count")
SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", count(*)
FROM "Log" GROUP BY 1, 2, 3;

CREATE FUNCTION "Log_hour_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "LogHourCount" ("hour", "service", "system", "writer", "count")
  SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", pg_backend_pid(), count(*)
  FROM inserted GROUP BY 1, 2, 3
  ON CONFLICT ("hour", "service", "system", "writer") DO UPDATE SET "count" = "LogHourCount"."count" + excluded."count";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Log_hour_count" AFTER INSERT ON "Log" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "Log_hour_count"();
