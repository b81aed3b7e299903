-- Decoy image versions: the digest each host has, and the pushes/rollouts/rollbacks that change it.
CREATE TABLE "HostImage" (
    "hostId" TEXT NOT NULL PRIMARY KEY,
    "digest" TEXT NOT NULL,
    "previousDigest" TEXT,
    "updatedAt" DATETIME NOT NULL
);
CREATE TABLE "ImageRollout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "digest" TEXT NOT NULL,
    "previousDigest" TEXT,
    "hostId" TEXT,
    "batchSize" INTEGER NOT NULL DEFAULT 1,
    "pauseSeconds" INTEGER NOT NULL DEFAULT 0,
    "hosts" TEXT NOT NULL DEFAULT '[]',
    "lifecycleIds" TEXT NOT NULL DEFAULT '[]',
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "completedAt" DATETIME
);
CREATE INDEX "ImageRollout_status_idx" ON "ImageRollout"("status");
