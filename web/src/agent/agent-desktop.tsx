// The agent desktop: state and connection at the top, ringing offers, the contacts in hand side by side (calls,
// chats, wrap-ups), the customer of the selected one, and the agent's history (/history).
import { useCallback, useEffect, useState } from 'react';
import { navigate } from '../ui/navigation';
import type { Session } from '../auth/session';
import { Notices } from '../ui/notices';
import { askNotificationPermission, startRinging, stopRinging } from '../voice/ringer';
import type { Work } from './agent-model';
import { useCatalogue } from './catalogue';
import { ChatPanel } from './chat-panel';
import { CustomerPanel } from './customer-panel';
import { HistoryView } from './history-view';
import { channelName, OfferCard } from './offer-card';
import { StateControl } from './state-control';
import { TopBar } from './top-bar';
import { useAgentDesk } from './use-agent-desk';
import { VoicePanel } from './voice-panel';
import { WrapUpPanel } from './wrap-up-panel';

export function AgentDesktop({ session, path }: { session: Session; path: string }) {
  const desk = useAgentDesk(session);
  const { model, send, voice, notify } = desk;
  const onCatalogueError = useCallback((text: string) => notify('error', text), [notify]);
  const catalogue = useCatalogue(session, onCatalogueError);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const offers = model.offers;
  const work = Object.values(model.work);

  // Ring while any offer is waiting; each new offer is recorded when it is on screen.
  const offerIds = offers.map((offer) => offer.offerId).join(',');
  useEffect(() => {
    if (offers.length === 0) return stopRinging();
    for (const offer of offers)
      if (!rung.has(offer.offerId)) {
        rung.add(offer.offerId);
        startRinging(offer.offerId, `Incoming ${channelName(offer.channel)}`, `Queue ${offer.queueId}`);
      }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the ids say when the offers changed
  }, [offerIds]);
  useEffect(() => stopRinging, []);

  const accept = useCallback(() => {
    const first = offers[0];
    if (!first) return;
    send({ type: 'accept', offerId: first.offerId });
    setSelected(first.interactionId);
  }, [offers, send]);
  const reject = useCallback(() => {
    const first = offers[0];
    if (first) send({ type: 'reject', offerId: first.offerId });
  }, [offers, send]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey) return;
      if (event.key.toLowerCase() === 'a') accept();
      else if (event.key.toLowerCase() === 'r') reject();
      else return;
      event.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [accept, reject]);
  useEffect(() => {
    // For support and the end-to-end test: the call's audio statistics from getStats.
    (window as { parleyVoice?: unknown }).parleyVoice = voice && { stats: () => voice.stats() };
  }, [voice]);

  const current = selected && model.work[selected] ? selected : work[0]?.interactionId;
  const title = (item: Work) => {
    const pop = model.pops[item.interactionId];
    const offered = model.offered[item.interactionId]?.customer;
    return (
      item.visitorName ||
      pop?.customer.name ||
      pop?.customer.phoneNumber ||
      offered?.name ||
      offered?.phoneNumber ||
      'customer'
    );
  };
  const codeName = (id: string) => catalogue.wrapUpCodes.find((code) => code.id === id)?.name ?? id;

  return (
    <>
      <TopBar session={session} desk={desk} path={path}>
        <StateControl
          state={model.state}
          reason={model.reason}
          since={model.stateSince}
          reasons={catalogue.notReadyReasons}
          disabled={model.connection !== 'open'}
          onChange={(state, reasonId) => {
            askNotificationPermission();
            send(reasonId ? { type: 'state', state, reasonId } : { type: 'state', state });
          }}
        />
      </TopBar>
      {path === '/history' ? (
        <HistoryView session={session} codeName={codeName} />
      ) : (
        <main className="desk">
          <div>
            {offers.map((offer) => (
              <OfferCard
                key={offer.offerId}
                offer={offer}
                pop={model.pops[offer.interactionId]}
                onAccept={() => {
                  send({ type: 'accept', offerId: offer.offerId });
                  setSelected(offer.interactionId);
                }}
                onReject={() => send({ type: 'reject', offerId: offer.offerId })}
              />
            ))}
            {work.length === 0 && offers.length === 0 && (
              <section className="panel" aria-label="Waiting">
                <h2>No contacts right now</h2>
                <p className="muted">
                  {model.state === 'AVAILABLE'
                    ? 'You are available: the next call or chat rings here.'
                    : 'Go available to receive calls and chats.'}{' '}
                  <a
                    href="/history"
                    onClick={(event) => {
                      event.preventDefault();
                      navigate('/history');
                    }}
                  >
                    See your recent contacts
                  </a>
                </p>
              </section>
            )}
            <div className="work-grid" style={{ marginTop: offers.length ? '1rem' : 0 }}>
              {work.map((item) => (
                <div
                  key={item.interactionId}
                  className={item.interactionId === current ? 'selected-work' : ''}
                  onFocusCapture={() => setSelected(item.interactionId)}
                  onClickCapture={() => setSelected(item.interactionId)}
                >
                  {item.phase === 'wrap_up' ? (
                    <WrapUpPanel work={item} title={title(item)} codes={catalogue.wrapUpCodes} send={send} />
                  ) : item.channel === 'CHAT' ? (
                    <ChatPanel work={item} title={title(item)} send={send} />
                  ) : (
                    <VoicePanel work={item} title={title(item)} voice={voice} send={send} />
                  )}
                </div>
              ))}
            </div>
          </div>
          <CustomerPanel pop={current ? model.pops[current] : offers[0] && model.pops[offers[0].interactionId]} />
        </main>
      )}
      <Notices notices={model.notices} onDismiss={desk.dismiss} />
    </>
  );
}

/** Offers that have rung in this tab (an offer re-rendered must not ring again). */
const rung = new Set<string>();
