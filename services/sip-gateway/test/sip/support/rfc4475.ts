// Loads the RFC 4475 test messages kept in fixtures/rfc4475/ as the RFC prints them (its §2 conventions: text lines
// end in CRLF; <allOneLine>…</allOneLine> joins lines; <hex>…</hex> spells octets; <repeat count=N>…</repeat>).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const directory = fileURLToPath(new URL('../fixtures/rfc4475/', import.meta.url));

export function expandRfc4475(text: string): Uint8Array {
  let expanded = text
    .replace(/<allOneLine>\n([\s\S]*?)\n<\/allOneLine>/g, (_, inner: string) => inner.replace(/\n/g, ''))
    .replace(/<repeat count=(\d+)>([\s\S]*?)<\/repeat>/g, (_, count: string, inner: string) =>
      inner.repeat(Number(count)),
    );
  expanded = expanded.replace(/\n/g, '\r\n');
  const chunks: Uint8Array[] = [];
  let last = 0;
  for (const match of expanded.matchAll(/<hex>([\s\S]*?)<\/hex>/g)) {
    chunks.push(Buffer.from(expanded.slice(last, match.index), 'utf8'));
    chunks.push(Buffer.from((match[1] as string).replace(/\s+/g, ''), 'hex'));
    last = match.index + match[0].length;
  }
  chunks.push(Buffer.from(expanded.slice(last), 'utf8'));
  return new Uint8Array(Buffer.concat(chunks));
}

export function rfc4475(name: string): Uint8Array {
  return expandRfc4475(readFileSync(`${directory}${name}.txt`, 'utf8'));
}
