// Parks an event the ingest can never apply on the service's dead-letter subject (the kit's PARLEY_DLQ stream), with
// why and where from — so one bad event neither blocks the ingest nor disappears silently.
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';

/** Returns false if the event could not be parked (NATS away): the caller hands it back for a later try. */
export async function parkMessage(
  js: JetStreamClient,
  subject: string,
  consumer: string,
  message: JsMsg,
  reason: string,
): Promise<boolean> {
  // The same names the kit's DurableEventConsumer uses, so one tool reads every service's dead letters.
  const parked = headers();
  parked.set('Parley-Dlq-Subject', message.subject);
  parked.set('Parley-Dlq-Stream-Sequence', String(message.seq));
  parked.set('Parley-Dlq-Deliveries', String(message.info.deliveryCount));
  parked.set('Parley-Dlq-Error', encodeURIComponent(reason.slice(0, 1000)));
  try {
    // Parking twice (a crash before the checkpoint passes it) stores it once.
    await js.publish(subject, message.data, { headers: parked, msgID: `${consumer}:${message.seq}` });
  } catch {
    return false;
  }
  return true;
}
