// Generates the default prompts shipped with the gateway: speech by espeak-ng, converted by sox to what a call
// carries — 8 kHz mono G.711 µ-law in WAV — plus a tone and a music-on-hold loop synthesised by sox. Writes
// prompts/en/<name>.wav and prompts/en/manifest.json. Needs Debian's espeak-ng and sox (apt-get install -y espeak-ng
// sox); the files are committed, so neither is needed to build or run. Usage: pnpm --filter @parley/sip-gateway
// prompts:generate
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'prompts', 'en');

const speech = {
  welcome: 'Welcome, and thank you for calling.',
  'main-menu': 'For sales, press 1. For support, press 2. To speak to an operator, press 0.',
  'enter-account': 'Please enter your account number, followed by the hash key.',
  invalid: 'Sorry, that is not a valid choice.',
  'no-input': 'Sorry, we did not receive your input.',
  closed:
    'We are closed right now. Our opening hours are Monday to Friday, from eight in the morning to six in the evening.',
  'leave-message': 'Please leave a message after the tone. Press the hash key when you are done.',
  'please-hold': 'Please hold. The next available agent will answer your call.',
  'queue-position': 'You are number',
  'in-queue': 'in the queue.',
  'estimated-wait': 'Your estimated waiting time is',
  minutes: 'minutes.',
  'less-than-a-minute': 'less than one minute.',
  'offer-callback': 'To be called back without losing your place in the queue, press 1.',
  'callback-confirmed': 'Thank you. We will call you back as soon as an agent is free.',
  transferring: 'Please wait while we transfer your call.',
  goodbye: 'Thank you for calling. Goodbye.',
};
const numbers = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
for (const [i, word] of numbers.entries()) speech[`number-${i + 1}`] = word;

const toG711 = ['-r', '8000', '-c', '1', '-e', 'u-law', '-b', '8'];
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const scratch = path.join(os.tmpdir(), `parley-prompts-${process.pid}.wav`);
const manifest = [];
for (const [name, text] of Object.entries(speech)) {
  execFileSync('espeak-ng', ['-v', 'en-gb', '-s', '150', '-w', scratch, text]);
  // Telephone band, normalised a little below full scale, silence trimmed to 100 ms at each end.
  const file = path.join(out, `${name}.wav`);
  execFileSync('sox', [
    scratch,
    ...toG711,
    file,
    'highpass',
    '300',
    'lowpass',
    '3400',
    'silence',
    '1',
    '0.05',
    '0.5%',
    'reverse',
    'silence',
    '1',
    '0.05',
    '0.5%',
    'reverse',
    'pad',
    '0.1',
    '0.1',
    'gain',
    '-n',
    '-3',
  ]);
  manifest.push({ name, text, file: `${name}.wav` });
}
// A 440 Hz beep (the tone before a voicemail) and a gentle arpeggio looped as music on hold.
execFileSync('sox', ['-n', ...toG711, path.join(out, 'tone.wav'), 'synth', '0.4', 'sine', '440', 'gain', '-6']);
manifest.push({ name: 'tone', text: '(440 Hz tone)', file: 'tone.wav' });
const notes = [
  'C4',
  'E4',
  'G4',
  'C5',
  'G4',
  'E4',
  'A3',
  'C4',
  'E4',
  'A4',
  'E4',
  'C4',
  'F3',
  'A3',
  'C4',
  'F4',
  'C4',
  'A3',
  'G3',
  'B3',
  'D4',
  'G4',
  'D4',
  'B3',
];
const parts = notes.map((note, i) => {
  const part = path.join(os.tmpdir(), `parley-moh-${process.pid}-${i}.wav`);
  execFileSync('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    part,
    'synth',
    '0.5',
    'pluck',
    note,
    'fade',
    '0',
    '0.5',
    '0.3',
    'gain',
    '-12',
  ]);
  return part;
});
execFileSync('sox', [...parts, ...toG711, path.join(out, 'hold-music.wav'), 'repeat', '1', 'gain', '-n', '-6']);
for (const part of parts) rmSync(part);
manifest.push({ name: 'hold-music', text: '(music on hold, loops)', file: 'hold-music.wav' });
rmSync(scratch, { force: true });

for (const entry of manifest) {
  const seconds = Number(execFileSync('soxi', ['-D', path.join(out, entry.file)], { encoding: 'utf8' }).trim());
  entry.durationMs = Math.round(seconds * 1000);
  entry.bytes = statSync(path.join(out, entry.file)).size;
}
writeFileSync(
  path.join(out, 'manifest.json'),
  `${JSON.stringify({ format: 'wav, G.711 µ-law, 8 kHz, mono', prompts: manifest }, null, 2)}\n`,
);
console.log(
  `${manifest.length} prompts in ${path.relative(root, out)}, ${manifest.reduce((n, e) => n + e.bytes, 0)} bytes`,
);
