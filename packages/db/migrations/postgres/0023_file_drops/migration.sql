-- File drops (issue 23): bait files an admin placed into a decky's visible filesystem; gone with the decky.
CREATE TABLE "FileDrop" (
    "deckyName" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FileDrop_pkey" PRIMARY KEY ("deckyName","path")
);
ALTER TABLE "FileDrop" ADD CONSTRAINT "FileDrop_deckyName_fkey" FOREIGN KEY ("deckyName") REFERENCES "Decky"("name") ON DELETE CASCADE ON UPDATE CASCADE;
