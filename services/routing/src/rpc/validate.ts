// Request validation at the public boundary: every bad field is collected and reported at once, by its proto path.
import { AgentState, type Agent } from '@parley/protos/parley/common/v1/agent';
import { Channel } from '@parley/protos/parley/common/v1/channel';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';
import type { Paging } from '@parley/protos/parley/common/v1/paging';
import { RoutingStrategy, type Queue } from '@parley/protos/parley/common/v1/queue';
import { MAX_DECISION_HOOK_TIMEOUT_MS, MIN_DECISION_HOOK_TIMEOUT_MS } from '../domain/decisions.js';
import { compileSkillsExpression, SkillsExpressionError } from '../domain/skills-expression/index.js';
import { invalidArgument, RpcErrorCode } from './errors.js';
import { validateBusinessHours, validateOverflowRule } from './validate-business-hours.js';

export const MAX_ID_LENGTH = 128;
export const MAX_PRIORITY = 100;
export const MAX_SKILL_LEVEL = 10;
export const MAX_PAGE_SIZE = 1_000;
const MAX_ATTRIBUTES = 100;
const MAX_ATTRIBUTE_VALUE_LENGTH = 1_024;
const identifier = /^[a-z_][a-z0-9_]*$/i;
const e164 = /^\+[1-9]\d{1,14}$/;
/** Dot-separated tokens with no wildcards, whitespace or control characters: a subject one can publish to. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it excludes
const natsSubject = /^[^.\s*>\x00-\x1f\x7f]+(\.[^.\s*>\x00-\x1f\x7f]+)*$/;
const MAX_SUBJECT_LENGTH = 256;

/** Collects violations; `throwIfAny` raises one InvalidArgumentError naming them all. */
export class Violations {
  readonly list: FieldViolation[] = [];
  /** Set when every violation so far concerns a skills expression; carries the first one's position. */
  private expressionPosition: number | undefined;
  private otherViolations = 0;

  add(field: string, description: string): this {
    this.list.push({ field, description });
    this.otherViolations++;
    return this;
  }

  id(field: string, value: string): this {
    if (value.length === 0) return this.add(field, 'is required');
    if (value.length > MAX_ID_LENGTH) return this.add(field, `must be at most ${MAX_ID_LENGTH} characters`);
    return this;
  }

  optionalId(field: string, value: string): this {
    return value.length === 0 ? this : this.id(field, value);
  }

  ids(field: string, values: readonly string[]): this {
    values.forEach((value, i) => this.id(`${field}[${i}]`, value));
    return this;
  }

  intRange(field: string, value: number, min: number, max: number): this {
    if (!Number.isInteger(value) || value < min || value > max)
      this.add(field, `must be an integer from ${min} to ${max}`);
    return this;
  }

  nonNegative(field: string, value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) this.add(field, 'must be a non-negative integer');
    return this;
  }

  channel(field: string, value: Channel, { allowCallback = true } = {}): this {
    if (value === Channel.CHANNEL_UNSPECIFIED) return this.add(field, 'is required (CHANNEL_UNSPECIFIED)');
    if (!(value in Channel) || value === Channel.UNRECOGNIZED) return this.add(field, `unknown channel ${value}`);
    if (!allowCallback && value === Channel.CHANNEL_CALLBACK)
      return this.add(field, 'CHANNEL_CALLBACK is not allowed here (callbacks use the voice entry)');
    return this;
  }

  knownEnum(field: string, value: number, values: object): this {
    if (!(value in values) || value === -1) this.add(field, `unknown value ${value}`);
    return this;
  }

  skillsExpression(field: string, source: string): this {
    try {
      compileSkillsExpression(source);
    } catch (error) {
      if (!(error instanceof SkillsExpressionError)) throw error;
      this.list.push({ field, description: error.message });
      this.expressionPosition ??= error.position;
    }
    return this;
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    const onlyExpressions = this.otherViolations === 0 && this.expressionPosition !== undefined;
    if (!onlyExpressions) throw invalidArgument(this.list);
    const error = invalidArgument(this.list, RpcErrorCode.INVALID_SKILLS_EXPRESSION);
    error.metadata.position = String(this.expressionPosition);
    throw error;
  }
}

export function validateAgent(agent: Agent | undefined, v: Violations = new Violations()): Violations {
  if (!agent) return v.add('agent', 'is required');
  v.id('agent.id', agent.id).id('agent.site_id', agent.siteId).ids('agent.team_ids', agent.teamIds);
  const skillNames = new Set<string>();
  agent.skills.forEach((skill, i) => {
    const name = skill.name.toLowerCase();
    if (!identifier.test(skill.name)) v.add(`agent.skills[${i}].name`, 'must be an identifier like "billing"');
    else if (skillNames.has(name)) v.add(`agent.skills[${i}].name`, `duplicate skill "${name}"`);
    skillNames.add(name);
    v.intRange(`agent.skills[${i}].level`, skill.level, 1, MAX_SKILL_LEVEL);
  });
  const capacityChannels = new Set<Channel>();
  agent.capacities.forEach((capacity, i) => {
    const field = `agent.capacities[${i}]`;
    v.channel(`${field}.channel`, capacity.channel, { allowCallback: false });
    if (capacityChannels.has(capacity.channel)) v.add(`${field}.channel`, 'duplicate channel');
    capacityChannels.add(capacity.channel);
    v.intRange(`${field}.max_concurrent`, capacity.maxConcurrent, 0, 100);
    capacity.blocksChannels.forEach((blocked, j) => v.channel(`${field}.blocks_channels[${j}]`, blocked));
  });
  if (agent.missedOffersBeforePause !== undefined)
    v.intRange('agent.missed_offers_before_pause', agent.missedOffersBeforePause, 0, 100);
  return v;
}

