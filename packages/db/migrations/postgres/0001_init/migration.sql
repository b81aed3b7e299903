-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Attacker" (
    "id" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "services" TEXT NOT NULL DEFAULT '[]',
    "serviceCount" INTEGER NOT NULL DEFAULT 0,
    "deckies" TEXT NOT NULL DEFAULT '[]',
    "deckyCount" INTEGER NOT NULL DEFAULT 0,
    "credentialCount" INTEGER NOT NULL DEFAULT 0,
    "commands" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Attacker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'viewer',
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "tokensValidFrom" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RevokedToken" (
    "jti" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RevokedToken_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Decky" (
    "name" TEXT NOT NULL,
    "hostId" TEXT NOT NULL DEFAULT 'local',
    "ip" TEXT NOT NULL,
    "mac" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "distro" TEXT NOT NULL,
    "archetype" TEXT,
    "services" TEXT NOT NULL,
    "serviceConfig" TEXT NOT NULL DEFAULT '{}',
    "osFamily" TEXT NOT NULL,
    "mutateInterval" INTEGER,
    "lastMutatedAt" TIMESTAMP(3),
    "state" TEXT NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Decky_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "worker" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "detail" TEXT,
    "beatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("worker")
);

-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "dockerUrl" TEXT NOT NULL,
    "tls" TEXT,
    "network" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'enrolled',
    "capacity" INTEGER,
    "lastHeartbeat" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lifecycle" (
    "id" TEXT NOT NULL,
    "deckyName" TEXT NOT NULL,
    "hostId" TEXT,
    "operation" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Lifecycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Log" (
    "id" SERIAL NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "decky" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "attackerIp" TEXT NOT NULL,
    "attackerPort" INTEGER,
    "rawLine" TEXT NOT NULL,
    "fields" TEXT NOT NULL DEFAULT '{}',
    "searchText" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "Log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Credential" (
    "id" SERIAL NOT NULL,
    "attackerIp" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Credential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Attacker_ip_key" ON "Attacker"("ip");

-- CreateIndex
CREATE INDEX "Attacker_lastSeen_idx" ON "Attacker"("lastSeen");

-- CreateIndex
CREATE INDEX "Attacker_eventCount_idx" ON "Attacker"("eventCount");

-- CreateIndex
CREATE INDEX "Attacker_deckyCount_idx" ON "Attacker"("deckyCount");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "RevokedToken_userId_idx" ON "RevokedToken"("userId");

-- CreateIndex
CREATE INDEX "RevokedToken_expiresAt_idx" ON "RevokedToken"("expiresAt");

-- CreateIndex
CREATE INDEX "Decky_state_idx" ON "Decky"("state");

-- CreateIndex
CREATE UNIQUE INDEX "Decky_hostId_ip_key" ON "Decky"("hostId", "ip");

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE INDEX "Host_status_idx" ON "Host"("status");

-- CreateIndex
CREATE INDEX "Lifecycle_status_leaseUntil_idx" ON "Lifecycle"("status", "leaseUntil");

-- CreateIndex
CREATE INDEX "Lifecycle_deckyName_idx" ON "Lifecycle"("deckyName");

-- CreateIndex
CREATE INDEX "Log_timestamp_idx" ON "Log"("timestamp");

-- CreateIndex
CREATE INDEX "Log_decky_idx" ON "Log"("decky");

-- CreateIndex
CREATE INDEX "Log_service_idx" ON "Log"("service");

-- CreateIndex
CREATE INDEX "Log_eventType_idx" ON "Log"("eventType");

-- CreateIndex
CREATE INDEX "Log_attackerIp_idx" ON "Log"("attackerIp");

-- CreateIndex
CREATE INDEX "Credential_attackerIp_idx" ON "Credential"("attackerIp");

-- CreateIndex
CREATE UNIQUE INDEX "Credential_attackerIp_decky_service_kind_principal_secretHa_key" ON "Credential"("attackerIp", "decky", "service", "kind", "principal", "secretHash");

