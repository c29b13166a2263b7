// Subject names for events: <prefix>.<site>.<domain>.<type>, e.g. parley.evt.waw.interaction.queued.
import type { EventStreamsConfig } from './event-streams.js';

const token = /^[a-z0-9][a-z0-9_-]*$/;
const eventType = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export function isSubjectToken(value: string): boolean {
  return token.test(value);
}

/** "interaction.queued": a domain and a type, lower snake case. */
export function isEventType(value: string): boolean {
  return eventType.test(value);
}

export function eventSubject(config: Pick<EventStreamsConfig, 'subjectPrefix'>, site: string, type: string): string {
  return `${config.subjectPrefix}.${site}.${type}`;
}

/** Filter for a durable consumer: every site's events of one domain, or all events. */
export function eventFilter(config: Pick<EventStreamsConfig, 'subjectPrefix'>, domain?: string, site = '*'): string {
  return domain ? `${config.subjectPrefix}.${site}.${domain}.>` : `${config.subjectPrefix}.>`;
}

export function deadLetterSubject(config: Pick<EventStreamsConfig, 'deadLetterPrefix'>, consumer: string): string {
  return `${config.deadLetterPrefix}.${consumer}`;
}
