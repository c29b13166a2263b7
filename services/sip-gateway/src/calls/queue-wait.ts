// What a queued caller hears: music on hold, interrupted every N seconds by their position ("you are number 3 in
// the queue") when routing knows it. Stops when an agent connects or the caller leaves.
import type { FlowAudio } from '../flows/flow-runner.js';

export interface QueueWaitOptions {
  audio: Pick<FlowAudio, 'play'> & { startLoop(prompts: string[]): Promise<void>; stopLoop(): Promise<void> };
  /** Seconds between announcements; 0 for music only. */
  announceEverySeconds: number;
  /** The caller's position now, or undefined when routing cannot say (offered, unknown). */
  position: () => Promise<number | undefined>;
  onError: (error: unknown) => void;
}

/** Numbers with a bundled prompt ("number-1" … "number-20"). */
const SPOKEN_NUMBERS = 20;

export class QueueWait {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: QueueWaitOptions) {}

  async start(): Promise<void> {
    await this.options.audio.startLoop(['hold-music']);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.options.audio.stopLoop();
  }

  private schedule(): void {
    const every = this.options.announceEverySeconds;
    if (every <= 0 || this.stopped) return;
    this.timer = setTimeout(() => {
      this.announce()
        .catch(this.options.onError)
        .finally(() => this.schedule());
    }, every * 1000);
  }

  private async announce(): Promise<void> {
    const position = await this.options.position();
    if (this.stopped || position === undefined || position < 1 || position > SPOKEN_NUMBERS) return;
    await this.options.audio.stopLoop();
    if (this.stopped) return;
    await this.options.audio.play(['queue-position', `number-${position}`, 'in-queue'], { stopOnDtmf: false });
    if (!this.stopped) await this.options.audio.startLoop(['hold-music']);
  }
}
