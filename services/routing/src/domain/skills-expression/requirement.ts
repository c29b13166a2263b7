// Turns a residual predicate into the AgentRequirement the engine calls for every agent it considers: closures
// built once, so matching is a few Map lookups and comparisons with no tree walking.
import type { ComparisonOperator } from './ast.js';
import { canonicalKey, type Residual } from './residual.js';
import { compareValues } from './values.js';

export interface AgentRequirement {
  /** Canonical text of the residual predicate after attributes were substituted; equal keys mean equal predicates. */
  readonly key: string;
  /** true/false when the residual does not depend on the agent at all; undefined otherwise. */
  readonly constant: boolean | undefined;
  /**
   * `relax` (>= 0) lowers every threshold of the form skill.x >= N / skill.x > N by `relax` levels (bullseye
   * widening); other comparisons are unchanged. `skill.x >= N` (N >= 1) never drops below 1 and `skill.x > N`
   * (N >= 0) never below 0, so widening never admits an agent without the skill. Skill names are lower case.
   */
  matches(skills: ReadonlyMap<string, number>, relax: number): boolean;
  /** Sum of the agent's levels of every skill the predicate mentions (for the most_skilled strategy). */
  score(skills: ReadonlyMap<string, number>): number;
  /** Skill names the predicate mentions, once each, in order of first mention. */
  readonly skills: readonly string[];
}

type Matcher = (skills: ReadonlyMap<string, number>, relax: number) => boolean;

export function buildRequirement(residual: Residual, key = canonicalKey(residual)): AgentRequirement {
  const skills = Object.freeze(skillsOf(residual));
  const score = (levels: ReadonlyMap<string, number>): number => {
    let total = 0;
    for (const name of skills) total += levels.get(name) ?? 0;
    return total;
  };
  return Object.freeze({
    key,
    constant: residual.kind === 'constant' ? residual.value : undefined,
    matches: compileMatcher(residual),
    score,
    skills,
  });
}

function skillsOf(residual: Residual): string[] {
  const names = new Set<string>();
  const visit = (node: Residual): void => {
    switch (node.kind) {
      case 'skill':
      case 'skill-in':
        names.add(node.name);
        return;
      case 'not':
        return visit(node.operand);
      case 'and':
      case 'or':
        return node.operands.forEach(visit);
      case 'constant':
        return;
    }
  };
  visit(residual);
  return [...names];
}

const always: Matcher = () => true;
const never: Matcher = () => false;

/**
 * `negated` is true under an odd number of `!`: thresholds there are not relaxed, because lowering a threshold
 * inside a negation would admit fewer agents, and widening must never narrow.
 */
function compileMatcher(residual: Residual, negated = false): Matcher {
  switch (residual.kind) {
    case 'constant':
      return residual.value ? always : never;
    case 'skill':
      return thresholdMatcher(residual.name, residual.operator, residual.value, negated);
    case 'skill-in': {
      const { name } = residual;
      const values = new Set(residual.values);
      return (skills) => values.has(skills.get(name) ?? 0);
    }
    case 'not': {
      const operand = compileMatcher(residual.operand, !negated);
      return (skills, relax) => !operand(skills, relax);
    }
    case 'and': {
      const operands = residual.operands.map((operand) => compileMatcher(operand, negated));
      return (skills, relax) => {
        for (const operand of operands) if (!operand(skills, relax)) return false;
        return true;
      };
    }
    case 'or': {
      const operands = residual.operands.map((operand) => compileMatcher(operand, negated));
      return (skills, relax) => {
        for (const operand of operands) if (operand(skills, relax)) return true;
        return false;
      };
    }
  }
}

function thresholdMatcher(name: string, operator: ComparisonOperator, threshold: number, negated: boolean): Matcher {
  if (negated) return (skills) => compareValues(operator, skills.get(name) ?? 0, threshold);
  // Relaxed floors: a lowered ">= N" still needs level 1 and a lowered "> N" still needs more than 0, so widening
  // reaches less skilled agents but never agents lacking the skill (an absent skill is level 0). Thresholds already
  // below the floor are left alone: lowering to the floor would raise them.
  if (operator === '>=' && threshold >= 1) {
    return (skills, relax) => (skills.get(name) ?? 0) >= (relax > 0 ? Math.max(1, threshold - relax) : threshold);
  }
  if (operator === '>' && threshold >= 0) {
    return (skills, relax) => (skills.get(name) ?? 0) > (relax > 0 ? Math.max(0, threshold - relax) : threshold);
  }
  return (skills) => compareValues(operator, skills.get(name) ?? 0, threshold);
}
