// Following a conversation without a gap or a repeat: subscribe to live entries first, read the stored transcript,
// hand it over, then pass on the live entries that came meanwhile and after, skipping any already in the transcript.
import type { ChatChannel } from './chat-channel.js';
import type { ChatEntry, StoredChatEntry } from './chat-entries.js';
import type { ChatRecord } from './chat-storage.js';

export async function followWithTranscript(
  channel: ChatChannel,
  chat: Pick<ChatRecord, 'site' | 'chatId'>,
  onTranscript: (transcript: StoredChatEntry[]) => void,
  onEntry: (entry: ChatEntry) => void,
  onBad: (error: unknown) => void,
): Promise<() => void> {
  let early: ChatEntry[] | undefined = [];
  const stop = channel.follow(chat.site, chat.chatId, (entry) => (early ? early.push(entry) : onEntry(entry)), onBad);
  try {
    const transcript = await channel.transcript(chat.site, chat.chatId);
    onTranscript(transcript);
    const seen = new Set(transcript.map((entry) => entry.id));
    const pending = early;
    early = undefined;
    for (const entry of pending) if (!seen.has(entry.id)) onEntry(entry);
    return stop;
  } catch (error) {
    stop();
    throw error;
  }
}
