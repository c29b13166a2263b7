// What ValidateSkillsExpression reports about a valid expression: the skills and attributes it reads and a
// canonical spelling (normalised spacing and parentheses), from the same parser the engine compiles with.
import type { Expr, Operand } from '../domain/skills-expression/ast.js';
import { parseSkillsExpression } from '../domain/skills-expression/parser.js';

export interface ExpressionInfo {
  skills: string[];
  attributes: string[];
  normalized: string;
}

/** Call only after compileSkillsExpression accepted `source`. */
export function describeExpression(source: string): ExpressionInfo {
  const expr = parseSkillsExpression(source);
  const skills = new Set<string>();
  const attributes = new Set<string>();
  const note = (operand: Operand): void => {
    if (operand.kind === 'skill') skills.add(operand.name);
    else if (operand.kind === 'attribute') attributes.add(operand.name);
  };
  const print = (node: Expr, parent: Expr['kind'] | undefined): string => {
    switch (node.kind) {
      case 'constant':
        return String(node.value);
      case 'compare':
        note(node.left);
        note(node.right);
        return `${node.left.text} ${node.operator} ${node.right.text}`;
      case 'in':
        note(node.operand);
        return `${node.operand.text} in [${node.list.map((element) => element.text).join(', ')}]`;
      case 'not':
        return `!(${print(node.operand, 'not')})`;
      case 'and':
      case 'or': {
        const text = node.operands
          .map((operand) => print(operand, node.kind))
          .join(node.kind === 'and' ? ' && ' : ' || ');
        return parent === undefined || parent === 'not' ? text : `(${text})`;
      }
    }
  };
  const normalized = print(expr, undefined);
  return { skills: [...skills], attributes: [...attributes], normalized };
}

/** Length of the text at `position` worth underlining: one word, string or symbol; 0 at the end of input. */
export function offendingLength(source: string, position: number): number {
  const rest = source.slice(position);
  return rest.match(/^("[^"]*"?|[\w.]+|\S)/)?.[0].length ?? 0;
}
