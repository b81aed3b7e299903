-- Topologies (issue 22): a decky on [network.*] networks keeps what it knows of them (its links, its
-- upstream gateway, whether it forwards, its neighbours) as JSON of core's DeckyTopology. Null for
-- deckies on the fleet's flat LAN, which is every existing one.
ALTER TABLE "Decky" ADD COLUMN "topology" TEXT;
