-- DropForeignKey
ALTER TABLE "public"."customers" DROP CONSTRAINT "customers_merged_into_id_fkey";

-- DropForeignKey
ALTER TABLE "public"."customer_identities" DROP CONSTRAINT "customer_identities_customer_id_fkey";

-- DropForeignKey
ALTER TABLE "public"."interactions" DROP CONSTRAINT "interactions_customer_id_fkey";

-- DropForeignKey
ALTER TABLE "public"."segments" DROP CONSTRAINT "segments_interaction_id_fkey";

-- DropForeignKey
ALTER TABLE "public"."messages" DROP CONSTRAINT "messages_interaction_id_fkey";

-- DropForeignKey
ALTER TABLE "public"."agent_notes" DROP CONSTRAINT "agent_notes_interaction_id_fkey";

-- DropForeignKey
ALTER TABLE "public"."recording_refs" DROP CONSTRAINT "recording_refs_interaction_id_fkey";

-- DropTable
DROP TABLE "public"."customers";

-- DropTable
DROP TABLE "public"."customer_identities";

-- DropTable
DROP TABLE "public"."interactions";

-- DropTable
DROP TABLE "public"."segments";

-- DropTable
DROP TABLE "public"."messages";

-- DropTable
DROP TABLE "public"."agent_notes";

-- DropTable
DROP TABLE "public"."recording_refs";

-- DropTable
DROP TABLE "public"."event_log";

-- DropTable
DROP TABLE "public"."audit_entries";

-- DropEnum
DROP TYPE "public"."identity_kind";

