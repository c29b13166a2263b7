// The entry point: parses, type-checks and compiles an expression once, then hands out one AgentRequirement per
// distinct combination of the attribute values the expression reads.
import { checkTypes } from './check.js';
import { SkillsExpressionError } from './errors.js';
import { parseSkillsExpression } from './parser.js';
import { buildRequirement, type AgentRequirement } from './requirement.js';
import { canonicalKey } from './residual.js';
import { planSpecialisation, type SpecialisationPlan } from './specialise.js';

export interface CompiledSkillsExpression {
  readonly source: string;
  /** Partially evaluates the attribute parts for one interaction, leaving a predicate over agent skills. */
  specialise(attributes: Readonly<Record<string, string>>): AgentRequirement;
}

/**
 * Bounds each cache of a compiled expression. An expression over a high-cardinality attribute (a customer id) must
 * not grow without limit; past the bound the oldest entry goes, and only then may equal inputs get a new (equal-keyed)
 * object.
 */
export const MAX_CACHED_REQUIREMENTS = 4_096;

/** Throws SkillsExpressionError when the expression is malformed, mistyped or past a limit. */
export function compileSkillsExpression(source: string): CompiledSkillsExpression {
  if (typeof source !== 'string') throw new SkillsExpressionError('the expression must be a string', 0, String(source));
  const expr = parseSkillsExpression(source);
  checkTypes(expr, source);
  return new CompiledExpression(source, planSpecialisation(expr));
}

class CompiledExpression implements CompiledSkillsExpression {
  /** Keyed by the relevant attribute values, length-prefixed so no two value lists share a key. */
  private readonly byValues = new Map<string, AgentRequirement>();
  /** Keyed by canonical key: different values leaving the same residual share one object. */
  private readonly byKey = new Map<string, AgentRequirement>();
  /** The whole answer when the expression reads no attribute. */
  private readonly fixed: AgentRequirement | undefined;

  constructor(
    readonly source: string,
    private readonly plan: SpecialisationPlan,
  ) {
    this.fixed = plan.attributes.length === 0 ? buildRequirement(plan.specialise([])) : undefined;
  }

  specialise(attributes: Readonly<Record<string, string>>): AgentRequirement {
    if (this.fixed) return this.fixed;
    const names = this.plan.attributes;
    const values = names.map((name) => attributeValue(attributes, name));
    const cacheKey = values.length === 1 ? (values[0] as string) : values.map((v) => `${v.length}:${v}`).join('');
    const cached = this.byValues.get(cacheKey);
    if (cached) return cached;
    const residual = this.plan.specialise(values);
    const key = canonicalKey(residual);
    let requirement = this.byKey.get(key);
    if (!requirement) remember(this.byKey, key, (requirement = buildRequirement(residual, key)));
    remember(this.byValues, cacheKey, requirement);
    return requirement;
  }
}

function attributeValue(attributes: Readonly<Record<string, string>>, name: string): string {
  // Own properties only: "constructor" or "__proto__" must read as missing, not as Object.prototype's members.
  const value = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
  return typeof value === 'string' ? value : '';
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED_REQUIREMENTS) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
}
