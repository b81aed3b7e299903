-- File drops (issue 23): bait files an admin placed into a decky's visible filesystem; gone with the decky.
CREATE TABLE "FileDrop" (
    "deckyName" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("deckyName", "path"),
    CONSTRAINT "FileDrop_deckyName_fkey" FOREIGN KEY ("deckyName") REFERENCES "Decky" ("name") ON DELETE CASCADE ON UPDATE CASCADE
);
