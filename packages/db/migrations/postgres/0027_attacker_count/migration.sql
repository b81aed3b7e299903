-- The number of Attacker rows, kept by triggers: the unfiltered attackers list reads it instead of
-- counting the table. Each inserting or deleting statement appends its delta as a new row (an
-- append takes no lock another transaction waits on, so concurrent ingest batches cannot deadlock
-- here); the total is the sum, and readers fold the rows into one now and then.
CREATE TABLE "AttackerCount" (
    "id" SERIAL NOT NULL,
    "delta" INTEGER NOT NULL,

    CONSTRAINT "AttackerCount_pkey" PRIMARY KEY ("id")
);

INSERT INTO "AttackerCount" ("delta") SELECT count(*) FROM "Attacker";

CREATE FUNCTION "Attacker_count_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "AttackerCount" ("delta") SELECT count(*) FROM inserted HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION "Attacker_count_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "AttackerCount" ("delta") SELECT -count(*) FROM deleted HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Attacker_count_insert" AFTER INSERT ON "Attacker" REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION "Attacker_count_insert"();

CREATE TRIGGER "Attacker_count_delete" AFTER DELETE ON "Attacker" REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION "Attacker_count_delete"();
