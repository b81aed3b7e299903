-- DECNET's own readiness probes: each one's source (address, port), recorded before it connects, so
-- ingest flags the events it causes as system traffic (packages/lifecycle/src/probe/probe-ledger.ts).
CREATE TABLE "ProbeSource" (
    "id" SERIAL NOT NULL,
    "decky" TEXT NOT NULL,
    "sourceIp" TEXT NOT NULL,
    "sourcePort" INTEGER NOT NULL,
    "protocol" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "validUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProbeSource_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ProbeSource_validUntil_idx" ON "ProbeSource"("validUntil");

-- System rows are few: counts of attack rows are "all rows minus these", both index-only.
CREATE INDEX "Log_system_timestamp_idx" ON "Log"("timestamp") WHERE "system" = TRUE;

-- Rows from before probes were recorded. What still tells a readiness probe apart: it connects to
-- every service port of a decky while that decky's deploy/mutate/repair runs, sends nothing and hangs
-- up. So a row is flagged when it is connection-only (`connect`, or `disconnect` with no byte in),
-- falls in such an operation's window (queued .. completed + 5 s, the probe's FIN lingering) on its
-- decky, and its address sent that decky nothing else in that window. What cannot be told apart: a
-- scanner that only connected during those seconds is flagged too (its rows stay, under system:true),
-- and UDP probes (one request datagram) are left as they were. Nothing is deleted but the Attacker
-- rows that only probe rows made (derived data; recomputed otherwise).
CREATE TEMP TABLE "_decnet_probe_window" ON COMMIT DROP AS
SELECT op."deckyName" AS "decky", op."startedAt" AS "opened",
       op."completedAt" + interval '5 seconds' AS "closed"
FROM "Lifecycle" op
WHERE op."operation" IN ('deploy', 'mutate', 'repair') AND op."completedAt" IS NOT NULL;

CREATE TEMP TABLE "_decnet_probe_row" ON COMMIT DROP AS
SELECT l."id", l."attackerIp" FROM "Log" l
WHERE l."system" = FALSE
  AND (l."eventType" = 'connect'
       OR (l."eventType" = 'disconnect' AND coalesce((l."fields"::jsonb ->> 'bytes_in')::numeric, 0) = 0))
  AND EXISTS (
    SELECT 1 FROM "_decnet_probe_window" w
    WHERE w."decky" = l."decky" AND l."timestamp" BETWEEN w."opened" AND w."closed"
      AND NOT EXISTS (
        SELECT 1 FROM "Log" other
        WHERE other."decky" = l."decky" AND other."attackerIp" = l."attackerIp"
          AND other."timestamp" BETWEEN w."opened" AND w."closed"
          AND NOT (other."eventType" = 'connect'
                   OR (other."eventType" = 'disconnect'
                       AND coalesce((other."fields"::jsonb ->> 'bytes_in')::numeric, 0) = 0))));

-- The searchText gains the system token, as ingest writes it (src/search/tokenize.ts SYSTEM_TOKEN).
UPDATE "Log" SET "system" = TRUE,
  "searchText" = CASE WHEN "searchText" = '' THEN '·system' ELSE "searchText" || ' ¦ ·system' END
WHERE "id" IN (SELECT "id" FROM "_decnet_probe_row");

-- Attackers made only of probe rows go; the others lose the probe rows' share (lists in first-contact order).
DELETE FROM "Attacker"
WHERE "ip" IN (SELECT "attackerIp" FROM "_decnet_probe_row")
  AND NOT EXISTS (SELECT 1 FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE);

UPDATE "Attacker" SET
  "eventCount" = greatest(0, "eventCount" - (SELECT count(*) FROM "_decnet_probe_row" p WHERE p."attackerIp" = "Attacker"."ip")),
  "firstSeen" = (SELECT min(l."timestamp") FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE),
  "lastSeen" = (SELECT max(l."timestamp") FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE),
  "services" = (SELECT coalesce(json_agg(x."service" ORDER BY x."seen", x."service")::jsonb::text, '[]') FROM (SELECT l."service", min(l."timestamp") AS "seen" FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE GROUP BY l."service") x),
  "serviceCount" = (SELECT count(DISTINCT l."service") FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE),
  "deckies" = (SELECT coalesce(json_agg(x."decky" ORDER BY x."seen", x."decky")::jsonb::text, '[]') FROM (SELECT l."decky", min(l."timestamp") AS "seen" FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE GROUP BY l."decky") x),
  "deckyCount" = (SELECT count(DISTINCT l."decky") FROM "Log" l WHERE l."attackerIp" = "Attacker"."ip" AND l."system" = FALSE)
WHERE "ip" IN (SELECT "attackerIp" FROM "_decnet_probe_row");

