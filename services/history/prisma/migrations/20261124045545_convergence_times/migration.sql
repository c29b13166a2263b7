-- AlterTable
ALTER TABLE "interactions" ADD COLUMN     "last_agent_at" TIMESTAMPTZ(3),
ADD COLUMN     "queue_set_at" TIMESTAMPTZ(3);

