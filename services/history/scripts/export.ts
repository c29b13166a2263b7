// `pnpm --filter @parley/history export --from <ISO time> --to <ISO time> [--format csv|ndjson] [--content]
// [--address host:port]` streams one row per interaction of the range from a running history service
// (ExportInteractions over gRPC) to stdout. Rows go out as they arrive: an export of millions stays small in memory.
import { parseArgs } from 'node:util';
import { createGrpcRpcClient, servicePorts } from '@parley/kit';
import { ExportInteractionsRequest, HistoryServiceService } from '@parley/protos/parley/history/v1/history';
import { writeExport } from '../src/export/export-writer.js';

const usage =
  'usage: export --from <ISO time> --to <ISO time> [--format csv|ndjson] [--content] [--address host:port]\n';
const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    content: { type: 'boolean', default: false },
    address: { type: 'string', default: `127.0.0.1:${servicePorts.history.grpc}` },
  },
});
const start = new Date(values.from ?? '');
const end = new Date(values.to ?? '');
if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || !['csv', 'ndjson'].includes(values.format)) {
  process.stderr.write(usage);
  process.exit(2);
}
const { client, close } = createGrpcRpcClient(values.address, HistoryServiceService);
try {
  const rows = client.exportInteractions(
    ExportInteractionsRequest.fromPartial({ filter: { timeRange: { start, end } }, includeContent: values.content }),
  );
  const count = await writeExport(rows, values.format as 'csv' | 'ndjson', process.stdout);
  process.stderr.write(`exported ${count} interactions\n`);
} catch (error) {
  process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  close();
}
