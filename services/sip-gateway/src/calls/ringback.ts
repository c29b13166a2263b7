// What a customer hears while Parley dials someone for them (an external number after a transfer).
import type { CallAudio } from './call-audio.js';

/**
 * What the customer hears while an external number rings: "transferring", then music, until the far end answers
 * (or the call ends). Stopping during the prompt keeps the music from starting afterwards.
 */
export class Ringback {
  private stopped = false;

  constructor(private readonly audio: CallAudio) {}

  start(): void {
    void (async () => {
      await this.audio.play(['transferring'], { stopOnDtmf: false });
      if (!this.stopped) await this.audio.startLoop(['hold-music']);
    })().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.audio.stopPrompts(), this.audio.stopLoop()]).catch(() => undefined);
  }
}
