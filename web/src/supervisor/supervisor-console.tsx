// The supervisor console (/supervisor, its own lazy chunk): the site's live wallboard (queue tiles, agents by
// state, every agent with time in state), actions on agents, monitor / whisper / barge with the browser as the
// supervisor's audio, and what was done at the site (the audit log). Times tick every second from the last figures.
import { Notices } from '../ui/notices';
import type { Session } from '../auth/session';
import { useNow } from '../ui/time';
import { actionLines } from './action-lines';
import { ActionsList } from './actions-list';
import { AgentsTable, AgentStateCounts } from './agents-table';
import { ConsoleTopBar } from './console-top-bar';
import { QueueTiles } from './queue-tiles';
import { SupervisionBar } from './supervision-bar';
import { agentsInOrder, queuesInOrder } from './supervisor-model';
import { useSupervisorConsole } from './use-supervisor-console';
import './supervisor.css';

/** Figures older than this are flagged as stale next to the wallboard's heading. */
const STALE_AFTER_MS = 20_000;

export default function SupervisorConsole({ session }: { session: Session }) {
  const desk = useSupervisorConsole(session);
  const now = useNow(1_000);
  const { model } = desk;
  const agents = agentsInOrder(model);
  const stale = model.snapshotAt !== undefined && now - model.snapshotAt > STALE_AFTER_MS;
  return (
    <>
      <ConsoleTopBar session={session} model={model} />
      {model.supervision && (
        <SupervisionBar
          supervision={model.supervision}
          audio={desk.audio}
          now={now}
          onStop={() => void desk.stopSupervising()}
        />
      )}
      <main className={`wallboard${model.connection === 'open' ? '' : ' frozen'}`}>
        <h1 className="sr-only">Supervisor console</h1>
        <p className={stale ? 'freshness stale' : 'freshness muted'}>
          {model.snapshotAt === undefined
            ? 'Waiting for the first figures…'
            : `${stale ? '▲ Figures may be out of date: last' : 'Figures'} updated ${new Date(model.snapshotAt).toLocaleTimeString()}`}
        </p>
        <QueueTiles queues={queuesInOrder(model)} now={now} loaded={model.snapshotAt !== undefined} />
        <AgentStateCounts agents={agents} />
        <AgentsTable
          agents={agents}
          now={now}
          actions={{
            online: model.connection === 'open',
            reasons: desk.reasons,
            supervision: model.supervision,
            forceState: desk.forceState,
            supervise: desk.supervise,
          }}
        />
        <ActionsList
          lines={actionLines(model)}
          loaded={model.auditReadAt !== undefined}
          error={model.auditError}
          now={now}
        />
      </main>
      <Notices notices={model.notices} onDismiss={desk.dismiss} />
    </>
  );
}
