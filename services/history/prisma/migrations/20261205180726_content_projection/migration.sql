-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "email" JSONB,
ADD COLUMN     "html" TEXT,
ADD COLUMN     "sender_name" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "agent_notes" ADD COLUMN     "author_kind" TEXT NOT NULL DEFAULT 'agent',
ADD COLUMN     "body_erased_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "recording_refs" ADD COLUMN     "duration_ms" INTEGER,
ALTER COLUMN "uri" SET DEFAULT '',
ALTER COLUMN "started_at" DROP NOT NULL;

-- AlterTable
ALTER TABLE "event_log" ADD COLUMN     "redacted_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "dispositions" (
    "event_id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "wrap_up_code_id" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "actor_kind" TEXT NOT NULL DEFAULT '',
    "actor_id" TEXT NOT NULL DEFAULT '',
    "set_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dispositions_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "dispositions_interaction_id_set_at_idx" ON "dispositions"("interaction_id", "set_at");

-- AddForeignKey
ALTER TABLE "dispositions" ADD CONSTRAINT "dispositions_interaction_id_fkey" FOREIGN KEY ("interaction_id") REFERENCES "interactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

