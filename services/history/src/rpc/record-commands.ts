// The record's commands: AddNote, SetDisposition, MergeCustomers, EraseCustomer. Each is checked against the
// record, then stated as an event: published to JetStream first (so it is durable and every consumer sees it), then
// applied through the same ingest path the stream uses (so the answer reflects it, and the stream's own copy is
// recognised as a duplicate). A replay of the stream therefore rebuilds exactly what the commands did.
import { deterministicUlid, type EventPublisher } from '@parley/kit';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import type {
  AddNoteRequest,
  AddNoteResponse,
  EraseCustomerRequest,
  EraseCustomerResponse,
  MergeCustomersRequest,
  MergeCustomersResponse,
  SetDispositionRequest,
  SetDispositionResponse,
} from '@parley/protos/parley/history/v1/history';
import type pg from 'pg';
import { decodeTime, ulid } from 'ulid';
import type { ErasureCounts } from '../adapters/database/customer-changes.js';
import { ingestBatch } from '../adapters/database/ingest-batch.js';
import type { HistoryPrisma } from '../adapters/database/prisma.js';
import { customerIdentities } from '../adapters/database/record-content.js';
import { toCustomer, toDisposition, toNote } from './content-mapper.js';
import {
  validateAddNote,
  validateEraseCustomer,
  validateMergeCustomers,
  validateSetDisposition,
} from './command-requests.js';
import { customerNotFound, failedPrecondition, HistoryErrorCode, interactionNotFound } from './errors.js';

export interface RecordCommandsDeps {
  pool: pg.Pool;
  prisma: HistoryPrisma;
  events: EventPublisher;
  /** This deployment's site: events about customers (not tied to an interaction's site) carry it. */
  site: string;
  source: string;
}

