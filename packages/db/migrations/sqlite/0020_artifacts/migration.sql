-- Artifacts (issue 18): content-addressed bytes attackers fetched or sent, and where each was seen.
CREATE TABLE "Artifact" (
    "sha256" TEXT NOT NULL PRIMARY KEY,
    "size" INTEGER NOT NULL,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "firstSeen" DATETIME NOT NULL,
    "lastSeen" DATETIME NOT NULL,
    "sightings" INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE "ArtifactSighting" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sha256" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "attackerIp" TEXT,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "seenAt" DATETIME NOT NULL
);

CREATE INDEX "Artifact_lastSeen_idx" ON "Artifact"("lastSeen");

CREATE INDEX "ArtifactSighting_sha256_seenAt_idx" ON "ArtifactSighting"("sha256", "seenAt");
