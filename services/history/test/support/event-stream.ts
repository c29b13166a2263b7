// A deterministic stream of interaction events as routing and the gateways emit them: calls and chats created,
// queued, offered, answered (some transferred and answered again by a second agent), ended with or without
// wrap-up, or abandoned in queue; chat messages, recordings of calls, agents' notes, corrected dispositions, and
// now and then two records of one person merged or a customer erased. Seeded, so every run sees the same stream.
import { AbandonPoint } from '@parley/protos/parley/common/v1/interaction';
import { Channel, Direction } from '@parley/protos/parley/common/v1/channel';
import { CustomerIdentity } from '@parley/protos/parley/common/v1/interaction';
import { ActorKind } from '@parley/protos/parley/common/v1/actor';
import { SenderKind } from '@parley/protos/parley/common/v1/message';
import { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { customerIdFor, identitiesOf } from '../../src/domain/identities.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface GeneratedStream {
  payloads: Uint8Array[];
  interactions: number;
}

export interface StreamOptions {
  /** When the first interaction starts. */
  start?: Date;
  /** Prefixed to every id (events, interactions, customers, messages) so several streams can share a database. */
  prefix?: string;
  /** The national part callers' numbers start with (another value gives other people). */
  phonePrefix?: string;
}

/** About `events` events over as many interactions as it takes, in time order. */
export function generateEventStream(events: number, seed = 7, options: StreamOptions = {}): GeneratedStream {
  const next = random(seed);
  const payloads: Uint8Array[] = [];
  let interactions = 0;
  let counter = 0;
  const t0 = (options.start ?? new Date(Date.UTC(2026, 10, 24, 8))).getTime();
  const prefix = options.prefix ?? '';
  while (payloads.length < events) {
    const id = `${prefix}int-${interactions++}`;
    let at = t0 + interactions * 1_000;
    const queue = `q${Math.floor(next() * 5)}`;
    // Loosely typed on purpose: fromPartial fills in every field the test leaves out.
    const emit = (type: string, fields: Record<string, unknown>) => {
      at += 1_000 + Math.floor(next() * 30_000);
      payloads.push(
        Envelope.encode(
          Envelope.fromPartial({
            id: `${prefix}evt-${counter++}`,
            type,
            site: 'waw',
            source: 'test',
            occurredAt: new Date(at),
            interactionId: id,
            ...fields,
          }),
        ).finish(),
      );
    };
    const emitForCustomer = (type: string, customerId: string, fields: Record<string, unknown>) =>
      emit(type, { interactionId: '', customerId, ...fields });
    const channel = next() < 0.5 ? Channel.CHANNEL_VOICE : Channel.CHANNEL_CHAT;
    // Customers call from their phone (some give an e-mail too); a gateway that already knows the customer names
    // them, otherwise history resolves the identities itself — so one person may have two records until merged.
    const person = Math.floor(next() * 300);
    const named = next() < 0.5;
    const phoneNumber = `+48 ${options.phonePrefix ?? '600'} ${String(person).padStart(6, '0')}`;
    emit('interaction.created', {
      ...(named ? { customerId: `${prefix}cust-${person}` } : {}),
      interactionCreated: {
        interaction: {
          id,
          channel,
          direction: Direction.DIRECTION_INBOUND,
          customer: {
            phoneNumber,
            email: person % 2 === 0 ? `Person${person}@Example.com` : '',
          },
        },
      },
    });
    const queuedAt = at;
    emit('interaction.queued', {
      queueId: queue,
      interactionQueued: { priority: 0, enqueuedAt: new Date(queuedAt + 1) },
    });
    if (next() < 0.15) {
      emit('interaction.abandoned', {
        queueId: queue,
        interactionAbandoned: { point: AbandonPoint.ABANDON_POINT_QUEUE, waitMs: at - queuedAt },
      });
      continue;
    }
    const agent = `a${Math.floor(next() * 40)}`;
    emit('offer.created', { queueId: queue, agentId: agent });
    emit('interaction.connected', { queueId: queue, agentId: agent, interactionConnected: { waitMs: at - queuedAt } });
    if (next() < 0.2) {
      const target = `q${Math.floor(next() * 5)}`;
      emit('interaction.transferred', { interactionTransferred: { target: { queueId: target } } });
      emit('interaction.queued', { queueId: target, interactionQueued: { priority: 0 } });
      const second = `a${Math.floor(next() * 40)}`;
      emit('interaction.connected', { queueId: target, agentId: second, interactionConnected: { waitMs: 5_000 } });
    }
    if (channel === Channel.CHANNEL_CHAT) {
      for (const [n, sender] of [SenderKind.SENDER_KIND_CUSTOMER, SenderKind.SENDER_KIND_AGENT].entries())
        emit('interaction.message_sent', {
          agentId: agent,
          interactionMessageSent: {
            message: {
              id: `msg-${id}-${n}`,
              senderKind: sender,
              senderId: sender === SenderKind.SENDER_KIND_AGENT ? agent : `visitor-${person}`,
              senderDisplayName: sender === SenderKind.SENDER_KIND_AGENT ? 'Agent' : `Person ${person}`,
              text: n === 0 ? `My parcel ${person} never arrived` : 'Sorry to hear that, let me check',
              attachments: n === 0 && person % 7 === 0 ? [{ id: `att-${id}`, fileName: 'receipt.pdf' }] : [],
            },
          },
        });
    } else if (next() < 0.4) {
      const recording = { recordingId: `rec-${id}` };
      emit('recording.started', recording);
      emit('recording.stopped', { ...recording, recordingStopped: { durationMs: 60_000 } });
      emit('recording.stored', {
        ...recording,
        recordingStored: { storageUri: `s3://recordings/${id}.wav`, durationMs: 60_000 },
      });
    }
    if (next() < 0.3) emit('interaction.resumed', { interactionResumed: { holdMs: 10_000 } });
    if (next() < 0.6) emit('interaction.wrap_up_started', {});
    if (next() < 0.1)
      emit('interaction.note_added', {
        agentId: agent,
        interactionNoteAdded: {
          noteId: `note-${id}`,
          author: { kind: ActorKind.ACTOR_KIND_AGENT, id: agent },
          text: `Customer ${person} asked for a refund`,
        },
      });
    emit('interaction.completed', { interactionCompleted: { wrapUpCodeId: next() < 0.5 ? 'sold' : 'info' } });
    if (next() < 0.1)
      emit('interaction.disposition_set', {
        interactionDispositionSet: {
          wrapUpCodeId: 'complaint',
          comment: 'corrected by the supervisor',
          actor: { kind: ActorKind.ACTOR_KIND_SUPERVISOR, id: 'sup-1' },
        },
      });
    // Now and then the record history derived from a phone number turns out to be a known customer's.
    const derived = identitiesOf(CustomerIdentity.fromPartial({ phoneNumber }))[0];
    if (named && derived && interactions % 97 === 0)
      emitForCustomer('customer.merged', `${prefix}cust-${person}`, {
        customerMerged: { mergedCustomerId: customerIdFor(derived), actor: { kind: ActorKind.ACTOR_KIND_ADMIN } },
      });
    if (interactions % 1_009 === 0)
      emitForCustomer('customer.erased', `${prefix}cust-${person}`, {
        customerErased: { actor: { kind: ActorKind.ACTOR_KIND_ADMIN, id: 'dpo' }, requestRef: `dsr-${person}` },
      });
  }
  return { payloads, interactions };
}

/** The same events shuffled (so each interaction's events come in a different order too). */
export function shuffled<T>(items: readonly T[], seed = 11): T[] {
  const next = random(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
