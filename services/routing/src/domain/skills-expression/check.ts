// The type rules, checked once when a queue is saved: skills compare with numbers, attributes with strings or
// numbers, literals with literals of their own type; strings and booleans only with == and !=.
import type { ComparisonOperator, Expr, Operand } from './ast.js';
import { SkillsExpressionError } from './errors.js';

type ValueType = 'number' | 'string' | 'boolean';

const ORDERING: ReadonlySet<ComparisonOperator> = new Set(['<', '<=', '>', '>=']);

/** Throws SkillsExpressionError at the first comparison that breaks the type rules. */
export function checkTypes(expr: Expr, source: string): void {
  const fail = (problem: string, position: number): never => {
    throw new SkillsExpressionError(problem, position, source);
  };
  const visit = (node: Expr): void => {
    switch (node.kind) {
      case 'constant':
        return;
      case 'not':
        return visit(node.operand);
      case 'and':
      case 'or':
        return node.operands.forEach(visit);
      case 'compare': {
        // Name the more "variable" side first, so `"pl" == skill.a` reads as a complaint about skill.a.
        const [x, y] = rank(node.right) > rank(node.left) ? [node.right, node.left] : [node.left, node.right];
        const problem = pairProblem(x, y);
        if (problem) fail(problem, node.position);
        const type = typeOf(y);
        if (ORDERING.has(node.operator) && type !== 'number') {
          fail(`${type}s can only be compared with == or !=, not "${node.operator}"`, node.operatorPosition);
        }
        return;
      }
      case 'in': {
        if (node.operand.kind === 'boolean') {
          fail(
            `"in" needs a skill, an attribute, a number or a string on its left, not ${node.operand.text}`,
            node.position,
          );
        }
        for (const element of node.list) {
          const problem = pairProblem(node.operand, element);
          if (problem) fail(problem, element.position);
        }
        return;
      }
    }
  };
  visit(expr);
}

/** Why `x` (the higher-ranked side) cannot be compared with `y`, or undefined when it can. */
function pairProblem(x: Operand, y: Operand): string | undefined {
  if (isVariable(x) && isVariable(y)) {
    const allowed = x.kind === 'skill' ? 'a number' : 'a string or a number';
    return `${x.text} can only be compared with ${allowed}, not ${y.text}`;
  }
  const compatible = typeOf(x) === typeOf(y) || (x.kind === 'attribute' && y.kind === 'number');
  return compatible ? undefined : `${x.text} is a ${typeOf(x)} and cannot be compared with ${y.text}`;
}

function isVariable(operand: Operand): boolean {
  return operand.kind === 'skill' || operand.kind === 'attribute';
}

function rank(operand: Operand): number {
  return operand.kind === 'skill' ? 2 : operand.kind === 'attribute' ? 1 : 0;
}

function typeOf(operand: Operand): ValueType {
  switch (operand.kind) {
    case 'skill':
    case 'number':
      return 'number';
    case 'attribute':
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
  }
}
