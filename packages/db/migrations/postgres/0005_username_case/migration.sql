-- Usernames are unique regardless of case: "usernameKey" (the username in lower case) carries the
-- unique index and sign-in looks users up by it.
-- Case-duplicates already stored (`ADMIN` beside `admin`): the oldest keeps its name; each later
-- one is renamed `<name>-<id>` (still a valid username of at most 64 characters), so no account is
-- lost, none can pass for another, and the list shows admins what to review.
UPDATE "User" SET "username" = substr("username", 1, 27) || '-' || "id"
WHERE EXISTS (
    SELECT 1 FROM "User" AS "older"
    WHERE lower("older"."username") = lower("User"."username")
      AND ("older"."createdAt" < "User"."createdAt"
           OR ("older"."createdAt" = "User"."createdAt" AND "older"."id" < "User"."id"))
);
ALTER TABLE "User" ADD COLUMN "usernameKey" TEXT;
UPDATE "User" SET "usernameKey" = lower("username");
ALTER TABLE "User" ALTER COLUMN "usernameKey" SET NOT NULL;
DROP INDEX "User_username_key";
CREATE UNIQUE INDEX "User_usernameKey_key" ON "User"("usernameKey");
