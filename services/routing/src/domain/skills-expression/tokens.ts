// The lexer: turns expression text into operand and symbol tokens, each with its 0-based offset.
import type { ComparisonOperator, Operand } from './ast.js';
import { SkillsExpressionError } from './errors.js';
import { MAX_EXPRESSION_LENGTH } from './limits.js';

export type SymbolText = ComparisonOperator | '&&' | '||' | '!' | '(' | ')' | '[' | ']' | ',' | 'in';

export type Token =
  | { readonly kind: 'operand'; readonly operand: Operand; readonly position: number }
  | { readonly kind: 'symbol'; readonly text: SymbolText; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

const WORD = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NAME = /[A-Za-z0-9_-]+/y;
const NUMBER = /-?[0-9]+(?:\.[0-9]+)?/y;
// What a number must not run into: "5abc", "1.", "1.2.3" are typos, not a number followed by something.
const NUMBER_TAIL = /[A-Za-z0-9_.]/;
const OPERATOR_RUN = /[=!<>&|]+/y;
const SINGLE: Readonly<Record<string, SymbolText>> = { '(': '(', ')': ')', '[': '[', ']': ']', ',': ',' };

export function tokenize(source: string): Token[] {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new SkillsExpressionError(
      `expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
      MAX_EXPRESSION_LENGTH,
      source,
    );
  }
  const tokens: Token[] = [];
  const fail = (problem: string, position: number): never => failAt(source, problem, position);
  const match = (pattern: RegExp, at: number): string | undefined => {
    pattern.lastIndex = at;
    return pattern.exec(source)?.[0];
  };

  let i = 0;
  for (;;) {
    while (i < source.length && /\s/.test(source.charAt(i))) i++;
    if (i >= source.length) break;
    const start = i;
    const c = source.charAt(i);
    const next = source.charAt(i + 1);

    const single = SINGLE[c];
    if (single) {
      tokens.push({ kind: 'symbol', text: single, position: start });
      i++;
      continue;
    }

    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) fail('unterminated string', start);
        const ch = source.charAt(i);
        if (ch === '"') break;
        if (ch === '\\') {
          const escaped = source.charAt(i + 1);
          if (escaped === '') fail('unterminated string', start);
          if (escaped !== '"' && escaped !== '\\') fail(`unknown escape "\\${escaped}"`, i);
          value += escaped;
          i += 2;
        } else {
          value += ch;
          i++;
        }
      }
      i++;
      tokens.push(operand({ kind: 'string', value, text: source.slice(start, i), position: start }));
      continue;
    }

    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(next))) {
      const text = match(NUMBER, i) ?? '';
      i += text.length;
      if (NUMBER_TAIL.test(source.charAt(i))) {
        const typo = source.slice(start).match(/^-?[A-Za-z0-9_.]+/)?.[0] ?? text;
        fail(`invalid number "${typo}"`, start);
      }
      const value = Number(text);
      if (!Number.isFinite(value)) fail(`number "${text.slice(0, 20)}..." is too large`, start);
      tokens.push(operand({ kind: 'number', value, text, position: start }));
      continue;
    }

    const word = match(WORD, i);
    if (word !== undefined) {
      i += word.length;
      const prefix = word.toLowerCase();
      if (prefix === 'skill' || prefix === 'attr') {
        if (source.charAt(i) !== '.') fail(`expected "." and a name after "${word}"`, i);
        const name =
          match(NAME, i + 1) ??
          failAt(source, `expected ${prefix === 'skill' ? 'a skill' : 'an attribute'} name after "${word}."`, i + 1);
        i += 1 + name.length;
        if (prefix === 'skill') {
          const lower = name.toLowerCase();
          tokens.push(operand({ kind: 'skill', name: lower, text: `skill.${lower}`, position: start }));
        } else {
          tokens.push(operand({ kind: 'attribute', name, text: source.slice(start, i), position: start }));
        }
      } else if (word === 'true' || word === 'false') {
        tokens.push(operand({ kind: 'boolean', value: word === 'true', text: word, position: start }));
      } else if (word === 'in') {
        tokens.push({ kind: 'symbol', text: 'in', position: start });
      } else {
        tokens.push(operand({ kind: 'attribute', name: word, text: word, position: start }));
      }
      continue;
    }

    if (/[=!<>&|]/.test(c)) {
      const symbol = operatorAt(source, i);
      if (symbol === undefined) {
        fail(`unknown operator "${match(OPERATOR_RUN, i) ?? c}"`, start);
      } else {
        tokens.push({ kind: 'symbol', text: symbol, position: start });
        i += symbol.length;
      }
      continue;
    }

    const hint = c === "'" ? ' (strings use double quotes)' : '';
    fail(`unexpected character ${JSON.stringify(c)}${hint}`, start);
  }
  tokens.push({ kind: 'end', position: source.length });
  return tokens;
}

function failAt(source: string, problem: string, position: number): never {
  throw new SkillsExpressionError(problem, position, source);
}

function operand(node: Operand): Token {
  return { kind: 'operand', operand: node, position: node.position };
}

/**
 * The operator starting at `i`, or undefined when the characters there are no operator ("=<", "=", "&", "===").
 * "!" may directly follow another operator ("&&!x"), so a comparison is only refused when more comparison
 * characters follow it.
 */
function operatorAt(source: string, i: number): SymbolText | undefined {
  const c = source.charAt(i);
  const two = source.slice(i, i + 2);
  let symbol: SymbolText | undefined;
  if (two === '&&' || two === '||' || two === '==' || two === '!=' || two === '<=' || two === '>=') symbol = two;
  else if (c === '<' || c === '>' || c === '!') symbol = c;
  if (symbol === undefined || symbol === '&&' || symbol === '||' || symbol === '!') return symbol;
  return /[=<>]/.test(source.charAt(i + symbol.length)) ? undefined : symbol;
}
