-- Correlation (issue 16): fleet-wide credential summaries with reuse, identities (addresses that look
-- like one actor) and campaigns (identities sharing indicators and techniques). Derived data, rebuilt
-- whole by the correlation worker; a fresh table simply waits for its first pass.
CREATE TABLE "CredentialSummary" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "deckyCount" INTEGER NOT NULL,
    "ipCount" INTEGER NOT NULL,
    "serviceCount" INTEGER NOT NULL,
    "reused" BOOLEAN NOT NULL,
    "deckies" TEXT NOT NULL DEFAULT '[]',
    "attackerIps" TEXT NOT NULL DEFAULT '[]',
    "services" TEXT NOT NULL DEFAULT '[]',
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CredentialSummary_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "AttackerIdentity" (
    "id" TEXT NOT NULL,
    "ipCount" INTEGER NOT NULL,
    "campaignId" TEXT,
    "evidence" TEXT NOT NULL DEFAULT '[]',
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AttackerIdentity_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "AttackerIdentityMember" (
    "attackerIp" TEXT NOT NULL,
    "identityId" TEXT NOT NULL,
    "evidence" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "AttackerIdentityMember_pkey" PRIMARY KEY ("attackerIp")
);

CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "identityCount" INTEGER NOT NULL,
    "ipCount" INTEGER NOT NULL,
    "evidence" TEXT NOT NULL DEFAULT '[]',
    "iocs" TEXT NOT NULL DEFAULT '[]',
    "techniques" TEXT NOT NULL DEFAULT '[]',
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "CredentialSummary_attempts_idx" ON "CredentialSummary"("attempts");
CREATE INDEX "CredentialSummary_reused_ipCount_idx" ON "CredentialSummary"("reused", "ipCount");
CREATE UNIQUE INDEX "CredentialSummary_kind_principal_secretHash_key" ON "CredentialSummary"("kind", "principal", "secretHash");
CREATE INDEX "AttackerIdentity_ipCount_idx" ON "AttackerIdentity"("ipCount");
CREATE INDEX "AttackerIdentity_campaignId_idx" ON "AttackerIdentity"("campaignId");
CREATE INDEX "AttackerIdentityMember_identityId_idx" ON "AttackerIdentityMember"("identityId");
CREATE INDEX "Campaign_ipCount_idx" ON "Campaign"("ipCount");
