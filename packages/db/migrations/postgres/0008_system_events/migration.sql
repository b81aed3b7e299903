-- DECNET's own probe traffic is flagged, not counted as attack (PRODUCT.md §12).
ALTER TABLE "Log" ADD COLUMN "system" BOOLEAN NOT NULL DEFAULT false;
