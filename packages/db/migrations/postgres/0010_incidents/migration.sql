-- Incidents, ignore rules, the alert outbox and the grouping worker's cursor (issue 15).
CREATE TABLE "Incident" (
    "id" TEXT NOT NULL,
    "attackerIp" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "deckies" TEXT NOT NULL DEFAULT '[]',
    "services" TEXT NOT NULL DEFAULT '[]',
    "severity" TEXT NOT NULL,
    "reasons" TEXT NOT NULL DEFAULT '[]',
    "state" TEXT NOT NULL DEFAULT 'open',
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "acknowledgedBy" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "resolvedBy" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "note" TEXT,
    "rulesVersion" INTEGER NOT NULL,
    "credentials" TEXT NOT NULL DEFAULT '{}',
    "alertCount" INTEGER NOT NULL DEFAULT 0,
    "lastAlertAt" TIMESTAMP(3),
    "pendingEvents" INTEGER NOT NULL DEFAULT 0,
    "digestDueAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "IgnoreRule" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IgnoreRule_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Alert" (
    "id" SERIAL NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "incidentId" TEXT,
    "reason" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "WorkerCursor" (
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkerCursor_pkey" PRIMARY KEY ("name")
);

CREATE INDEX "Incident_state_lastSeen_idx" ON "Incident"("state", "lastSeen");

CREATE INDEX "Incident_attackerIp_decky_idx" ON "Incident"("attackerIp", "decky");

CREATE INDEX "Incident_attackerIp_lastSeen_idx" ON "Incident"("attackerIp", "lastSeen");

CREATE INDEX "Incident_lastSeen_idx" ON "Incident"("lastSeen");

CREATE INDEX "Incident_digestDueAt_idx" ON "Incident"("digestDueAt");

CREATE UNIQUE INDEX "IgnoreRule_kind_value_key" ON "IgnoreRule"("kind", "value");

CREATE UNIQUE INDEX "Alert_idempotencyKey_key" ON "Alert"("idempotencyKey");

CREATE INDEX "Alert_incidentId_id_idx" ON "Alert"("incidentId", "id");

