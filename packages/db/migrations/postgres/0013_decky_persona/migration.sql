-- Each decky's persona (issue 17): the one story its services tell, derived once and kept as JSON.
-- Rows from before it stay null until the runner first deploys them (it stores a derived one then).
ALTER TABLE "Decky" ADD COLUMN "persona" TEXT;
