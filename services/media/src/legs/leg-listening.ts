// What a leg hears, decided in one place. A SIP phone plays one RTP stream at a time, so an RTP leg hears exactly
// one kind of source: music while held, else the prompt being played, else a mix (when a supervisor joins its
// conversation), else its bridge partner. A browser mixes what it receives, so a peer hears every partner at once
// (and waits for its own ResumeConsumer first).
import type { types } from 'mediasoup';

export type SourceKind = 'partner' | 'prompt' | 'music' | 'mix';

interface Source {
  kind: SourceKind;
  consumer: types.Consumer;
  /** Peer consumers stay paused until the browser has set them up (ResumeConsumer). */
  awaitingBrowser: boolean;
}

export class LegListening {
  private readonly sources = new Map<string, Source>();
  private held = false;

  constructor(private readonly mixes: boolean) {}

  get isHeld(): boolean {
    return this.held;
  }

  async add(key: string, kind: SourceKind, consumer: types.Consumer, awaitingBrowser = false): Promise<void> {
    this.sources.set(key, { kind, consumer, awaitingBrowser });
    consumer.observer.once('close', () => {
      if (this.sources.get(key)?.consumer === consumer) {
        this.sources.delete(key);
        void this.apply();
      }
    });
    await this.apply();
  }

  async remove(key: string): Promise<void> {
    const source = this.sources.get(key);
    if (!source) return;
    this.sources.delete(key);
    if (!source.consumer.closed) source.consumer.close();
    await this.apply();
  }

  has(key: string): boolean {
    return this.sources.has(key);
  }

  consumer(key: string): types.Consumer | undefined {
    return this.sources.get(key)?.consumer;
  }

  async browserReady(consumerId: string): Promise<boolean> {
    for (const source of this.sources.values()) {
      if (source.consumer.id === consumerId) {
        source.awaitingBrowser = false;
        await this.apply();
        return true;
      }
    }
    return false;
  }

  async setHeld(held: boolean): Promise<void> {
    this.held = held;
    await this.apply();
  }

  private audible(source: Source): boolean {
    if (source.awaitingBrowser) return false;
    if (this.held) return source.kind === 'music';
    if (source.kind === 'music') return false;
    if (this.mixes) return true;
    const kinds = new Set([...this.sources.values()].map((other) => other.kind));
    const heard = kinds.has('prompt') ? 'prompt' : kinds.has('mix') ? 'mix' : 'partner';
    return source.kind === heard;
  }

  private async apply(): Promise<void> {
    const changes: Promise<void>[] = [];
    for (const source of this.sources.values()) {
      const { consumer } = source;
      if (consumer.closed) continue;
      const audible = this.audible(source);
      if (audible && consumer.paused) changes.push(consumer.resume());
      else if (!audible && !consumer.paused) changes.push(consumer.pause());
    }
    await Promise.all(changes.map((change) => change.catch(() => undefined)));
  }
}
