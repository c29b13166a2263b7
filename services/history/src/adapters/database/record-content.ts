// What GetInteraction adds to the summary and segments: messages, notes, recordings and the disposition in force,
// and a customer's identities.
import type { HistoryPrisma } from './prisma.js';

export async function interactionContent(prisma: HistoryPrisma, interactionId: string) {
  const where = { interactionId };
  const [messages, notes, recordings, disposition] = await Promise.all([
    prisma.message.findMany({ where, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }] }),
    prisma.agentNote.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    prisma.recordingRef.findMany({ where, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] }),
    prisma.disposition.findFirst({ where, orderBy: [{ setAt: 'desc' }, { eventId: 'desc' }] }),
  ]);
  return { messages, notes, recordings, disposition };
}

export type InteractionContent = Awaited<ReturnType<typeof interactionContent>>;

export async function customerIdentities(prisma: HistoryPrisma, customerId: string) {
  return prisma.customerIdentity.findMany({ where: { customerId }, orderBy: [{ kind: 'asc' }, { value: 'asc' }] });
}

/** Messages and notes of many interactions at once (exports), grouped by interaction, in order. */
export async function contentOf(prisma: HistoryPrisma, interactionIds: string[]) {
  const where = { interactionId: { in: interactionIds } };
  const [messages, notes] = await Promise.all([
    prisma.message.findMany({ where, orderBy: [{ interactionId: 'asc' }, { sentAt: 'asc' }, { id: 'asc' }] }),
    prisma.agentNote.findMany({ where, orderBy: [{ interactionId: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] }),
  ]);
  const group = <T extends { interactionId: string }>(rows: T[]) => {
    const grouped = new Map<string, T[]>();
    for (const row of rows) grouped.set(row.interactionId, [...(grouped.get(row.interactionId) ?? []), row]);
    return grouped;
  };
  return { messages: group(messages), notes: group(notes) };
}
