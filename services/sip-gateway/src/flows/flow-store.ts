// Flows as versioned documents in a JetStream KV bucket, shared by every gateway replica: key "<id>.v<n>" holds
// version n (a Flow message), "<id>.latest" the latest version number. PutFlow validates, then writes the version
// and moves "latest" with a revision compare-and-set, so two admins saving at once cannot both become version n.
// New calls read the latest version; calls in progress keep the document they started with.
import { ParleyError, Status, InvalidArgumentError, openKeyValue, type KV, type NatsConnection } from '@parley/kit';
import type { Actor } from '@parley/protos/parley/common/v1/actor';
import { Flow } from '@parley/protos/parley/sipgateway/v1/sip_gateway';
import type { FlowDocument } from './flow-document.js';
import { validateFlow } from './validate-flow.js';

const FLOW_ID = /^[A-Za-z0-9_-]{1,64}$/;
const domain = 'sip-gateway';

export class FlowStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string): Promise<FlowStore> {
    return new FlowStore(await openKeyValue(nc, bucket));
  }

  async put(
    flow: Pick<Flow, 'id' | 'displayName' | 'documentJson'>,
    expectedVersion: number,
    actor: Actor | undefined,
  ): Promise<Flow> {
    const violations = [];
    if (!FLOW_ID.test(flow.id))
      violations.push({ field: 'flow.id', description: 'must be 1–64 letters, digits, _ or -' });
    if (!flow.displayName.trim()) violations.push({ field: 'flow.display_name', description: 'is required' });
    const checked = validateFlow(flow.documentJson);
    if (!checked.valid) {
      for (const problem of checked.problems) {
        violations.push({ field: `flow.document_json${problem.path}`, description: problem.message });
      }
    }
    if (violations.length > 0) {
      throw new InvalidArgumentError('PARLEY_SIP_GATEWAY_INVALID_FLOW', violations, { domain });
    }
    const latest = await this.kv.get(`${flow.id}.latest`);
    const current = latest && latest.operation === 'PUT' ? Number(latest.string()) : 0;
    if (expectedVersion !== 0 && expectedVersion !== current) throw versionMismatch(flow.id, expectedVersion, current);
    const stored = Flow.fromPartial({
      id: flow.id,
      displayName: flow.displayName,
      version: current + 1,
      documentJson: flow.documentJson,
      createdAt: new Date(),
      ...(actor ? { createdBy: actor } : {}),
    });
    await this.kv.put(`${flow.id}.v${stored.version}`, Flow.encode(stored).finish());
    try {
      if (latest && latest.operation === 'PUT')
        await this.kv.update(`${flow.id}.latest`, String(stored.version), latest.revision);
      else await this.kv.create(`${flow.id}.latest`, String(stored.version));
    } catch {
      // Someone stored the same version number first: theirs stands, ours is refused.
      throw versionMismatch(flow.id, current, current + 1);
    }
    return stored;
  }

  /** One version (0: the latest); NOT_FOUND for an unknown flow or version. */
  async get(id: string, version = 0): Promise<Flow> {
    const wanted = version || (await this.latestVersion(id));
    const entry = wanted > 0 && FLOW_ID.test(id) ? await this.kv.get(`${id}.v${wanted}`) : null;
    if (!entry || entry.operation !== 'PUT') {
      throw new ParleyError('PARLEY_SIP_GATEWAY_FLOW_NOT_FOUND', `flow "${id}" has no version ${version || 'yet'}`, {
        status: Status.NOT_FOUND,
        domain,
        metadata: { id },
      });
    }
    return Flow.decode(entry.value);
  }

  /** The latest version's document for a call, or undefined when the store has no such flow. */
  async latestDocument(id: string): Promise<{ document: FlowDocument; version: number } | undefined> {
    if (!FLOW_ID.test(id) || (await this.latestVersion(id)) === 0) return undefined;
    const flow = await this.get(id);
    const checked = validateFlow(flow.documentJson);
    return checked.valid ? { document: checked.flow, version: flow.version } : undefined;
  }

  /** The latest version of every flow, by display name, without documents. */
  async list(): Promise<Flow[]> {
    const ids: string[] = [];
    for await (const key of await this.kv.keys('*.latest')) ids.push(key.slice(0, -'.latest'.length));
    const flows = await Promise.all(ids.map((id) => this.get(id)));
    return flows
      .map((flow) => ({ ...flow, documentJson: '' }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));
  }

  private async latestVersion(id: string): Promise<number> {
    if (!FLOW_ID.test(id)) return 0;
    const latest = await this.kv.get(`${id}.latest`);
    return latest && latest.operation === 'PUT' ? Number(latest.string()) : 0;
  }
}

function versionMismatch(id: string, expected: number, latest: number): ParleyError {
  return new ParleyError(
    'PARLEY_SIP_GATEWAY_VERSION_MISMATCH',
    `flow "${id}" is at version ${latest}, not ${expected}: reload it and save again`,
    { status: Status.ABORTED, domain, metadata: { id, latest: String(latest) } },
  );
}
