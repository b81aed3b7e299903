-- Durable, global lifecycle event ids: one row per status a lifecycle row took.
CREATE TABLE "LifecycleEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lifecycleId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "error" TEXT,
    "at" DATETIME NOT NULL
);
CREATE INDEX "LifecycleEvent_lifecycleId_id_idx" ON "LifecycleEvent"("lifecycleId", "id");
-- Rows from before this migration get their current status as their first event.
INSERT INTO "LifecycleEvent" ("lifecycleId", "status", "attempt", "error", "at")
SELECT "id", "status", "attempt", "error", "updatedAt" FROM "Lifecycle" ORDER BY "startedAt", "id";
