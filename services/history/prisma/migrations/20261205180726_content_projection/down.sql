-- DropForeignKey
ALTER TABLE "dispositions" DROP CONSTRAINT "dispositions_interaction_id_fkey";

-- AlterTable
ALTER TABLE "messages" DROP COLUMN "email",
DROP COLUMN "html",
DROP COLUMN "sender_name";

-- AlterTable
ALTER TABLE "agent_notes" DROP COLUMN "author_kind",
DROP COLUMN "body_erased_at";

-- AlterTable
ALTER TABLE "recording_refs" DROP COLUMN "duration_ms",
ALTER COLUMN "uri" DROP DEFAULT,
ALTER COLUMN "started_at" SET NOT NULL;

-- AlterTable
ALTER TABLE "event_log" DROP COLUMN "redacted_at";

-- DropTable
DROP TABLE "dispositions";