export function createRecordCommands(deps: RecordCommandsDeps) {
  const { prisma } = deps;

  async function state(envelope: Envelope): Promise<void> {
    await deps.events.publish(envelope);
    await ingestBatch(deps.pool, [Envelope.encode(envelope).finish()]);
  }

  function envelopeOf(fields: Partial<Envelope> & Pick<Envelope, 'id' | 'type'>): Envelope {
    return Envelope.fromPartial({ site: deps.site, source: deps.source, occurredAt: new Date(), ...fields });
  }

  async function interactionFor(interactionId: string) {
    const interaction = await prisma.interaction.findUnique({
      where: { id: interactionId },
      select: { id: true, siteId: true, endedAt: true, customer: { select: { id: true, erasedAt: true } } },
    });
    if (!interaction) throw interactionNotFound(interactionId);
    if (interaction.customer?.erasedAt)
      throw failedPrecondition(HistoryErrorCode.CUSTOMER_ERASED, `the customer of "${interactionId}" was erased`, {
        customerId: interaction.customer.id,
      });
    return interaction;
  }

  async function customerFor(customerId: string) {
    const customer = await prisma.customer.findUnique({ where: { id: customerId } });
    if (!customer) throw customerNotFound(`id ${customerId}`);
    return customer;
  }

  return {
    async addNote(request: AddNoteRequest): Promise<AddNoteResponse> {
      validateAddNote(request);
      const existing = await prisma.agentNote.findUnique({ where: { id: request.noteId } });
      if (existing && existing.interactionId !== request.interactionId)
        throw failedPrecondition(
          HistoryErrorCode.NOTE_CONFLICT,
          `note "${request.noteId}" belongs to another interaction`,
        );
      const interaction = await interactionFor(request.interactionId);
      if (!existing) {
        await state(
          envelopeOf({
            // The same note id always states the same event: a retried call is a duplicate everywhere.
            id: deterministicUlid(decodeTime(request.noteId), `history:note:${request.noteId}`),
            type: 'interaction.note_added',
            site: interaction.siteId || deps.site,
            interactionId: interaction.id,
            ...(request.author?.kind === ActorKind.ACTOR_KIND_AGENT ? { agentId: request.author.id } : {}),
            interactionNoteAdded: { noteId: request.noteId, author: request.author, text: request.text.trim() },
          }),
        );
      }
      const note = await prisma.agentNote.findUniqueOrThrow({ where: { id: request.noteId } });
      return { note: toNote(note) };
    },

    async setDisposition(request: SetDispositionRequest): Promise<SetDispositionResponse> {
      validateSetDisposition(request);
      const interaction = await interactionFor(request.interactionId);
      if (!interaction.endedAt)
        throw failedPrecondition(
          HistoryErrorCode.INTERACTION_NOT_ENDED,
          `"${interaction.id}" is still in conversation: its disposition is chosen at wrap-up`,
        );
      const id = ulid();
      await state(
        envelopeOf({
          id,
          type: 'interaction.disposition_set',
          site: interaction.siteId || deps.site,
          interactionId: interaction.id,
          interactionDispositionSet: {
            wrapUpCodeId: request.wrapUpCodeId,
            comment: request.comment.trim(),
            actor: request.actor,
          },
        }),
      );
      const stored = await prisma.disposition.findUniqueOrThrow({ where: { eventId: id } });
      return { disposition: toDisposition(stored) };
    },

    async mergeCustomers(request: MergeCustomersRequest): Promise<MergeCustomersResponse> {
      validateMergeCustomers(request);
      const [survivor, merged] = [
        await customerFor(request.survivingCustomerId),
        await customerFor(request.mergedCustomerId),
      ];
      for (const customer of [survivor, merged])
        if (customer.erasedAt)
          throw failedPrecondition(HistoryErrorCode.CUSTOMER_ERASED, `customer "${customer.id}" was erased`, {
            customerId: customer.id,
          });
      if (survivor.mergedIntoId)
        throw failedPrecondition(
          HistoryErrorCode.CUSTOMER_MERGED,
          `"${survivor.id}" was itself merged into "${survivor.mergedIntoId}": merge into that record instead`,
          { customerId: survivor.mergedIntoId },
        );
      if (merged.mergedIntoId && merged.mergedIntoId !== survivor.id)
        throw failedPrecondition(
          HistoryErrorCode.CUSTOMER_MERGED,
          `"${merged.id}" was already merged into "${merged.mergedIntoId}"`,
          { customerId: merged.mergedIntoId },
        );
      if (!merged.mergedIntoId) {
        await state(
          envelopeOf({
            id: ulid(),
            type: 'customer.merged',
            customerId: survivor.id,
            customerMerged: { mergedCustomerId: merged.id, actor: request.actor },
          }),
        );
      }
      const updated = await customerFor(survivor.id);
      return {
        customer: toCustomer({ ...updated, erasedAt: updated.erasedAt }, await customerIdentities(prisma, survivor.id)),
      };
    },

    async eraseCustomer(request: EraseCustomerRequest): Promise<EraseCustomerResponse> {
      validateEraseCustomer(request);
      const customer = await customerFor(request.customerId);
      if (customer.mergedIntoId)
        throw failedPrecondition(
          HistoryErrorCode.CUSTOMER_MERGED,
          `"${customer.id}" was merged into "${customer.mergedIntoId}": erase that record`,
          { customerId: customer.mergedIntoId },
        );
      if (!customer.erasedAt) {
        await state(
          envelopeOf({
            id: ulid(),
            type: 'customer.erased',
            customerId: customer.id,
            customerErased: { actor: request.actor, requestRef: request.requestRef },
          }),
        );
      }
      // The first erasure's audit entry holds what it removed; a repeat answers with it.
      const audit = await prisma.auditEntry.findFirstOrThrow({
        where: { subject: customer.id, action: 'customer.erased' },
        orderBy: { at: 'asc' },
      });
      const counts = audit.details as unknown as ErasureCounts;
      return {
        interactionsAnonymized: counts.interactionsAnonymized,
        messagesDeleted: counts.messagesDeleted,
        recordingsScheduled: counts.recordingsScheduled,
        erasedAt: audit.at,
      };
    },
  };
}
