// Validates a flow document: its JSON, the schema (flow-document.ts), then the links — every node id a node names
// must exist, the start must exist, and every node must be reachable from the start. Each problem names the bad
// place as a JSON pointer (RFC 6901), e.g. "/nodes/menu/options/3", for ValidateFlow / PutFlow's answers.
import { flowDocument, type FlowDocument, type FlowNode } from './flow-document.js';

export interface FlowProblem {
  /** JSON pointer into the document. */
  path: string;
  message: string;
}

export type FlowValidation = { valid: true; flow: FlowDocument } | { valid: false; problems: FlowProblem[] };

const pointer = (segments: readonly PropertyKey[]) =>
  segments.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** The node ids a node leads to, with where in the node each is named. */
function links(node: FlowNode): [path: string[], target: string][] {
  switch (node.type) {
    case 'play':
    case 'setAttributes':
      return [[['next'], node.next]];
    case 'menu':
      return [
        ...Object.entries(node.options).map(([key, target]): [string[], string] => [['options', key], target]),
        [['fallback'], node.fallback],
      ];
    case 'collectDigits':
      return [
        [['next'], node.next],
        [['noInput'], node.noInput],
      ];
    case 'businessHours':
      return [
        [['open'], node.open],
        [['closed'], node.closed],
      ];
    case 'httpLookup':
      return [
        [['next'], node.next],
        [['onError'], node.onError],
      ];
    case 'offerCallback':
      return [
        [['accepted'], node.accepted],
        [['declined'], node.declined],
      ];
    case 'enqueue':
    case 'transfer':
    case 'voicemail':
    case 'hangUp':
      return []; // the call leaves the flow
  }
}

export function validateFlow(json: string): FlowValidation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { valid: false, problems: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  const result = flowDocument.safeParse(parsed);
  if (!result.success)
    return {
      valid: false,
      problems: result.error.issues.map((issue) => ({ path: pointer(issue.path), message: issue.message })),
    };
  const flow = result.data;
  const problems: FlowProblem[] = [];
  if (!(flow.start in flow.nodes)) problems.push({ path: '/start', message: `no node "${flow.start}"` });
  for (const [id, node] of Object.entries(flow.nodes))
    for (const [path, target] of links(node))
      if (!(target in flow.nodes))
        problems.push({ path: pointer(['nodes', id, ...path]), message: `no node "${target}"` });
  if (problems.length === 0) {
    // Reachability from the start: a node nothing leads to is a mistake (a typo in a link, usually).
    const seen = new Set<string>([flow.start]);
    const queue = [flow.start];
    for (let id = queue.shift(); id !== undefined; id = queue.shift())
      for (const [, target] of links(flow.nodes[id] as FlowNode))
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
    for (const id of Object.keys(flow.nodes))
      if (!seen.has(id)) problems.push({ path: pointer(['nodes', id]), message: 'no path from the start leads here' });
  }
  return problems.length === 0 ? { valid: true, flow } : { valid: false, problems };
}
