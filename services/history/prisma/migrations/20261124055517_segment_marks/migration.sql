-- CreateTable
CREATE TABLE "segment_marks" (
    "event_id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "mark" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "segment_kind" TEXT,
    "queue_id" TEXT,
    "agent_id" TEXT,

    CONSTRAINT "segment_marks_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "segment_marks_interaction_id_idx" ON "segment_marks"("interaction_id");

