// Syntax of the skills expression language: precedence, grouping, literals and names.
import { describe, expect, it } from 'vitest';
import { parseSkillsExpression } from '../../../src/domain/skills-expression/parser.js';
import { admits, keyOf } from './helpers.js';

describe('skills expression › parsing', () => {
  it('treats an empty or blank expression as always true', () => {
    expect(admits('')).toBe(true);
    expect(admits('  \n\t ')).toBe(true);
    expect(keyOf('')).toBe('true');
  });

  it('binds && tighter than ||', () => {
    // a || (b && c): with a true, b and c false, the whole is true; (a || b) && c would be false.
    const expression = 'skill.a >= 1 || skill.b >= 1 && skill.c >= 1';
    expect(admits(expression, { a: 1 })).toBe(true);
    expect(keyOf(expression)).toBe('skill.a >= 1 || skill.b >= 1 && skill.c >= 1');
    expect(keyOf('(skill.a >= 1 || skill.b >= 1) && skill.c >= 1')).toBe(
      '(skill.a >= 1 || skill.b >= 1) && skill.c >= 1',
    );
    expect(admits('(skill.a >= 1 || skill.b >= 1) && skill.c >= 1', { a: 1 })).toBe(false);
  });

  it('binds ! tighter than && and ||', () => {
    expect(admits('!(skill.a >= 1) && skill.b >= 1', { b: 1 })).toBe(true);
    expect(admits('!(skill.a >= 1) && skill.b >= 1', { a: 1, b: 1 })).toBe(false);
    expect(admits('!false || false')).toBe(true);
    expect(admits('!(false || true)')).toBe(false);
  });

  it('binds ! tighter than comparisons, so a negated comparison needs parentheses', () => {
    const tree = parseSkillsExpression('!(lang == "pl")');
    expect(tree).toMatchObject({ kind: 'not', operand: { kind: 'compare', operator: '==' } });
    expect(() => parseSkillsExpression('!lang == "pl"')).toThrow(/expected a comparison/);
  });

  it('allows "!" directly after another operator and repeated', () => {
    expect(admits('true &&!false')).toBe(true);
    expect(admits('!!true')).toBe(true);
    expect(admits('!!!true')).toBe(false);
  });

  it('nests parentheses', () => {
    expect(admits('((((skill.a >= 2))))', { a: 2 })).toBe(true);
    expect(admits('(skill.a >= 2 && (lang == "pl" || (lang == "de")))', { a: 2 }, { lang: 'de' })).toBe(true);
  });

  it('reads skill names case-insensitively as lower case, including the prefix', () => {
    expect(admits('skill.Billing >= 5', { billing: 5 })).toBe(true);
    expect(admits('SKILL.BILLING >= 5', { billing: 5 })).toBe(true);
    expect(keyOf('Skill.Billing >= 5')).toBe('skill.billing >= 5');
  });

  it('allows digits, "_" and "-" in skill names', () => {
    expect(admits('skill.tier_2-support >= 1', { 'tier_2-support': 3 })).toBe(true);
    expect(admits('skill.2fa >= 1', { '2fa': 1 })).toBe(true);
  });

  it('reads attributes as bare identifiers or attr.<name>, case-sensitively', () => {
    expect(admits('lang == "pl"', {}, { lang: 'pl' })).toBe(true);
    expect(admits('attr.lang == "pl"', {}, { lang: 'pl' })).toBe(true);
    expect(admits('Lang == "pl"', {}, { lang: 'pl' })).toBe(false);
    // attr.<name> reaches attributes whose names are keywords.
    expect(admits('attr.in == "x" && attr.true == "y"', {}, { in: 'x', true: 'y' })).toBe(true);
  });

  it('reads integer, decimal and negative number literals', () => {
    expect(admits('skill.a >= 2.5', { a: 3 })).toBe(true);
    expect(admits('skill.a >= 2.5', { a: 2 })).toBe(false);
    expect(admits('temp > -5', {}, { temp: '-4' })).toBe(true);
    expect(admits('007 == 7')).toBe(true);
  });

  it('unescapes \\" and \\\\ in string literals', () => {
    expect(admits('name == "say \\"hi\\""', {}, { name: 'say "hi"' })).toBe(true);
    expect(admits('path == "a\\\\b"', {}, { path: 'a\\b' })).toBe(true);
    expect(parseSkillsExpression('x == "\\\\\\""')).toMatchObject({ right: { kind: 'string', value: '\\"' } });
  });

  it('keeps whitespace and other characters inside strings as written', () => {
    expect(admits('topic == " a  b\tć "', {}, { topic: ' a  b\tć ' })).toBe(true);
    expect(admits('topic == "&& || ( ]"', {}, { topic: '&& || ( ]' })).toBe(true);
  });

  it('accepts true and false as conditions', () => {
    expect(admits('true')).toBe(true);
    expect(admits('false')).toBe(false);
    expect(admits('(true)')).toBe(true);
  });

  it('needs no whitespace between tokens', () => {
    expect(admits('skill.a>=3&&lang=="pl"||lang in["de","fr"]', { a: 3 }, { lang: 'pl' })).toBe(true);
    expect(admits('skill.a>=3&&lang=="pl"||lang in["de","fr"]', {}, { lang: 'fr' })).toBe(true);
  });

  it('records 0-based positions in the tree', () => {
    expect(parseSkillsExpression('  skill.a >= 3')).toMatchObject({
      kind: 'compare',
      position: 2,
      operatorPosition: 10,
      left: { kind: 'skill', name: 'a', position: 2 },
      right: { kind: 'number', value: 3, position: 13 },
    });
  });
});
