-- What an enrolled engine reports (version, CPUs, memory), kept current by the heartbeat.
ALTER TABLE "Host" ADD COLUMN "engineId" TEXT,
  ADD COLUMN "engineVersion" TEXT,
  ADD COLUMN "cpus" INTEGER,
  ADD COLUMN "memoryMiB" INTEGER;
