// The console's action list, newest first: the site's audit log as last read, and this supervisor's own commands
// the server has not listed yet (pending, or failed before reaching it), agents named as the wallboard names them.
import { actionWords, type AuditOutcome } from './audit-entries';
import type { SupervisorModel } from './supervisor-model';

/** A line of the console's action list: a record of the site's audit log, or one of the console's own commands. */
export interface ActionLine {
  key: string;
  at: number;
  who: string;
  what: string;
  target: string;
  outcome: 'pending' | AuditOutcome;
  detail: string;
  /** One of this console's commands the server has not listed yet. */
  own: boolean;
}

/** The action list: the site's audit log and the console's own commands it does not list yet, newest first. */
export function actionLines(model: SupervisorModel): ActionLine[] {
  const targetWords = (target: string) => {
    const agent = target.startsWith('agent/') ? model.agents[target.slice('agent/'.length)] : undefined;
    return agent ? agent.name : target;
  };
  const own = model.actions.map((action): ActionLine => ({
    key: `own-${action.id}`,
    at: action.at,
    who: action.who,
    what: action.what,
    target: action.target,
    outcome: action.outcome,
    detail: action.detail,
    own: true,
  }));
  const recorded = model.audit.map((entry): ActionLine => ({
    key: entry.id,
    at: entry.at,
    who: entry.who,
    what: actionWords(entry.action),
    target: targetWords(entry.target),
    outcome: entry.outcome,
    detail: entry.detail,
    own: false,
  }));
  return [...own, ...recorded].sort((a, b) => b.at - a.at);
}
