// The httpLookup node: GET a URL built from what the flow knows ({caller}, {called}, {attribute.<name>}, each
// URL-encoded), read attributes out of the JSON answer by dotted paths. A timeout, a non-2xx answer or a body that is
// not JSON is an error: the flow takes the node's onError branch (the caller never waits longer than the timeout).
import type { FlowNode } from './flow-document.js';

type HttpLookupNode = Extract<FlowNode, { type: 'httpLookup' }>;

export interface LookupContext {
  caller: string;
  called: string;
  attributes: Record<string, string>;
}

export function lookupUrl(template: string, context: LookupContext): string {
  return template.replace(/\{(caller|called|attribute\.([a-z][a-z0-9_]*))\}/g, (_match, key: string, name?: string) =>
    encodeURIComponent(name ? (context.attributes[name] ?? '') : key === 'caller' ? context.caller : context.called),
  );
}

/** The value at a dotted path ("customer.tier", "accounts.0.id") as text; undefined when absent or an object. */
function pick(json: unknown, path: string): string | undefined {
  let value: unknown = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/** Resolves with the attributes learnt, or rejects (timeout, HTTP status, not JSON). */
export async function httpLookup(node: HttpLookupNode, context: LookupContext): Promise<Record<string, string>> {
  const response = await fetch(lookupUrl(node.url, context), {
    signal: AbortSignal.timeout(node.timeoutMs),
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`lookup answered HTTP ${response.status}`);
  const json: unknown = await response.json();
  const learnt: Record<string, string> = {};
  for (const [attribute, path] of Object.entries(node.map)) {
    const value = pick(json, path);
    if (value !== undefined) learnt[attribute] = value;
  }
  return learnt;
}
