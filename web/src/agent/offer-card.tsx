// A ringing offer: what it is (channel, queue, what the IVR learnt), how long is left to take it, accept / reject
// (Alt+A / Alt+R from anywhere on the desk).
import { formatDuration, useNow } from '../ui/time';
import type { Offer, ScreenPop } from './agent-model';

interface Props {
  offer: Offer;
  pop: ScreenPop | undefined;
  onAccept: () => void;
  onReject: () => void;
}

export function OfferCard({ offer, pop, onAccept, onReject }: Props) {
  const now = useNow(250);
  const left = offer.expiresAt - now;
  const customer = pop?.customer ?? offer.customer;
  const who = customer.name || customer.phoneNumber || customer.email || 'Unknown customer';
  return (
    <section className="panel offer" role="alertdialog" aria-label={`Incoming ${channelName(offer.channel)}`}>
      <h2>
        Incoming {channelName(offer.channel)} — {who}
      </h2>
      <p className="muted">
        Queue {offer.queueId || '—'} · <span className="timer">{formatDuration(left)}</span> left to answer
      </p>
      <Attributes attributes={{ ...offer.attributes, ...(pop?.attributes ?? {}) }} />
      <div className="row">
        <button type="button" className="primary" onClick={onAccept} aria-keyshortcuts="Alt+A">
          Accept <kbd>Alt+A</kbd>
        </button>
        <button type="button" onClick={onReject} aria-keyshortcuts="Alt+R">
          Reject <kbd>Alt+R</kbd>
        </button>
      </div>
    </section>
  );
}

export function Attributes({ attributes }: { attributes: Record<string, string> }) {
  const entries = Object.entries(attributes).filter(([, value]) => value !== '');
  if (entries.length === 0) return null;
  return (
    <dl className="facts" aria-label="What the customer told us">
      {entries.map(([key, value]) => (
        <div key={key} style={{ display: 'contents' }}>
          <dt>{key.replace(/[._]/g, ' ')}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function channelName(channel: string): string {
  return channel === 'VOICE' ? 'call' : channel.toLowerCase();
}
