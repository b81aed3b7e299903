-- The number of Attacker rows, kept by triggers: the unfiltered attackers list reads it instead of
-- counting the table. SQLite has one writer, so one row (id 1) is updated in place.
CREATE TABLE "AttackerCount" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "delta" INTEGER NOT NULL
);

INSERT INTO "AttackerCount" ("id", "delta") SELECT 1, count(*) FROM "Attacker";

CREATE TRIGGER "Attacker_count_insert" AFTER INSERT ON "Attacker" BEGIN
  UPDATE "AttackerCount" SET "delta" = "delta" + 1 WHERE "id" = 1;
END;

CREATE TRIGGER "Attacker_count_delete" AFTER DELETE ON "Attacker" BEGIN
  UPDATE "AttackerCount" SET "delta" = "delta" - 1 WHERE "id" = 1;
END;
