-- Audit entries: what the system or an operator did outside lifecycle rows (orphan sweeps, leftovers).
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX "AuditEntry_target_at_idx" ON "AuditEntry"("target", "at");
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");
