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
-- SQLite cannot add a NOT NULL column in the declared order: the table is rebuilt (as Prisma does).
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "usernameKey" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'viewer',
    "mustChangePassword" BOOLEAN NOT NULL DEFAULT false,
    "tokensValidFrom" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_User" ("id", "username", "usernameKey", "passwordHash", "role", "mustChangePassword", "tokensValidFrom", "createdAt", "updatedAt")
SELECT "id", "username", lower("username"), "passwordHash", "role", "mustChangePassword", "tokensValidFrom", "createdAt", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_usernameKey_key" ON "User"("usernameKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
