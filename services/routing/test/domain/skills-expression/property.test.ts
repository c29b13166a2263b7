// Property: for random well-typed expressions, skills and attributes, the compiled, specialised requirement agrees
// with a direct, naive evaluation of the syntax tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, Operand } from '../../../src/domain/skills-expression/ast.js';
import { compileSkillsExpression } from '../../../src/domain/skills-expression/index.js';
import { parseSkillsExpression } from '../../../src/domain/skills-expression/parser.js';

// Small pools, so generated conditions hit and miss often.
const skillRef = fc.constantFrom('skill.a', 'skill.B', 'skill.c');
const attributeRef = fc.constantFrom('lang', 'attr.lang', 'tier', 'x');
const attributeValue = fc.constantFrom('', 'pl', 'de', '5', '5.0', '2.5', '-1', '7', 'abc', 'a"b', 'a\\b');
const number = fc.oneof(fc.integer({ min: -1, max: 11 }), fc.constantFrom(0.5, 2.5, 5.0));
const string = attributeValue.map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
const anyOperator = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');
const equality = fc.constantFrom('==', '!=');
const list = <T>(element: fc.Arbitrary<T>) => fc.array(element, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`);

const comparison: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(skillRef, anyOperator, number).map(([s, o, n]) => `${s} ${o} ${n}`),
  fc.tuple(number, anyOperator, skillRef).map(([n, o, s]) => `${n} ${o} ${s}`),
  fc.tuple(attributeRef, equality, string).map(([a, o, s]) => `${a} ${o} ${s}`),
  fc.tuple(attributeRef, anyOperator, number).map(([a, o, n]) => `${a} ${o} ${n}`),
  fc.tuple(number, anyOperator, attributeRef).map(([n, o, a]) => `${n} ${o} ${a}`),
  fc.tuple(attributeRef, list(fc.oneof(string, number))).map(([a, l]) => `${a} in ${l}`),
  fc.tuple(skillRef, list(number)).map(([s, l]) => `${s} in ${l}`),
  fc.tuple(number, anyOperator, number).map(([a, o, b]) => `${a} ${o} ${b}`),
  fc.tuple(string, equality, string).map(([a, o, b]) => `${a} ${o} ${b}`),
  fc.constantFrom('true', 'false'),
);

const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    tie('expression').map((e) => `!(${e})`),
    tie('expression').map((e) => `(${e})`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `${a} && ${b}`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `${a} || ${b}`),
  ),
}));

const skills = fc
  .record(
    { a: fc.integer({ min: 0, max: 10 }), b: fc.integer({ min: 0, max: 10 }), c: fc.integer({ min: 0, max: 10 }) },
    { requiredKeys: [] },
  )
  .map((levels) => new Map(Object.entries(levels)));
const attributes = fc.record({ lang: attributeValue, tier: attributeValue, x: attributeValue }, { requiredKeys: [] });

/** The reference semantics, written out directly rather than through the compiler's code. */
function evaluate(expr: Expr, skills: ReadonlyMap<string, number>, attributes: Record<string, string>): boolean {
  const valueOf = (operand: Operand): number | string | boolean =>
    operand.kind === 'skill'
      ? (skills.get(operand.name) ?? 0)
      : operand.kind === 'attribute'
        ? (attributes[operand.name] ?? '')
        : operand.value;
  const asNumber = (value: string): number | undefined => (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined);
  const compare = (operator: string, left: Operand, right: Operand): boolean => {
    let a = valueOf(left);
    let b = valueOf(right);
    if (typeof a === 'string' && typeof b === 'number') {
      const n = asNumber(a);
      if (n === undefined) return false;
      a = n;
    }
    if (typeof b === 'string' && typeof a === 'number') {
      const n = asNumber(b);
      if (n === undefined) return false;
      b = n;
    }
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
      default:
        return a >= b;
    }
  };
  switch (expr.kind) {
    case 'constant':
      return expr.value;
    case 'compare':
      return compare(expr.operator, expr.left, expr.right);
    case 'in':
      return expr.list.some((element) => compare('==', expr.operand, element));
    case 'not':
      return !evaluate(expr.operand, skills, attributes);
    case 'and':
      return expr.operands.every((operand) => evaluate(operand, skills, attributes));
    case 'or':
      return expr.operands.some((operand) => evaluate(operand, skills, attributes));
  }
}

describe('skills expression › property', () => {
  it('matches a direct evaluation of the syntax tree for random expressions, skills and attributes', () => {
    fc.assert(
      fc.property(expression, skills, attributes, (source, agentSkills, interactionAttributes) => {
        const requirement = compileSkillsExpression(source).specialise(interactionAttributes);
        const expected = evaluate(parseSkillsExpression(source), agentSkills, interactionAttributes);
        expect(requirement.matches(agentSkills, 0)).toBe(expected);
        if (requirement.constant !== undefined) expect(requirement.constant).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives canonical keys that compile back to the same key and the same predicate', () => {
    fc.assert(
      fc.property(
        expression,
        skills,
        attributes,
        fc.integer({ min: 0, max: 4 }),
        (source, agentSkills, attrs, relax) => {
          const requirement = compileSkillsExpression(source).specialise(attrs);
          const again = compileSkillsExpression(requirement.key).specialise({});
          expect(again.key).toBe(requirement.key);
          expect(again.matches(agentSkills, relax)).toBe(requirement.matches(agentSkills, relax));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('never narrows when widening: whoever matches at a relax level also matches at every higher one', () => {
    fc.assert(
      fc.property(
        expression,
        skills,
        attributes,
        fc.integer({ min: 0, max: 4 }),
        (source, agentSkills, attrs, relax) => {
          const requirement = compileSkillsExpression(source).specialise(attrs);
          if (requirement.matches(agentSkills, relax)) expect(requirement.matches(agentSkills, relax + 1)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
