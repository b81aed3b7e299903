-- Attacker enrichment (issue 16): label, geo/ASN and reverse DNS per source IP, written by the
-- enrichment worker after ingest. Existing attackers are enriched by the worker on its first pass.
CREATE TABLE "AttackerEnrichment" (
    "ip" TEXT NOT NULL PRIMARY KEY,
    "label" TEXT,
    "country" TEXT,
    "city" TEXT,
    "asn" INTEGER,
    "org" TEXT,
    "geoSource" TEXT NOT NULL DEFAULT '',
    "enrichedAt" DATETIME NOT NULL,
    "rdns" TEXT,
    "rdnsStatus" TEXT NOT NULL DEFAULT 'skipped',
    "rdnsAt" DATETIME
);

CREATE INDEX "AttackerEnrichment_rdnsStatus_idx" ON "AttackerEnrichment"("rdnsStatus");
