// Where chat conversations live between requests, shared by every API replica: the conversation records in a
// JetStream KV bucket (who the visitor is, the hash of their rejoin key, the state, the agent), and the entries in
// the PARLEY_CHATS stream, one subject per conversation (`parley.chat.<site>.<chatId>.<kind>`), so a transcript is
// read back by subject and live entries reach every replica's sockets through plain subscriptions.
import { nanos } from '@nats-io/transport-node';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { openKeyValue, upsertStream, type KV, type NatsConnection } from '@parley/kit';
import type { ChatState } from './chat-entries.js';

export interface ChatStorageConfig {
  stream: string;
  subjectPrefix: string;
  bucket: string;
  /** How long a conversation can be rejoined and its entries read back (history keeps the transcript for good). */
  maxAgeMs: number;
}

export const defaultChatStorage: ChatStorageConfig = {
  stream: 'PARLEY_CHATS',
  subjectPrefix: 'parley.chat',
  bucket: 'parley_chats',
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
};

export interface ChatRecord {
  chatId: string;
  site: string;
  queueId: string;
  visitorId: string;
  visitorName: string;
  email: string | null;
  /** Pre-chat answers (the interaction's attributes), for the agent's screen-pop. */
  attributes: Record<string, string>;
  /** SHA-256 (hex) of the rejoin key handed to the visitor; the key itself is never stored. */
  keyHash: string;
  state: ChatState;
  agentId: string | null;
  agentName: string | null;
  startedAt: string;
}

export class ChatRecords {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, config: ChatStorageConfig): Promise<ChatRecords> {
    return new ChatRecords(await openKeyValue(nc, config.bucket, { ttl: config.maxAgeMs }));
  }

  async get(chatId: string): Promise<ChatRecord | undefined> {
    const entry = await this.kv.get(chatId);
    return entry && entry.operation === 'PUT' ? (entry.json() as ChatRecord) : undefined;
  }

  async create(record: ChatRecord): Promise<void> {
    await this.kv.create(record.chatId, JSON.stringify(record));
  }

  /** Changes a record with compare-and-set, retried when another replica changed it meanwhile. */
  async update(chatId: string, change: (record: ChatRecord) => ChatRecord): Promise<ChatRecord | undefined> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const entry = await this.kv.get(chatId);
      if (!entry || entry.operation !== 'PUT') return undefined;
      const next = change(entry.json() as ChatRecord);
      try {
        await this.kv.update(chatId, JSON.stringify(next), entry.revision);
        return next;
      } catch (error) {
        if (attempt === 4) throw error;
      }
    }
    return undefined;
  }
}

/** The stream of chat entries; created or updated on start by every replica. */
export async function ensureChatStream(jsm: JetStreamManager, config: ChatStorageConfig): Promise<void> {
  await upsertStream(jsm, {
    name: config.stream,
    subjects: [`${config.subjectPrefix}.*.*.stored`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    // Transcripts are read with direct gets (any replica of the stream answers, no consumer is made).
    allow_direct: true,
    max_age: nanos(config.maxAgeMs),
    duplicate_window: nanos(2 * 60 * 1000),
  });
}
