// Stored content rows → the contract's messages, notes, recordings, disposition and customer.
import { ActorKind, type Actor } from '@parley/protos/parley/common/v1/actor';
import { SenderKind, type InteractionMessage } from '@parley/protos/parley/common/v1/message';
import type { Customer, Disposition, Note, RecordingRef } from '@parley/protos/parley/history/v1/history';
import type { InteractionContent } from '../adapters/database/record-content.js';
import type { TimelineCustomer } from '../adapters/database/timeline-query.js';

type Row<K extends keyof InteractionContent> =
  NonNullable<InteractionContent[K]> extends (infer T)[] ? T : NonNullable<InteractionContent[K]>;

const senderKinds: Record<string, SenderKind> = {
  customer: SenderKind.SENDER_KIND_CUSTOMER,
  agent: SenderKind.SENDER_KIND_AGENT,
  bot: SenderKind.SENDER_KIND_BOT,
};

const actorKinds: Record<string, ActorKind> = {
  agent: ActorKind.ACTOR_KIND_AGENT,
  supervisor: ActorKind.ACTOR_KIND_SUPERVISOR,
  admin: ActorKind.ACTOR_KIND_ADMIN,
  customer: ActorKind.ACTOR_KIND_CUSTOMER,
  system: ActorKind.ACTOR_KIND_SYSTEM,
};

export function toActor(kind: string, id: string): Actor {
  return { kind: actorKinds[kind] ?? ActorKind.ACTOR_KIND_UNSPECIFIED, id, displayName: '' };
}

interface StoredAttachment {
  id?: string;
  fileName?: string;
  contentType?: string;
  sizeBytes?: number;
  storageUri?: string;
  sha256?: string;
}

interface StoredEmail {
  from?: string;
  to?: string[];
  cc?: string[];
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
}

export function toMessage(row: Row<'messages'>): InteractionMessage {
  const email = row.email as StoredEmail | null;
  return {
    id: row.id,
    senderKind: senderKinds[row.senderKind] ?? SenderKind.SENDER_KIND_UNSPECIFIED,
    senderId: row.senderId,
    senderDisplayName: row.senderName,
    text: row.body ?? '', // empty once retention or an erasure removed it
    html: row.html ?? '',
    attachments: ((row.attachments ?? []) as StoredAttachment[]).map((attachment) => ({
      id: attachment.id ?? '',
      fileName: attachment.fileName ?? '',
      contentType: attachment.contentType ?? '',
      sizeBytes: attachment.sizeBytes ?? 0,
      storageUri: attachment.storageUri ?? '',
      sha256: attachment.sha256 ?? '',
    })),
    ...(email
      ? {
          email: {
            from: email.from ?? '',
            to: email.to ?? [],
            cc: email.cc ?? [],
            subject: email.subject ?? '',
            messageId: email.messageId ?? '',
            inReplyTo: email.inReplyTo ?? '',
          },
        }
      : {}),
    sentAt: row.sentAt,
  };
}

export function toNote(row: Row<'notes'>): Note {
  return {
    id: row.id,
    interactionId: row.interactionId,
    author: toActor(row.authorKind, row.agentId),
    text: row.body,
    createdAt: row.createdAt,
  };
}

export function toRecording(row: Row<'recordings'>): RecordingRef {
  return {
    recordingId: row.id,
    ...(row.startedAt ? { startedAt: row.startedAt } : {}),
    durationMs: row.durationMs ?? 0,
    deleted: row.erasedAt !== null,
  };
}

export function toDisposition(row: Row<'disposition'>): Disposition {
  return {
    wrapUpCodeId: row.wrapUpCodeId,
    wrapUpCodeName: '', // the catalogue of codes belongs to routing; callers resolve labels there
    comment: row.comment,
    setBy: toActor(row.actorKind, row.actorId),
    setAt: row.setAt,
  };
}

/** The contract's Customer with its identities, listed by kind. */
export function toCustomer(
  customer: TimelineCustomer,
  identities: readonly { kind: string; value: string }[],
  mergedIntoId = '',
): Customer {
  const values = (kind: string) => identities.filter((identity) => identity.kind === kind).map((i) => i.value);
  return {
    id: customer.id,
    displayName: customer.displayName,
    phoneNumbers: values('PHONE'),
    emails: values('EMAIL'),
    chatVisitorIds: values('CHAT_VISITOR'),
    crmRef: values('CRM')[0] ?? '',
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    mergedIntoCustomerId: mergedIntoId,
    ...(customer.erasedAt ? { erasedAt: customer.erasedAt } : {}),
  };
}
