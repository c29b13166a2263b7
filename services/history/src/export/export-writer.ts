// Writes an export's rows to a byte stream as CSV (header + one record per interaction) or NDJSON (one JSON object
// per line), with back-pressure: the next row is pulled only when the output has room, so nothing accumulates.
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { ExportInteractionsResponse } from '@parley/protos/parley/history/v1/history';
import { csvColumns, toCsvRecord, toJsonRecord } from './export-records.js';

export type ExportFormat = 'csv' | 'ndjson';

export async function writeExport(
  rows: AsyncIterable<ExportInteractionsResponse>,
  format: ExportFormat,
  output: Writable,
): Promise<number> {
  let count = 0;
  const counted = async function* () {
    for await (const row of rows) {
      count++;
      yield format === 'csv' ? toCsvRecord(row) : toJsonRecord(row);
    }
  };
  const encoder =
    format === 'csv'
      ? stringify({ header: true, columns: [...csvColumns] })
      : new Transform({
          writableObjectMode: true,
          transform(record: unknown, _encoding, done) {
            done(null, `${JSON.stringify(record)}\n`);
          },
        });
  await pipeline(Readable.from(counted()), encoder, output, { end: output !== process.stdout });
  return count;
}
