-- Attacker intelligence (issue 16): fingerprints, tool and technique matches and indicators per source
-- IP, written by ingest in the same transaction as the events; the attacker's behaviour counters and
-- classification verdict (core/intel). Existing attackers start as 'unknown' with no counters.
ALTER TABLE "Attacker" ADD COLUMN "behaviour" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "Attacker" ADD COLUMN "classification" TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE "Attacker" ADD COLUMN "classificationEvidence" TEXT NOT NULL DEFAULT '[]';

CREATE TABLE "AttackerFingerprint" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "attackerIp" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',
    "service" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL
);

CREATE TABLE "AttackerTool" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "attackerIp" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "ruleVersion" TEXT NOT NULL,
    "evidence" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL
);

CREATE TABLE "AttackerTechnique" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "attackerIp" TEXT NOT NULL,
    "technique" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "ruleVersion" TEXT NOT NULL,
    "evidence" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL
);

CREATE TABLE "AttackerIoc" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "attackerIp" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL
);

CREATE INDEX "AttackerFingerprint_kind_value_idx" ON "AttackerFingerprint"("kind", "value");

CREATE UNIQUE INDEX "AttackerFingerprint_attackerIp_kind_value_key" ON "AttackerFingerprint"("attackerIp", "kind", "value");

CREATE INDEX "AttackerTool_tool_idx" ON "AttackerTool"("tool");

CREATE UNIQUE INDEX "AttackerTool_attackerIp_tool_ruleId_key" ON "AttackerTool"("attackerIp", "tool", "ruleId");

CREATE INDEX "AttackerTechnique_technique_idx" ON "AttackerTechnique"("technique");

CREATE UNIQUE INDEX "AttackerTechnique_attackerIp_technique_ruleId_key" ON "AttackerTechnique"("attackerIp", "technique", "ruleId");

CREATE INDEX "AttackerIoc_kind_value_idx" ON "AttackerIoc"("kind", "value");

CREATE UNIQUE INDEX "AttackerIoc_attackerIp_kind_value_key" ON "AttackerIoc"("attackerIp", "kind", "value");
