-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "identity_kind" AS ENUM ('PHONE', 'EMAIL', 'CHAT_VISITOR', 'CRM');

-- CreateTable
CREATE TABLE "customers" (
    "id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL DEFAULT '',
    "merged_into_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "erased_at" TIMESTAMPTZ(3),

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_identities" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "kind" "identity_kind" NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_identities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interactions" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT,
    "channel" TEXT NOT NULL,
    "direction" TEXT NOT NULL DEFAULT 'inbound',
    "site_id" TEXT NOT NULL DEFAULT '',
    "queue_id" TEXT,
    "first_agent_id" TEXT,
    "last_agent_id" TEXT,
    "state" TEXT NOT NULL,
    "state_rank" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "queued_at" TIMESTAMPTZ(3),
    "offered_at" TIMESTAMPTZ(3),
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "wrap_up_ended_at" TIMESTAMPTZ(3),
    "wait_ms" INTEGER,
    "talk_ms" INTEGER,
    "hold_ms" INTEGER NOT NULL DEFAULT 0,
    "wrap_up_ms" INTEGER,
    "disposition" TEXT,
    "abandoned" BOOLEAN NOT NULL DEFAULT false,
    "abandon_point" TEXT,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "last_event_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "interactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segments" (
    "id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "queue_id" TEXT,
    "agent_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "previous_segment_id" TEXT,
    "initial_segment_id" TEXT,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "sender_kind" TEXT NOT NULL,
    "sender_id" TEXT NOT NULL DEFAULT '',
    "body" TEXT,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "body_erased_at" TIMESTAMPTZ(3),
    -- Hand-edited: generated from body ('simple': no language's stemming; the center serves many).
    "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce("body", ''))) STORED,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_notes" (
    "id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recording_refs" (
    "id" TEXT NOT NULL,
    "interaction_id" TEXT NOT NULL,
    "segment_id" TEXT,
    "uri" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "erased_at" TIMESTAMPTZ(3),

    CONSTRAINT "recording_refs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_log" (
    "event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "site" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "interaction_id" TEXT,
    "customer_id" TEXT,
    "payload" BYTEA NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_log_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "customers_merged_into_id_idx" ON "customers"("merged_into_id");

-- CreateIndex
CREATE INDEX "customer_identities_customer_id_idx" ON "customer_identities"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_identities_kind_value_key" ON "customer_identities"("kind", "value");

-- CreateIndex
CREATE INDEX "interactions_customer_id_created_at_id_idx" ON "interactions"("customer_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "interactions_created_at_id_idx" ON "interactions"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "interactions_queue_id_created_at_idx" ON "interactions"("queue_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "interactions_last_agent_id_created_at_idx" ON "interactions"("last_agent_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "interactions_disposition_created_at_idx" ON "interactions"("disposition", "created_at" DESC);

-- CreateIndex
CREATE INDEX "segments_interaction_id_started_at_idx" ON "segments"("interaction_id", "started_at");

-- CreateIndex
CREATE INDEX "segments_agent_id_started_at_idx" ON "segments"("agent_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "messages_interaction_id_sent_at_idx" ON "messages"("interaction_id", "sent_at");

-- CreateIndex
CREATE INDEX "messages_search_vector_idx" ON "messages" USING GIN ("search_vector");

-- CreateIndex
CREATE INDEX "agent_notes_interaction_id_created_at_idx" ON "agent_notes"("interaction_id", "created_at");

-- CreateIndex
CREATE INDEX "recording_refs_interaction_id_idx" ON "recording_refs"("interaction_id");

-- CreateIndex
CREATE INDEX "event_log_interaction_id_occurred_at_idx" ON "event_log"("interaction_id", "occurred_at");

-- CreateIndex
CREATE INDEX "event_log_occurred_at_idx" ON "event_log"("occurred_at");

-- CreateIndex
CREATE INDEX "audit_entries_subject_at_idx" ON "audit_entries"("subject", "at");

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_merged_into_id_fkey" FOREIGN KEY ("merged_into_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_identities" ADD CONSTRAINT "customer_identities_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_interaction_id_fkey" FOREIGN KEY ("interaction_id") REFERENCES "interactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_interaction_id_fkey" FOREIGN KEY ("interaction_id") REFERENCES "interactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_notes" ADD CONSTRAINT "agent_notes_interaction_id_fkey" FOREIGN KEY ("interaction_id") REFERENCES "interactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recording_refs" ADD CONSTRAINT "recording_refs_interaction_id_fkey" FOREIGN KEY ("interaction_id") REFERENCES "interactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

