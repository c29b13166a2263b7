// What an event adds to an interaction's content (messages, notes, dispositions, recordings) or to a customer
// record (merges, erasures). Each fact is keyed so that applying it twice, or before the events it follows, gives
// the same rows: messages and notes by their own ids, dispositions by event id, recordings merged per recording id.
import { ActorKind, type Actor } from '@parley/protos/parley/common/v1/actor';
import { SenderKind, type InteractionMessage } from '@parley/protos/parley/common/v1/message';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';

export interface MessageFact {
  id: string;
  interactionId: string;
  senderKind: string;
  senderId: string;
  senderName: string;
  body: string;
  html: string | null;
  email: Record<string, unknown> | null;
  attachments: Record<string, unknown>[];
  sentAt: Date;
}

export interface NoteFact {
  id: string;
  interactionId: string;
  authorKind: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

export interface DispositionFact {
  eventId: string;
  interactionId: string;
  wrapUpCodeId: string;
  comment: string;
  actorKind: string;
  actorId: string;
  setAt: Date;
}

/** One event's view of a recording; rows merge per recording id (earliest start, latest values otherwise). */
export interface RecordingFact {
  id: string;
  interactionId: string;
  segmentId: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  uri: string | null;
  erasedAt: Date | null;
}

export interface CustomerMergeFact {
  eventId: string;
  survivingCustomerId: string;
  mergedCustomerId: string;
  actor: string;
  at: Date;
}

export interface CustomerErasureFact {
  eventId: string;
  customerId: string;
  actor: string;
  requestRef: string;
  at: Date;
}

export type ContentFact =
  | { kind: 'message'; fact: MessageFact }
  | { kind: 'note'; fact: NoteFact }
  | { kind: 'disposition'; fact: DispositionFact }
  | { kind: 'recording'; fact: RecordingFact }
  | { kind: 'customer_merge'; fact: CustomerMergeFact }
  | { kind: 'customer_erasure'; fact: CustomerErasureFact };

const actorKinds: Record<ActorKind, string> = {
  [ActorKind.ACTOR_KIND_UNSPECIFIED]: '',
  [ActorKind.ACTOR_KIND_AGENT]: 'agent',
  [ActorKind.ACTOR_KIND_SUPERVISOR]: 'supervisor',
  [ActorKind.ACTOR_KIND_ADMIN]: 'admin',
  [ActorKind.ACTOR_KIND_CUSTOMER]: 'customer',
  [ActorKind.ACTOR_KIND_SYSTEM]: 'system',
  [ActorKind.UNRECOGNIZED]: '',
};

export function actorKindName(kind: ActorKind | undefined): string {
  return actorKinds[kind ?? ActorKind.ACTOR_KIND_UNSPECIFIED] ?? '';
}

/** "kind:id", as audit entries name who acted. */
export function actorLabel(actor: Actor | undefined): string {
  return actor ? `${actorKindName(actor.kind) || 'unknown'}:${actor.id}` : 'unknown';
}

const senderKinds: Partial<Record<SenderKind, string>> = {
  [SenderKind.SENDER_KIND_CUSTOMER]: 'customer',
  [SenderKind.SENDER_KIND_AGENT]: 'agent',
  [SenderKind.SENDER_KIND_BOT]: 'bot',
};

function messageFact(interactionId: string, message: InteractionMessage, at: Date): MessageFact {
  return {
    id: message.id,
    interactionId,
    senderKind: senderKinds[message.senderKind] ?? 'unknown',
    senderId: message.senderId,
    senderName: message.senderDisplayName,
    body: message.text,
    html: message.html || null,
    email: message.email
      ? {
          from: message.email.from,
          to: message.email.to,
          cc: message.email.cc,
          subject: message.email.subject,
          messageId: message.email.messageId,
          inReplyTo: message.email.inReplyTo,
        }
      : null,
    attachments: message.attachments.map((attachment) => ({
      id: attachment.id,
      fileName: attachment.fileName,
      contentType: attachment.contentType,
      sizeBytes: Number(attachment.sizeBytes),
      storageUri: attachment.storageUri,
      sha256: attachment.sha256,
    })),
    sentAt: message.sentAt ?? at,
  };
}

function recordingFact(envelope: Envelope, values: Partial<RecordingFact>): ContentFact {
  return {
    kind: 'recording',
    fact: {
      id: envelope.recordingId,
      interactionId: envelope.interactionId,
      segmentId: envelope.segmentId || null,
      startedAt: null,
      endedAt: null,
      durationMs: null,
      uri: null,
      erasedAt: null,
      ...values,
    },
  };
}

/** Undefined for events that add no content. */
export function contentFactOf(envelope: Envelope): ContentFact | undefined {
  const at = envelope.occurredAt;
  if (!at) return undefined;
  const interactionId = envelope.interactionId;
  switch (envelope.type) {
    case 'interaction.message_sent': {
      const message = envelope.interactionMessageSent?.message;
      return interactionId && message?.id
        ? { kind: 'message', fact: messageFact(interactionId, message, at) }
        : undefined;
    }
    case 'interaction.note_added': {
      const note = envelope.interactionNoteAdded;
      if (!interactionId || !note?.noteId) return undefined;
      return {
        kind: 'note',
        fact: {
          id: note.noteId,
          interactionId,
          authorKind: actorKindName(note.author?.kind) || 'agent',
          authorId: note.author?.id ?? envelope.agentId,
          body: note.text,
          createdAt: at,
        },
      };
    }
    case 'interaction.disposition_set':
    case 'interaction.completed': {
      const set = envelope.interactionDispositionSet;
      const code = set?.wrapUpCodeId || envelope.interactionCompleted?.wrapUpCodeId;
      if (!interactionId || !code) return undefined;
      // At wrap-up the agent of the interaction chose it; a correction names its actor.
      const actorKind = set ? actorKindName(set.actor?.kind) : envelope.agentId ? 'agent' : 'system';
      const actorId = set ? (set.actor?.id ?? '') : envelope.agentId;
      return {
        kind: 'disposition',
        fact: {
          eventId: envelope.id,
          interactionId,
          wrapUpCodeId: code,
          comment: set?.comment ?? '',
          actorKind,
          actorId,
          setAt: at,
        },
      };
    }
    case 'recording.started':
      return envelope.recordingId && interactionId ? recordingFact(envelope, { startedAt: at }) : undefined;
    case 'recording.stopped':
      return envelope.recordingId && interactionId
        ? recordingFact(envelope, {
            endedAt: at,
            durationMs: Number(envelope.recordingStopped?.durationMs ?? 0) || null,
          })
        : undefined;
    case 'recording.stored':
      return envelope.recordingId && interactionId
        ? recordingFact(envelope, {
            uri: envelope.recordingStored?.storageUri || null,
            durationMs: Number(envelope.recordingStored?.durationMs ?? 0) || null,
          })
        : undefined;
    case 'recording.deleted':
      return envelope.recordingId && interactionId ? recordingFact(envelope, { erasedAt: at }) : undefined;
    case 'customer.merged': {
      const merged = envelope.customerMerged;
      if (!envelope.customerId || !merged?.mergedCustomerId) return undefined;
      return {
        kind: 'customer_merge',
        fact: {
          eventId: envelope.id,
          survivingCustomerId: envelope.customerId,
          mergedCustomerId: merged.mergedCustomerId,
          actor: actorLabel(merged.actor),
          at,
        },
      };
    }
    case 'customer.erased':
      return envelope.customerId
        ? {
            kind: 'customer_erasure',
            fact: {
              eventId: envelope.id,
              customerId: envelope.customerId,
              actor: actorLabel(envelope.customerErased?.actor),
              requestRef: envelope.customerErased?.requestRef ?? '',
              at,
            },
          }
        : undefined;
    default:
      return undefined;
  }
}
