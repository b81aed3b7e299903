-- Terminal sessions (issue 16): SSH/telnet shell sessions recorded by the decoys as asciicast v2
-- frames, stored by ingest (tty_start/tty_output/tty_end events) beside, never inside, the Log table.
CREATE TABLE "TerminalSession" (
    "id" TEXT NOT NULL,
    "decky" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "attackerIp" TEXT NOT NULL,
    "attackerPort" INTEGER,
    "username" TEXT NOT NULL DEFAULT '',
    "via" TEXT NOT NULL DEFAULT '',
    "term" TEXT NOT NULL DEFAULT 'xterm',
    "width" INTEGER NOT NULL DEFAULT 80,
    "height" INTEGER NOT NULL DEFAULT 24,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "lastEventAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "durationSec" DOUBLE PRECISION,
    "frameCount" INTEGER NOT NULL DEFAULT 0,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "chunkCount" INTEGER NOT NULL DEFAULT 0,
    "truncated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "TerminalSession_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "TerminalChunk" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "frames" TEXT NOT NULL,

    CONSTRAINT "TerminalChunk_pkey" PRIMARY KEY ("sessionId","seq")
);

CREATE INDEX "TerminalSession_attackerIp_startedAt_idx" ON "TerminalSession"("attackerIp", "startedAt");

CREATE UNIQUE INDEX "TerminalSession_decky_sid_key" ON "TerminalSession"("decky", "sid");
