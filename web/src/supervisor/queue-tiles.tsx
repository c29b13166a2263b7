// The wallboard's queue tiles: waiting, the longest wait ticking live, service level, answered and abandoned, the
// tile coloured by the thresholds and saying its level in words too. Level changes are announced (aria-live),
// the ticking timers are not.
import { formatDuration } from '../ui/time';
import type { QueueTile } from './supervisor-model';
import { LEVEL_WORD, longestWaitNow, serviceLevelKnown, tileLevel } from './wallboard-figures';

export function QueueTiles({ queues, now, loaded }: { queues: QueueTile[]; now: number; loaded: boolean }) {
  return (
    <section className="panel" aria-labelledby="queues-heading">
      <h2 id="queues-heading">Queues</h2>
      <div className="queue-tiles" aria-live="polite">
        {queues.map((queue) => (
          <QueueTileView key={queue.queueId} queue={queue} now={now} />
        ))}
        {queues.length === 0 && (
          <p className="muted">{loaded ? 'This site has no queues.' : 'Waiting for the first figures…'}</p>
        )}
      </div>
    </section>
  );
}

function QueueTileView({ queue, now }: { queue: QueueTile; now: number }) {
  const { level, why } = tileLevel(queue, now);
  const { icon, word } = LEVEL_WORD[level];
  return (
    <div role="group" aria-label={queue.name} className={`queue-tile level-${level}`}>
      <div className="tile-head">
        <h3>{queue.name}</h3>
        <span className={`level level-${level}`}>
          <span aria-hidden="true">{icon}</span> {word}
        </span>
      </div>
      <p className="tile-why">{why}</p>
      <p className="tile-waiting">
        <span className="figure">{queue.waiting}</span> waiting
      </p>
      <dl className="facts">
        <dt>Longest wait</dt>
        <dd>
          <span className="timer" aria-live="off">
            {formatDuration(longestWaitNow(queue, now))}
          </span>
        </dd>
        <dt>Service level</dt>
        <dd>
          {serviceLevelKnown(queue) ? (
            `${Math.round(queue.serviceLevelPercent)} %`
          ) : (
            <span title="Nothing answered or abandoned yet in this period">
              — <span className="sr-only">no calls answered or abandoned yet</span>
            </span>
          )}
        </dd>
        <dt>Answered</dt>
        <dd>{queue.answered}</dd>
        <dt>Abandoned</dt>
        <dd>{queue.abandoned}</dd>
      </dl>
    </div>
  );
}
