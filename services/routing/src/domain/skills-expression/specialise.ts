// Compiles a type-checked tree, once, into closures that substitute an interaction's attribute values and return
// the residual predicate over agent skills. Attribute-free subtrees are evaluated here, at compile time.
import type { ComparisonOperator, Expr, ListElement, Operand } from './ast.js';
import { FALSE, TRUE, allOf, anyOf, constant, not, skillComparison, skillIn, type Residual } from './residual.js';
import { attributeNumber, compareValues, mirror } from './values.js';

/** Attribute values in the order of `SpecialisationPlan.attributes`; a missing attribute is "". */
export type Specialiser = (values: readonly string[]) => Residual;

export interface SpecialisationPlan {
  /** Every attribute the expression mentions, once each, in order of first mention. */
  readonly attributes: readonly string[];
  readonly specialise: Specialiser;
}

export function planSpecialisation(expr: Expr): SpecialisationPlan {
  const slots = new Map<string, number>();
  const slotOf = (name: string): number => {
    let slot = slots.get(name);
    if (slot === undefined) slots.set(name, (slot = slots.size));
    return slot;
  };
  const specialise = build(expr, slotOf);
  return { attributes: [...slots.keys()], specialise };
}

const fixed =
  (residual: Residual): Specialiser =>
  () =>
    residual;

function build(expr: Expr, slotOf: (name: string) => number): Specialiser {
  switch (expr.kind) {
    case 'constant':
      return fixed(constant(expr.value));
    case 'not': {
      const operand = build(expr.operand, slotOf);
      return (values) => not(operand(values));
    }
    case 'and':
    case 'or': {
      const operands = expr.operands.map((operand) => build(operand, slotOf));
      const join = expr.kind === 'and' ? allOf : anyOf;
      return (values) => join(operands.map((operand) => operand(values)));
    }
    case 'compare':
      return buildComparison(expr.operator, expr.left, expr.right, slotOf);
    case 'in':
      return buildIn(expr.operand, expr.list, slotOf);
  }
}

function buildComparison(
  operator: ComparisonOperator,
  left: Operand,
  right: Operand,
  slotOf: (name: string) => number,
): Specialiser {
  // Put the skill or attribute on the left, so `5 <= skill.a` and `skill.a >= 5` become one residual.
  if (right.kind === 'skill' || right.kind === 'attribute')
    return buildComparison(mirror(operator), right, left, slotOf);
  if (left.kind === 'skill') {
    if (right.kind !== 'number') throw invariant(left, right);
    return fixed(skillComparison(left.name, operator, right.value));
  }
  if (left.kind === 'attribute') {
    const slot = slotOf(left.name);
    if (right.kind === 'string') {
      const literal = right.value;
      return (values) => constant(compareValues(operator, values[slot] ?? '', literal));
    }
    if (right.kind !== 'number') throw invariant(left, right);
    const literal = right.value;
    return (values) => {
      const number = attributeNumber(values[slot] ?? '');
      return number === undefined ? FALSE : constant(compareValues(operator, number, literal));
    };
  }
  if (left.kind !== right.kind) throw invariant(left, right);
  return fixed(constant(compareValues(operator, left.value, right.value)));
}

function buildIn(operand: Operand, list: readonly ListElement[], slotOf: (name: string) => number): Specialiser {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const element of list) {
    if (element.kind === 'string') strings.add(element.value);
    else numbers.add(element.value);
  }
  switch (operand.kind) {
    case 'skill':
      return fixed(skillIn(operand.name, [...numbers]));
    case 'attribute': {
      const slot = slotOf(operand.name);
      return (values) => {
        const value = values[slot] ?? '';
        if (strings.has(value)) return TRUE;
        if (numbers.size === 0) return FALSE;
        const number = attributeNumber(value);
        return constant(number !== undefined && numbers.has(number));
      };
    }
    case 'number':
      return fixed(constant(numbers.has(operand.value)));
    case 'string':
      return fixed(constant(strings.has(operand.value)));
    case 'boolean':
      throw invariant(operand, operand);
  }
}

/** The type check rules these out before compiling; reaching one is a bug here, not in the expression. */
function invariant(left: Operand, right: Operand): Error {
  return new Error(`skills expression: unchecked comparison of ${left.text} with ${right.text}`);
}
