-- DropTable
DROP TABLE "ingest_checkpoints";

