-- The timestamp index widened into a covering one for windowed aggregates (dashboard): same
-- timestamp prefix for time-ordered reads, no extra index for ingest to maintain.
DROP INDEX "Log_timestamp_idx";
CREATE INDEX "Log_window_idx" ON "Log"("timestamp", "system", "service", "decky", "attackerIp");
