-- DropIndex
DROP INDEX "event_log_occurred_at_idx";

-- CreateIndex
CREATE INDEX "messages_sent_at_idx" ON "messages" USING BRIN ("sent_at");

-- CreateIndex
CREATE INDEX "agent_notes_created_at_idx" ON "agent_notes" USING BRIN ("created_at");

-- CreateIndex
CREATE INDEX "event_log_occurred_at_idx" ON "event_log" USING BRIN ("occurred_at");

-- CreateIndex
-- Hand-edited: partial (most events name no customer, and the ingest should not pay for them).
CREATE INDEX "event_log_customer_id_idx" ON "event_log"("customer_id") WHERE "customer_id" IS NOT NULL;

-- CreateIndex
CREATE INDEX "audit_entries_action_at_idx" ON "audit_entries"("action", "at");


-- Hand-edited: talk and wrap-up durations follow from the merged moments, so PostgreSQL computes them as stored
-- generated columns instead of an UPDATE after every ingest batch (Prisma's schema cannot express this; the model
-- keeps them as plain optional Ints that nothing writes).
ALTER TABLE "interactions" DROP COLUMN "talk_ms", DROP COLUMN "wrap_up_ms";
ALTER TABLE "interactions"
  ADD COLUMN "talk_ms" INTEGER GENERATED ALWAYS AS (CASE WHEN "answered_at" IS NOT NULL AND "ended_at" >= "answered_at"
    THEN (EXTRACT(EPOCH FROM "ended_at" - "answered_at") * 1000)::int END) STORED,
  ADD COLUMN "wrap_up_ms" INTEGER GENERATED ALWAYS AS (CASE WHEN "wrap_up_ended_at" IS NOT NULL AND "ended_at" IS NOT NULL
    AND "wrap_up_ended_at" >= "ended_at" THEN (EXTRACT(EPOCH FROM "wrap_up_ended_at" - "ended_at") * 1000)::int END) STORED;
