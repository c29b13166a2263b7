// How Debian's Chromium runs in Parley's browser tests (../shared/OFFLINE.md): headless-friendly, no background
// traffic, WebRTC on loopback, a fake microphone playing a WAV file and no permission prompt, audio allowed to play
// without a click. Shared by media's and the web client's tests.
export const CHROMIUM = '/usr/bin/chromium';

export function fakeMediaChromiumArgs(microphoneWav: string): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${microphoneWav}`,
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ];
}
