// Chat entries on NATS: stored entries go to the chat stream (acknowledged, de-duplicated by entry id), typing
// indicators are plain publishes; a follower gets every entry of one conversation live, whichever replica sent it,
// and reads the stored ones back in order.
import type { JetStreamManager } from '@nats-io/jetstream';
import { publishToStream, type NatsConnection } from '@parley/kit';
import { decodeEntry, encodeEntry, type ChatEntry, type StoredChatEntry } from './chat-entries.js';
import type { ChatStorageConfig } from './chat-storage.js';

/** A transcript longer than this is cut to its latest entries (a chat is tens of messages, not thousands). */
const TRANSCRIPT_LIMIT = 1_000;

export class ChatChannel {
  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly config: ChatStorageConfig,
  ) {}

  /** Stores the entry (resolves once the stream has it) or, for typing, sends it on. */
  async publish(site: string, chatId: string, entry: ChatEntry): Promise<void> {
    if (entry.kind === 'typing') {
      this.nc.publish(this.subject(site, chatId, 'typing'), encodeEntry(entry));
      return;
    }
    await publishToStream(this.nc, this.subject(site, chatId, 'stored'), encodeEntry(entry), {
      msgID: entry.id,
      timeoutMs: 5_000,
    });
  }

  /** Calls `listener` with each new entry of the conversation until the returned function is called. */
  follow(site: string, chatId: string, listener: (entry: ChatEntry) => void, onBad: (error: unknown) => void) {
    const subscription = this.nc.subscribe(this.subject(site, chatId, '*'), {
      callback: (error, message) => {
        if (error) return onBad(error);
        try {
          const entry = decodeEntry(message.data);
          if (entry) listener(entry);
        } catch (decodeError) {
          onBad(decodeError);
        }
      },
    });
    return () => subscription.unsubscribe();
  }

  /** The stored entries of the conversation, oldest first. */
  async transcript(site: string, chatId: string): Promise<StoredChatEntry[]> {
    const subject = this.subject(site, chatId, 'stored');
    const entries: StoredChatEntry[] = [];
    let seq = 1;
    // One direct get per entry (next message on the subject at or after seq): NATS 2.9 has no batch read.
    for (;;) {
      const message = await this.jsm.direct.getMessage(this.config.stream, { next_by_subj: subject, seq });
      if (!message) break;
      const entry = decodeEntry(message.data);
      if (entry && entry.kind !== 'typing') entries.push(entry);
      if (entries.length > TRANSCRIPT_LIMIT) entries.shift();
      seq = message.seq + 1;
    }
    return entries;
  }

  private subject(site: string, chatId: string, kind: string): string {
    return `${this.config.subjectPrefix}.${site}.${chatId}.${kind}`;
  }
}
