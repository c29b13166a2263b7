-- AlterTable
ALTER TABLE "interactions" DROP COLUMN "last_agent_at",
DROP COLUMN "queue_set_at";

