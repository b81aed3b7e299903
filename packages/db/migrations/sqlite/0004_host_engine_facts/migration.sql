-- What an enrolled engine reports (version, CPUs, memory), kept current by the heartbeat.
-- SQLite cannot add columns in place of the declared order: the table is rebuilt (as Prisma does).
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "dockerUrl" TEXT NOT NULL,
    "tls" TEXT,
    "network" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'enrolled',
    "capacity" INTEGER,
    "engineId" TEXT,
    "engineVersion" TEXT,
    "cpus" INTEGER,
    "memoryMiB" INTEGER,
    "lastHeartbeat" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Host" ("id", "name", "dockerUrl", "tls", "network", "status", "capacity", "lastHeartbeat", "createdAt", "updatedAt")
SELECT "id", "name", "dockerUrl", "tls", "network", "status", "capacity", "lastHeartbeat", "createdAt", "updatedAt" FROM "Host";
DROP TABLE "Host";
ALTER TABLE "new_Host" RENAME TO "Host";
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");
CREATE INDEX "Host_status_idx" ON "Host"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
