-- Incidents, ignore rules, the alert outbox and the grouping worker's cursor (issue 15).
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "attackerIp" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "deckies" TEXT NOT NULL DEFAULT '[]',
    "services" TEXT NOT NULL DEFAULT '[]',
    "severity" TEXT NOT NULL,
    "reasons" TEXT NOT NULL DEFAULT '[]',
    "state" TEXT NOT NULL DEFAULT 'open',
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "acknowledgedBy" TEXT,
    "acknowledgedAt" DATETIME,
    "resolvedBy" TEXT,
    "resolvedAt" DATETIME,
    "note" TEXT,
    "rulesVersion" INTEGER NOT NULL,
    "credentials" TEXT NOT NULL DEFAULT '{}',
    "alertCount" INTEGER NOT NULL DEFAULT 0,
    "lastAlertAt" DATETIME,
    "pendingEvents" INTEGER NOT NULL DEFAULT 0,
    "digestDueAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

CREATE TABLE "IgnoreRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

CREATE TABLE "Alert" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "idempotencyKey" TEXT NOT NULL,
    "incidentId" TEXT,
    "reason" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "payload" TEXT NOT NULL
);

CREATE TABLE "WorkerCursor" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "position" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

CREATE INDEX "Incident_state_lastSeen_idx" ON "Incident"("state", "lastSeen");

CREATE INDEX "Incident_attackerIp_decky_idx" ON "Incident"("attackerIp", "decky");

CREATE INDEX "Incident_attackerIp_lastSeen_idx" ON "Incident"("attackerIp", "lastSeen");

CREATE INDEX "Incident_lastSeen_idx" ON "Incident"("lastSeen");

CREATE INDEX "Incident_digestDueAt_idx" ON "Incident"("digestDueAt");

CREATE UNIQUE INDEX "IgnoreRule_kind_value_key" ON "IgnoreRule"("kind", "value");

CREATE UNIQUE INDEX "Alert_idempotencyKey_key" ON "Alert"("idempotencyKey");

CREATE INDEX "Alert_incidentId_id_idx" ON "Alert"("incidentId", "id");

