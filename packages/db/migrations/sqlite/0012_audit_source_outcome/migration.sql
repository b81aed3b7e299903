-- Operator actions in the audit log: where the call came from and how it ended (issue 15).
ALTER TABLE "AuditEntry" ADD COLUMN "sourceIp" TEXT;
ALTER TABLE "AuditEntry" ADD COLUMN "outcome" TEXT NOT NULL DEFAULT 'ok';
CREATE INDEX "AuditEntry_actor_at_idx" ON "AuditEntry"("actor", "at");
