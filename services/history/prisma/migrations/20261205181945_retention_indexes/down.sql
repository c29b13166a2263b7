-- DropIndex
DROP INDEX "messages_sent_at_idx";

-- DropIndex
DROP INDEX "agent_notes_created_at_idx";

-- DropIndex
DROP INDEX "audit_entries_action_at_idx";

