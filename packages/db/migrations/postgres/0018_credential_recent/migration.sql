-- attackers.get pages an attacker's credentials most recent first: with this index a brute-forcer's
-- tens of thousands of credentials are no longer sorted on every page (issue 16 benchmark).
CREATE INDEX "Credential_attackerIp_lastSeen_idx" ON "Credential"("attackerIp", "lastSeen");
