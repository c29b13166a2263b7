// What a queued caller hears: music on hold, interrupted every N seconds by their position ("you are number 3 in
// the queue") when routing knows it, and once, after a configured wait, by the offer of a call back ("press 1 and
// we will call you back": the call keeps its place in line as a callback). Stops when an agent connects, the caller
// leaves or accepts the callback. Interruptions take turns: one at a time, the music resumed after each.
import type { FlowAudio } from '../flows/flow-runner.js';

export interface QueueWaitOptions {
  audio: Pick<FlowAudio, 'play' | 'nextDigit' | 'clearDigits'> & {
    startLoop(prompts: string[]): Promise<void>;
    stopLoop(): Promise<void>;
    /** Cuts whatever announcement is playing (an agent connected in the middle of it). */
    stopPrompts(): Promise<void>;
  };
  /** Seconds between announcements; 0 for music only. */
  announceEverySeconds: number;
  /** The caller's position now, or undefined when routing cannot say (offered, unknown). */
  position: () => Promise<number | undefined>;
  /** Offer a callback after this many seconds of waiting; absent: never. */
  callbackOffer?: {
    afterSeconds: number;
    /** Turns the call into a callback at routing; the caller then hears the confirmation and the call ends. */
    accept: () => Promise<void>;
    accepted: () => void;
  };
  onError: (error: unknown) => void;
}

/** Numbers with a bundled prompt ("number-1" … "number-20"). */
const SPOKEN_NUMBERS = 20;
/** The key that accepts a callback offer, and how long the offer waits for it. */
const CALLBACK_KEY = '1';
const OFFER_TIMEOUT_MS = 6_000;

export class QueueWait {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** The interruption in progress: the next one waits for it. */
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly options: QueueWaitOptions) {}

  async start(): Promise<void> {
    await this.options.audio.startLoop(['hold-music']);
    this.scheduleAnnouncement();
    const offer = this.options.callbackOffer;
    if (offer) this.after(offer.afterSeconds, () => this.offerCallback(offer));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([this.options.audio.stopLoop(), this.options.audio.stopPrompts()]);
  }

  private after(seconds: number, interruption: () => Promise<void>, then: () => void = () => undefined): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.turn = this.turn
        .then(() => (this.stopped ? undefined : interruption()))
        .catch(this.options.onError)
        .finally(then);
    }, seconds * 1000);
    this.timers.add(timer);
  }

  private scheduleAnnouncement(): void {
    const every = this.options.announceEverySeconds;
    if (every <= 0 || this.stopped) return;
    this.after(
      every,
      () => this.announce(),
      () => this.scheduleAnnouncement(),
    );
  }

  /** Pauses the music for `prompts`, then resumes it unless the wait ended meanwhile. */
  private async interrupt(prompts: string[], stopOnDtmf: boolean): Promise<void> {
    await this.options.audio.stopLoop();
    if (this.stopped) return;
    await this.options.audio.play(prompts, { stopOnDtmf });
  }

  private async resumeMusic(): Promise<void> {
    if (!this.stopped) await this.options.audio.startLoop(['hold-music']);
  }

  private async announce(): Promise<void> {
    const position = await this.options.position();
    if (this.stopped || position === undefined || position < 1 || position > SPOKEN_NUMBERS) return;
    await this.interrupt(['queue-position', `number-${position}`, 'in-queue'], false);
    await this.resumeMusic();
  }

  private async offerCallback(offer: NonNullable<QueueWaitOptions['callbackOffer']>): Promise<void> {
    this.options.audio.clearDigits();
    await this.interrupt(['offer-callback'], true);
    const key = this.stopped ? undefined : await this.options.audio.nextDigit(OFFER_TIMEOUT_MS);
    if (this.stopped) return;
    if (key !== CALLBACK_KEY) return this.resumeMusic();
    try {
      await offer.accept();
    } catch (error) {
      // Routing refused (the call is being offered to an agent this instant, the queue takes no callbacks): wait on.
      this.options.onError(error);
      return this.resumeMusic();
    }
    await this.stop();
    await this.options.audio.play(['callback-confirmed'], { stopOnDtmf: false });
    offer.accepted();
  }
}
