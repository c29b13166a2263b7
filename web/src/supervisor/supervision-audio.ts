// The supervisor's browser as the audio device of supervisions: one VoiceSession per supervisor socket connection,
// receiving only (monitor) until whisper or barge needs the microphone, taking only the consumers made for it.
// It lives as long as the connection, not one supervision: the API gives each socket one media peer, and media
// refuses that peer a second receive transport while the first is open (nothing closes it short of the socket).
// The server gives it only its own peer's consumers, both in `supervising` and pushed as `media_consumer`.
import type { LiveSocket } from '../api/live-socket';
import { VoiceSession, type AudioStats, type ConsumerOffer } from '../voice/voice-session';

declare global {
  interface Window {
    /** End-to-end tests read what the supervisor's tab hears here (counted from the current supervision's start). */
    parleySupervision?: { stats: () => Promise<AudioStats> };
  }
}

const NOTHING: AudioStats = { packetsSent: 0, packetsReceived: 0, inboundLevel: 0, totalInboundEnergy: 0 };

export class SupervisionAudio {
  private readonly voice: VoiceSession;
  private readonly received = new Set<string>();
  private readonly exposed: { stats: () => Promise<AudioStats> };
  private baseline: Promise<AudioStats> = Promise.resolve(NOTHING);
  private closed = false;

  constructor(socket: LiveSocket) {
    this.voice = new VoiceSession(socket);
    this.exposed = { stats: () => this.stats() };
    window.parleySupervision = this.exposed;
  }

  /** A supervision starts: counters start from here; loads the Device and the receive transport the first time. */
  async begin(): Promise<void> {
    this.baseline = this.voice.stats().catch(() => NOTHING);
    await this.voice.prepare();
  }

  get rtpCapabilities(): VoiceSession['rtpCapabilities'] {
    return this.voice.rtpCapabilities;
  }

  /**
   * On (whisper, barge): starts the microphone if it is not live (the browser may ask; throws a readable error if
   * refused) and sends it. Off (monitor, or the supervision ended): pauses it and releases the device, so nothing of
   * the supervisor leaves the tab and the browser stops showing the microphone in use.
   */
  async speak(on: boolean): Promise<void> {
    const live = this.voice.microphoneStream?.getAudioTracks().some((track) => track.readyState === 'live') ?? false;
    if (on && !(live && this.voice.producing)) await this.voice.start();
    this.voice.setMuted(!on);
    if (!on) this.voice.microphoneStream?.getTracks().forEach((track) => track.stop());
  }

  /** Consumes and resumes the consumers made for this tab, each once (the answer and the push both name them). */
  async receive(offers: readonly unknown[]): Promise<void> {
    for (const each of offers) {
      const offer = each as Partial<ConsumerOffer>;
      if (!offer.consumerId || !offer.producerId || this.received.has(offer.consumerId)) continue;
      this.received.add(offer.consumerId);
      await this.voice.receive({
        consumerId: offer.consumerId,
        producerId: offer.producerId,
        kind: 'audio',
        rtpParameters: offer.rtpParameters,
      });
    }
  }

  /** What the tab sent and heard since the current supervision began; the level is the current one. */
  async stats(): Promise<AudioStats> {
    const [base, now] = await Promise.all([this.baseline, this.voice.stats().catch(() => NOTHING)]);
    return {
      packetsSent: Math.max(0, now.packetsSent - base.packetsSent),
      packetsReceived: Math.max(0, now.packetsReceived - base.packetsReceived),
      inboundLevel: now.inboundLevel,
      totalInboundEnergy: Math.max(0, now.totalInboundEnergy - base.totalInboundEnergy),
    };
  }

  /** The connection is gone (the server closed the media peer with it) or the console is leaving. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.voice.close();
    if (window.parleySupervision === this.exposed) delete window.parleySupervision;
  }
}
