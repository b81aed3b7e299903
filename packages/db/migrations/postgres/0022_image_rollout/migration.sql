-- Decoy image versions: the digest each host has, and the pushes/rollouts/rollbacks that change it.
CREATE TABLE "HostImage" (
    "hostId" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "previousDigest" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HostImage_pkey" PRIMARY KEY ("hostId")
);
CREATE TABLE "ImageRollout" (
    "id" TEXT NOT NULL,
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
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "ImageRollout_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ImageRollout_status_idx" ON "ImageRollout"("status");
