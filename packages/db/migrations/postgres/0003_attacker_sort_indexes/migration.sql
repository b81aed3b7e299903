-- Ingest rewrites attacker counts on every batch; indexing them cost more than it saved (see attackers.prisma).
DROP INDEX "Attacker_eventCount_idx";
DROP INDEX "Attacker_deckyCount_idx";
