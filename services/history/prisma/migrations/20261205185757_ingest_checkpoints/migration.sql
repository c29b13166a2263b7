-- CreateTable
CREATE TABLE "ingest_checkpoints" (
    "name" TEXT NOT NULL,
    "stream_seq" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ingest_checkpoints_pkey" PRIMARY KEY ("name")
);

