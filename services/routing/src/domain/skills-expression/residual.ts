// The residual predicate: what is left of an expression once an interaction's attributes are known. It mentions
// only agent skills; the constructors fold constants so equal predicates get equal shapes.
import type { ComparisonOperator } from './ast.js';

export type Residual =
  | { readonly kind: 'constant'; readonly value: boolean }
  | { readonly kind: 'skill'; readonly name: string; readonly operator: ComparisonOperator; readonly value: number }
  /** `values` sorted ascending without duplicates, so the canonical key does not depend on how the list was written. */
  | { readonly kind: 'skill-in'; readonly name: string; readonly values: readonly number[] }
  | { readonly kind: 'not'; readonly operand: Residual }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly Residual[] };

export const TRUE: Residual = Object.freeze({ kind: 'constant', value: true });
export const FALSE: Residual = Object.freeze({ kind: 'constant', value: false });

export function constant(value: boolean): Residual {
  return value ? TRUE : FALSE;
}

export function skillComparison(name: string, operator: ComparisonOperator, value: number): Residual {
  return Object.freeze({ kind: 'skill', name, operator, value });
}

export function skillIn(name: string, values: readonly number[]): Residual {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  return sorted.length === 0 ? FALSE : Object.freeze({ kind: 'skill-in', name, values: Object.freeze(sorted) });
}

export function not(operand: Residual): Residual {
  if (operand.kind === 'constant') return constant(!operand.value);
  // Double negation cancels exactly, relax included: both negations flip the same lowered threshold.
  if (operand.kind === 'not') return operand.operand;
  return Object.freeze({ kind: 'not', operand });
}

export function allOf(operands: readonly Residual[]): Residual {
  return junction('and', operands);
}

export function anyOf(operands: readonly Residual[]): Residual {
  return junction('or', operands);
}

/** and/or: the identity element drops out, the absorbing one wins, nested junctions of the same kind flatten. */
function junction(kind: 'and' | 'or', operands: readonly Residual[]): Residual {
  const absorbing = kind === 'or';
  const kept: Residual[] = [];
  for (const operand of operands) {
    if (operand.kind === 'constant') {
      if (operand.value === absorbing) return operand;
    } else if (operand.kind === kind) {
      kept.push(...operand.operands);
    } else {
      kept.push(operand);
    }
  }
  if (kept.length === 0) return constant(!absorbing);
  if (kept.length === 1) return kept[0] as Residual;
  return Object.freeze({ kind, operands: Object.freeze(kept) });
}

/** Canonical text of a residual, written in the expression language with parentheses only where precedence needs them. */
export function canonicalKey(residual: Residual): string {
  switch (residual.kind) {
    case 'constant':
      return residual.value ? 'true' : 'false';
    case 'skill':
      return `skill.${residual.name} ${residual.operator} ${String(residual.value)}`;
    case 'skill-in':
      return `skill.${residual.name} in [${residual.values.join(', ')}]`;
    case 'not':
      return `!(${canonicalKey(residual.operand)})`;
    case 'and':
      return residual.operands
        .map((operand) => (operand.kind === 'or' ? `(${canonicalKey(operand)})` : canonicalKey(operand)))
        .join(' && ');
    case 'or':
      return residual.operands.map(canonicalKey).join(' || ');
  }
}
