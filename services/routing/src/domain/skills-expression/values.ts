// How values compare: the one definition of each operator, and when an attribute string counts as a number.
import type { ComparisonOperator } from './ast.js';

export function compareValues<T extends number | string | boolean>(operator: ComparisonOperator, a: T, b: T): boolean {
  switch (operator) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** The operator that gives the same answer with its operands swapped: `5 <= skill.a` is `skill.a >= 5`. */
export function mirror(operator: ComparisonOperator): ComparisonOperator {
  switch (operator) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return operator;
  }
}

// Plain decimal notation only. Number() alone would also read "" as 0, "0x1f" as 31 and " " as 0, and a missing
// attribute (the empty string) must never equal 0.
const DECIMAL = /^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$/;

/** The attribute's numeric value, or undefined when it is not a finite decimal number. */
export function attributeNumber(value: string): number | undefined {
  if (!DECIMAL.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
