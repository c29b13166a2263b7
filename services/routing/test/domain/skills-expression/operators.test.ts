// What each operator means for skills, attributes and literals, including missing values.
import { describe, expect, it } from 'vitest';
import { admits } from './helpers.js';

describe('skills expression › skill comparisons', () => {
  it.each([
    ['skill.a == 5', 5, true],
    ['skill.a == 5', 4, false],
    ['skill.a != 5', 4, true],
    ['skill.a != 5', 5, false],
    ['skill.a < 5', 4, true],
    ['skill.a < 5', 5, false],
    ['skill.a <= 5', 5, true],
    ['skill.a <= 5', 6, false],
    ['skill.a > 5', 6, true],
    ['skill.a > 5', 5, false],
    ['skill.a >= 5', 5, true],
    ['skill.a >= 5', 4, false],
  ] as const)('%s with level %i → %s', (expression, level, expected) => {
    expect(admits(expression, { a: level })).toBe(expected);
  });

  it('reads a literal on the left as the mirrored comparison', () => {
    expect(admits('5 <= skill.a', { a: 5 })).toBe(true);
    expect(admits('5 <= skill.a', { a: 4 })).toBe(false);
    expect(admits('5 > skill.a', { a: 4 })).toBe(true);
    expect(admits('5 == skill.a', { a: 5 })).toBe(true);
  });

  it('treats a missing skill as level 0', () => {
    expect(admits('skill.a >= 1')).toBe(false);
    expect(admits('skill.a == 0')).toBe(true);
    expect(admits('skill.a < 3')).toBe(true);
    expect(admits('skill.a in [0]')).toBe(true);
  });

  it('checks skill membership in a list of numbers', () => {
    expect(admits('skill.a in [3, 5, 7]', { a: 5 })).toBe(true);
    expect(admits('skill.a in [3, 5, 7]', { a: 4 })).toBe(false);
    expect(admits('skill.a in []', { a: 4 })).toBe(false);
  });
});

describe('skills expression › attribute comparisons', () => {
  it('compares attributes with strings by == and !=', () => {
    expect(admits('lang == "pl"', {}, { lang: 'pl' })).toBe(true);
    expect(admits('lang == "pl"', {}, { lang: 'PL' })).toBe(false);
    expect(admits('lang != "pl"', {}, { lang: 'de' })).toBe(true);
    expect(admits('lang != "pl"', {}, { lang: 'pl' })).toBe(false);
    expect(admits('"pl" == lang', {}, { lang: 'pl' })).toBe(true);
  });

  it('reads a missing attribute as the empty string', () => {
    expect(admits('lang == ""')).toBe(true);
    expect(admits('lang != "pl"')).toBe(true);
    expect(admits('lang in ["", "pl"]')).toBe(true);
  });

  it('reads only own attributes, never Object.prototype members', () => {
    expect(admits('constructor == ""', {}, {})).toBe(true);
    expect(admits('toString == ""', {}, {})).toBe(true);
    expect(admits('__proto__ == ""', {}, {})).toBe(true);
  });

  it('compares a numeric attribute with a number numerically', () => {
    expect(admits('vip > 2', {}, { vip: '10' })).toBe(true); // as strings "10" < "2"
    expect(admits('vip == 5', {}, { vip: '5.0' })).toBe(true);
    expect(admits('vip == 5', {}, { vip: ' 5 ' })).toBe(true);
    expect(admits('vip <= 2.5', {}, { vip: '2.5' })).toBe(true);
    expect(admits('vip < 0', {}, { vip: '-1' })).toBe(true);
    expect(admits('vip >= 1000', {}, { vip: '1e3' })).toBe(true);
    expect(admits('3 < vip', {}, { vip: '4' })).toBe(true);
  });

  it('makes every numeric comparison false when the attribute is not a number', () => {
    for (const value of ['abc', '', ' ', '0x10', 'Infinity', 'NaN', '5kg']) {
      for (const operator of ['==', '!=', '<', '<=', '>', '>=']) {
        expect(admits(`vip ${operator} 5`, {}, { vip: value }), `${JSON.stringify(value)} ${operator} 5`).toBe(false);
      }
    }
    // A missing attribute is "", which is not the number 0.
    expect(admits('vip == 0')).toBe(false);
  });

  it('checks attribute membership in a list of strings, numbers or both', () => {
    expect(admits('lang in ["pl", "de"]', {}, { lang: 'de' })).toBe(true);
    expect(admits('lang in ["pl", "de"]', {}, { lang: 'fr' })).toBe(false);
    expect(admits('tier in [1, 2]', {}, { tier: '2.0' })).toBe(true);
    expect(admits('tier in [1, 2]', {}, { tier: 'gold' })).toBe(false);
    expect(admits('tier in ["gold", 1]', {}, { tier: 'gold' })).toBe(true);
    expect(admits('tier in ["gold", 1]', {}, { tier: '1' })).toBe(true);
    expect(admits('tier in []', {}, { tier: '1' })).toBe(false);
  });
});

describe('skills expression › literal comparisons', () => {
  it.each([
    ['1 < 2', true],
    ['2 <= 1', false],
    ['1.5 == 1.50', true],
    ['"a" == "a"', true],
    ['"a" != "a"', false],
    ['true == true', true],
    ['true != false', true],
    ['3 in [1, 2, 3]', true],
    ['"x" in ["y"]', false],
  ] as const)('folds %s to %s', (expression, expected) => {
    expect(admits(expression)).toBe(expected);
  });
});

describe('skills expression › boolean operators', () => {
  it.each([
    ['true && true', true],
    ['true && false', false],
    ['false && true', false],
    ['false || false', false],
    ['false || true', true],
    ['true || false', true],
    ['!true', false],
    ['!false', true],
  ] as const)('%s is %s', (expression, expected) => {
    expect(admits(expression)).toBe(expected);
  });

  it('combines skill and attribute conditions', () => {
    const expression = 'skill.billing >= 5 && lang == "pl"';
    expect(admits(expression, { billing: 5 }, { lang: 'pl' })).toBe(true);
    expect(admits(expression, { billing: 4 }, { lang: 'pl' })).toBe(false);
    expect(admits(expression, { billing: 9 }, { lang: 'de' })).toBe(false);
  });
});