export function validateQueue(queue: Queue | undefined, v: Violations = new Violations()): Violations {
  if (!queue) return v.add('queue', 'is required');
  v.id('queue.id', queue.id).ids('queue.site_ids', queue.siteIds).ids('queue.team_ids', queue.teamIds);
  if (queue.channels.length === 0) v.add('queue.channels', 'at least one channel is required');
  queue.channels.forEach((channel, i) => v.channel(`queue.channels[${i}]`, channel));
  if (new Set(queue.channels).size !== queue.channels.length) v.add('queue.channels', 'channels must be unique');
  v.intRange('queue.priority', queue.priority, 0, MAX_PRIORITY);
  if (queue.serviceLevel) {
    const { percent, thresholdMs } = queue.serviceLevel;
    if (!(percent >= 0 && percent <= 100)) v.add('queue.service_level.percent', 'must be from 0 to 100');
    v.nonNegative('queue.service_level.threshold_ms', thresholdMs);
  }
  v.knownEnum('queue.strategy', queue.strategy, RoutingStrategy);
  v.nonNegative('queue.sticky_window_ms', queue.stickyWindowMs);
  v.skillsExpression('queue.skills_expression', queue.skillsExpression);
  let previousAfter = 0;
  queue.steps.forEach((step, i) => {
    const field = `queue.steps[${i}]`;
    if (!Number.isSafeInteger(step.afterWaitMs) || step.afterWaitMs <= previousAfter)
      v.add(`${field}.after_wait_ms`, 'must be positive and strictly increasing across steps');
    previousAfter = step.afterWaitMs;
    v.intRange(`${field}.skill_level_relaxation`, step.skillLevelRelaxation, 0, MAX_SKILL_LEVEL);
    if (step.skillsExpression) v.skillsExpression(`${field}.skills_expression`, step.skillsExpression);
    v.ids(`${field}.add_team_ids`, step.addTeamIds).ids(`${field}.add_site_ids`, step.addSiteIds);
  });
  v.nonNegative('queue.max_wait_ms', queue.maxWaitMs);
  if (queue.maxWaitAction) validateOverflowRule(v, 'queue.max_wait_action', queue.maxWaitAction, queue.id);
  if (queue.businessHours) validateBusinessHours(v, queue.businessHours, queue.id);
  if (queue.wrapUp) {
    v.nonNegative('queue.wrap_up.timeout_ms', queue.wrapUp.timeoutMs);
    v.ids('queue.wrap_up.wrap_up_code_ids', queue.wrapUp.wrapUpCodeIds);
  }
  const timeoutChannels = new Set<Channel>();
  queue.offerTimeouts.forEach((timeout, i) => {
    v.channel(`queue.offer_timeouts[${i}].channel`, timeout.channel);
    if (timeoutChannels.has(timeout.channel)) v.add(`queue.offer_timeouts[${i}].channel`, 'duplicate channel');
    timeoutChannels.add(timeout.channel);
    if (!Number.isSafeInteger(timeout.timeoutMs) || timeout.timeoutMs <= 0)
      v.add(`queue.offer_timeouts[${i}].timeout_ms`, 'must be a positive integer');
  });
  const hookSubject = queue.decisionHookSubject;
  if (hookSubject && (hookSubject.length > MAX_SUBJECT_LENGTH || !natsSubject.test(hookSubject)))
    v.add(
      'queue.decision_hook_subject',
      `must be a NATS subject of at most ${MAX_SUBJECT_LENGTH} characters: ` +
        'tokens separated by dots, no wildcards (* or >) or spaces',
    );
  // 0 = the default deadline.
  if (queue.decisionHookTimeoutMs !== 0)
    v.intRange(
      'queue.decision_hook_timeout_ms',
      queue.decisionHookTimeoutMs,
      MIN_DECISION_HOOK_TIMEOUT_MS,
      MAX_DECISION_HOOK_TIMEOUT_MS,
    );
  return v;
}

export function validateAttributes(field: string, attributes: Readonly<Record<string, string>>, v: Violations): void {
  const keys = Object.keys(attributes);
  if (keys.length > MAX_ATTRIBUTES) v.add(field, `at most ${MAX_ATTRIBUTES} attributes`);
  for (const key of keys) {
    if (key.length === 0 || key.length > MAX_ID_LENGTH) v.add(`${field}[${key}]`, 'key must be 1–128 characters');
    if ((attributes[key] ?? '').length > MAX_ATTRIBUTE_VALUE_LENGTH)
      v.add(`${field}[${key}]`, `value must be at most ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`);
  }
}

export function validatePaging(paging: Paging | undefined, v: Violations): void {
  if (!paging) return;
  v.intRange('paging.page_size', paging.pageSize, 0, MAX_PAGE_SIZE);
  if (paging.pageToken && !/^\d{1,9}$/.test(paging.pageToken)) v.add('paging.page_token', 'is not a token we issued');
}

export function validateStateTarget(field: string, state: AgentState, v: Violations, allowUnspecified: boolean): void {
  const allowed = [AgentState.AGENT_STATE_AVAILABLE, AgentState.AGENT_STATE_NOT_READY];
  if (allowUnspecified) allowed.push(AgentState.AGENT_STATE_UNSPECIFIED);
  if (!allowed.includes(state)) v.add(field, 'must be AGENT_STATE_AVAILABLE or AGENT_STATE_NOT_READY');
}

export function validatePhoneNumber(field: string, value: string, v: Violations): void {
  if (value && !e164.test(value)) v.add(field, 'must be an E.164 number like +48221234567');
}

export function isIdentifier(value: string): boolean {
  return identifier.test(value);
}
