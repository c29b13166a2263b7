// Shorthands for the skills expression tests: skill maps from plain objects, and the error a compile throws.
import { compileSkillsExpression, SkillsExpressionError } from '../../../src/domain/skills-expression/index.js';

export function levels(skills: Record<string, number> = {}): ReadonlyMap<string, number> {
  return new Map(Object.entries(skills));
}

/** Compiles, specialises for `attributes` and matches an agent with `skills`. */
export function admits(
  expression: string,
  skills: Record<string, number> = {},
  attributes: Record<string, string> = {},
  relax = 0,
): boolean {
  return compileSkillsExpression(expression).specialise(attributes).matches(levels(skills), relax);
}

/** The canonical key left after substituting `attributes`. */
export function keyOf(expression: string, attributes: Record<string, string> = {}): string {
  return compileSkillsExpression(expression).specialise(attributes).key;
}

export function compileError(expression: string): SkillsExpressionError {
  try {
    compileSkillsExpression(expression);
  } catch (error) {
    if (error instanceof SkillsExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be rejected`);
}
