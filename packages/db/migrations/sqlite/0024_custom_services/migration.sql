-- Custom services (issue 23): a decky's [custom-<name>] services, as a JSON array of core's
-- CustomService (image, ports, command, environment). Existing deckies have none.
ALTER TABLE "Decky" ADD COLUMN "customServices" TEXT NOT NULL DEFAULT '[]';
