-- Events per hour, service and system flag: logs.histogram answers long windows from these instead
-- of counting every Log row. A statement trigger counts every insert's rows in one upsert (whoever
-- writes them: ingest, bulk loads); Log rows are never updated, and purge clears the counts with the
-- rows. Existing rows are counted once here.
CREATE TABLE "LogHourCount" (
    "hour" INTEGER NOT NULL,
    "service" TEXT NOT NULL,
    "system" BOOLEAN NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "LogHourCount_pkey" PRIMARY KEY ("hour","service","system")
);

INSERT INTO "LogHourCount" ("hour", "service", "system", "count")
SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", count(*)
FROM "Log" GROUP BY 1, 2, 3;

-- Key order, so concurrent inserts lock the count rows they share in the same order (no deadlock).
CREATE FUNCTION "Log_hour_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "LogHourCount" ("hour", "service", "system", "count")
  SELECT CAST(floor(extract(epoch from "timestamp") / 3600) AS INTEGER), "service", "system", count(*)
  FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT ("hour", "service", "system") DO UPDATE SET "count" = "LogHourCount"."count" + excluded."count";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Log_hour_count" AFTER INSERT ON "Log" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "Log_hour_count"();
