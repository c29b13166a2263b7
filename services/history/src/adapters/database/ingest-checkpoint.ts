// The ingest's position in the event stream, kept in PostgreSQL next to what it describes (ingest_checkpoints).
import type pg from 'pg';

/** The last stream sequence known committed, 0 if the ingest never ran. */
export async function readCheckpoint(db: pg.Pool | pg.ClientBase, name: string): Promise<number> {
  const { rows } = await db.query<{ stream_seq: string }>('SELECT stream_seq FROM ingest_checkpoints WHERE name = $1', [
    name,
  ]);
  return Number(rows[0]?.stream_seq ?? 0);
}

/** Moves the checkpoint forward (never back: a slower writer cannot undo a faster one). */
export async function saveCheckpoint(db: pg.Pool, name: string, streamSeq: number): Promise<void> {
  await db.query(
    `INSERT INTO ingest_checkpoints (name, stream_seq, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (name) DO UPDATE SET stream_seq = GREATEST(ingest_checkpoints.stream_seq, EXCLUDED.stream_seq),
       updated_at = now()`,
    [name, streamSeq],
  );
}
