// Recursive-descent parser from tokens to the syntax tree. Hand-written rather than generated: the grammar is a
// dozen lines and hand-written code gives the precise, positioned messages a queue editor needs.
//
//   or         := and ("||" and)*
//   and        := comparison ("&&" comparison)*
//   comparison := unary (compare-op operand | "in" list)?
//   unary      := "!" unary | "(" or ")" | operand
//   list       := "[" (literal ("," literal)*)? "]"
//
// "!" binds tighter than comparisons (as in C), so `!skill.a >= 3` is an error, not `!(skill.a >= 3)`.
import type { ComparisonOperator, Expr, ListElement, Operand } from './ast.js';
import { isOperand } from './ast.js';
import { SkillsExpressionError } from './errors.js';
import { MAX_EXPRESSION_DEPTH } from './limits.js';
import { tokenize, type Token } from './tokens.js';

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>(['==', '!=', '<', '<=', '>', '>=']);

/** Parses `source`; an empty (or blank) expression is the constant true. Throws SkillsExpressionError. */
export function parseSkillsExpression(source: string): Expr {
  return new Parser(source, tokenize(source)).parseAll();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseAll(): Expr {
    if (this.peek().kind === 'end') return { kind: 'constant', value: true, position: 0 };
    const expr = this.parseOr();
    const rest = this.peek();
    if (rest.kind === 'end') return expr;
    if (rest.kind === 'symbol' && rest.text === ')') this.fail('unexpected ")"', rest.position);
    return this.fail('expected "&&" or "||"', rest.position);
  }

  private parseOr(): Expr {
    const first = this.parseAnd();
    const operands = [first];
    while (this.accept('||')) operands.push(this.parseAnd());
    return operands.length === 1 ? first : { kind: 'or', operands, position: first.position };
  }

  private parseAnd(): Expr {
    const first = this.parseComparison();
    const operands = [first];
    while (this.accept('&&')) operands.push(this.parseComparison());
    return operands.length === 1 ? first : { kind: 'and', operands, position: first.position };
  }

  private parseComparison(): Expr {
    const left = this.parseUnary();
    const token = this.peek();
    if (token.kind !== 'symbol' || (token.text !== 'in' && !COMPARISON_OPERATORS.has(token.text))) {
      return this.asCondition(left);
    }
    if (!isOperand(left))
      return this.fail(`"${token.text}" needs a value on its left, not a condition`, token.position);
    this.index++;
    let expr: Expr;
    if (token.text === 'in') {
      expr = { kind: 'in', operand: left, list: this.parseList(), position: left.position };
    } else {
      const right = this.parseOperand(`expected a value after "${token.text}"`);
      const operator = token.text as ComparisonOperator;
      expr = { kind: 'compare', operator, operatorPosition: token.position, left, right, position: left.position };
    }
    const after = this.peek();
    if (after.kind === 'symbol' && (after.text === 'in' || COMPARISON_OPERATORS.has(after.text))) {
      this.fail('comparisons cannot be chained; join them with "&&"', after.position);
    }
    return expr;
  }

  private parseUnary(): Operand | Expr {
    const token = this.peek();
    if (token.kind === 'symbol' && token.text === '!') {
      this.index++;
      this.enter(token.position);
      const operand = this.parseUnary();
      this.depth--;
      const next = this.peek();
      // The commonest way to hit "!" precedence is `!skill.a >= 3`: say what happened and how to write it.
      const hint =
        next.kind === 'symbol' && (next.text === 'in' || COMPARISON_OPERATORS.has(next.text))
          ? ` ("!" applies before "${next.text}"; write !( ... ))`
          : '';
      return { kind: 'not', operand: this.asCondition(operand, hint), position: token.position };
    }
    if (token.kind === 'symbol' && token.text === '(') {
      this.index++;
      this.enter(token.position);
      const inner = this.parseOr();
      if (!this.accept(')')) this.fail('expected ")"', this.peek().position);
      this.depth--;
      return inner;
    }
    return this.parseOperand('expected a comparison');
  }

  private parseOperand(problem: string): Operand {
    const token = this.peek();
    if (token.kind !== 'operand') return this.fail(problem, token.position);
    this.index++;
    return token.operand;
  }

  private parseList(): ListElement[] {
    if (!this.accept('[')) this.fail('expected "[" after "in"', this.peek().position);
    const elements: ListElement[] = [];
    if (this.accept(']')) return elements;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operand' || (token.operand.kind !== 'number' && token.operand.kind !== 'string')) {
        return this.fail('expected a number or a string in the list', token.position);
      }
      elements.push(token.operand);
      this.index++;
      if (this.accept(']')) return elements;
      if (!this.accept(',')) this.fail('expected "," or "]"', this.peek().position);
    }
  }

  /** A bare `true`/`false` is a condition; any other bare operand is a mistake. */
  private asCondition(node: Operand | Expr, hint = ''): Expr {
    if (!isOperand(node)) return node;
    if (node.kind === 'boolean') return { kind: 'constant', value: node.value, position: node.position };
    return this.fail(`expected a comparison${hint}`, node.position);
  }

  private enter(position: number): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      this.fail(`expression is nested deeper than ${MAX_EXPRESSION_DEPTH} levels`, position);
    }
  }

  private accept(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== text) return false;
    this.index++;
    return true;
  }

  private peek(): Token {
    // The token list always ends with an end token, and nothing advances past it.
    return this.tokens[this.index] ?? { kind: 'end', position: this.source.length };
  }

  private fail(problem: string, position: number): never {
    throw new SkillsExpressionError(problem, position, this.source);
  }
}
