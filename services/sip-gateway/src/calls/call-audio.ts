// One answered call's audio as a flow sees it: play prompts at media and wait for their end, and take the caller's
// key presses (RFC 4733 digits reported by media, SIP INFO digits from the dialog) one at a time with a timeout.
import type { RpcClient } from '@parley/kit';
import { PlayPromptRequest, type MediaServiceService } from '@parley/protos/parley/media/v1/media';
import type { Envelope } from '@parley/protos/parley/events/v1/envelope';
import { PromptEndReason } from '@parley/protos/parley/events/v1/media_events';
import { ulid } from 'ulid';
import type { FlowAudio, PlayOutcome } from '../flows/flow-runner.js';

export class CallAudio implements FlowAudio {
  private readonly digits: string[] = [];
  private digitWaiter: ((digit: string | undefined) => void) | undefined;
  private readonly playbacks = new Map<string, (outcome: PlayOutcome) => void>();
  private hungUp = false;
  private loopId: string | undefined;

  constructor(
    private readonly media: RpcClient<typeof MediaServiceService>,
    private readonly endpointId: string,
  ) {}

  /** Feeds the call's media events (the kit's EventFeed, by Call-ID). */
  onMediaEvent(event: Envelope): void {
    const digit = event.mediaDtmfReceived?.digit;
    if (digit) this.pushDigit(digit);
    const finished = event.mediaPromptFinished;
    if (finished) {
      this.playbacks.get(finished.playbackId)?.({
        interrupted: finished.reason === PromptEndReason.PROMPT_END_REASON_DTMF,
      });
      this.playbacks.delete(finished.playbackId);
    }
  }

  /** A key from the caller (media's RFC 4733 detection, or SIP INFO). */
  pushDigit(digit: string): void {
    if (this.digitWaiter) {
      const resolve = this.digitWaiter;
      this.digitWaiter = undefined;
      resolve(digit);
    } else this.digits.push(digit);
  }

  /** The caller left: every wait ends at once. */
  hangUp(): void {
    this.hungUp = true;
    this.digitWaiter?.(undefined);
    this.digitWaiter = undefined;
    for (const resolve of this.playbacks.values()) resolve({ interrupted: false });
    this.playbacks.clear();
  }

  get ended(): boolean {
    return this.hungUp;
  }

  async play(prompts: string[], options: { stopOnDtmf: boolean }): Promise<PlayOutcome> {
    if (this.hungUp) return { interrupted: false };
    const playbackId = ulid();
    // Registered before asking: media may report the end before its answer to PlayPrompt arrives.
    const finished = new Promise<PlayOutcome>((resolve) => this.playbacks.set(playbackId, resolve));
    await this.media.playPrompt(
      PlayPromptRequest.fromPartial({
        playbackId,
        leg: { rtpEndpointId: this.endpointId },
        prompts: prompts.map((prompt) => `builtin/${prompt}`),
        stopOnDtmf: options.stopOnDtmf,
      }),
    );
    return finished;
  }

  /** Starts a prompt sequence that repeats until stopLoop (music on hold). */
  async startLoop(prompts: string[]): Promise<void> {
    if (this.hungUp) return;
    this.loopId = ulid();
    await this.media.playPrompt(
      PlayPromptRequest.fromPartial({
        playbackId: this.loopId,
        leg: { rtpEndpointId: this.endpointId },
        prompts: prompts.map((prompt) => `builtin/${prompt}`),
        loop: true,
      }),
    );
  }

  async stopLoop(): Promise<void> {
    const playbackId = this.loopId;
    this.loopId = undefined;
    if (playbackId && !this.hungUp) await this.media.stopPrompt({ playbackId });
  }

  /** Stops every prompt this call is playing (not the loop), as if it had ended. */
  async stopPrompts(): Promise<void> {
    const playing = [...this.playbacks.keys()];
    if (this.hungUp || playing.length === 0) return;
    await Promise.all(playing.map((playbackId) => this.media.stopPrompt({ playbackId })));
  }

  clearDigits(): void {
    this.digits.length = 0;
  }

  nextDigit(timeoutMs: number): Promise<string | undefined> {
    const queued = this.digits.shift();
    if (queued !== undefined || this.hungUp) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.digitWaiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.digitWaiter = (digit) => {
        clearTimeout(timer);
        resolve(digit);
      };
    });
  }
}
