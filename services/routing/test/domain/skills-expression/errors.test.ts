// Every way an expression is rejected when a queue is saved, each naming the 0-based position at fault.
import { describe, expect, it } from 'vitest';
import { ParleyError, Status } from '@parley/kit';
import {
  compileSkillsExpression,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  SkillsExpressionError,
} from '../../../src/domain/skills-expression/index.js';
import { compileError } from './helpers.js';

describe('skills expression › errors', () => {
  it('rejects a string compared with a skill, naming the position', () => {
    const error = compileError('lang == "x" && "pl" != skill.billing');
    expect(error).toBeInstanceOf(SkillsExpressionError);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('skill.billing is a number and cannot be compared with "pl" at 15');
    expect(error.position).toBe(15);
    expect(error.expression).toBe('lang == "x" && "pl" != skill.billing');
    expect(error.code).toBe('PARLEY_ROUTING_SKILLS_EXPRESSION_INVALID');
    expect(error.status).toBe(Status.INVALID_ARGUMENT);
    expect(error.name).toBe('SkillsExpressionError');
  });

  describe('rejects malformed text', () => {
    it.each([
      ['lang == "pl', 'unterminated string at 8'],
      ['lang == "pl\\', 'unterminated string at 8'],
      ['lang == "a\\nb"', 'unknown escape "\\n" at 10'],
      ['skill.a >= 5x', 'invalid number "5x" at 11'],
      ['skill.a >= 1.', 'invalid number "1." at 11'],
      ['skill.a >= 1.2.3', 'invalid number "1.2.3" at 11'],
      ['skill >= 3', 'expected "." and a name after "skill" at 5'],
      ['skill. >= 3', 'expected a skill name after "skill." at 6'],
      ['attr. == "x"', 'expected an attribute name after "attr." at 5'],
      ['skill.a =< 3', 'unknown operator "=<" at 8'],
      ['lang = "pl"', 'unknown operator "=" at 5'],
      ['lang === "pl"', 'unknown operator "===" at 5'],
      ['lang !== "pl"', 'unknown operator "!==" at 5'],
      ['skill.a <> 3', 'unknown operator "<>" at 8'],
      ['skill.a >= 1 & skill.b >= 1', 'unknown operator "&" at 13'],
      ['skill.a >= 1 | skill.b >= 1', 'unknown operator "|" at 13'],
      ['skill.a >= 1 # x', 'unexpected character "#" at 13'],
      ["lang == 'pl'", 'unexpected character "\'" (strings use double quotes) at 8'],
    ])('%s → %s', (expression, message) => {
      expect(compileError(expression).message).toBe(message);
    });

    it('rejects a number too large to represent', () => {
      const error = compileError(`skill.a >= 1${'0'.repeat(400)}`);
      expect(error.message).toMatch(/^number "10+\.\.\." is too large at 11$/);
    });
  });

  describe('rejects bad structure', () => {
    it.each([
      ['skill.x', 'expected a comparison at 0'],
      ['skill.a >= 1 && lang', 'expected a comparison at 16'],
      ['skill.a >= 1 &&', 'expected a comparison at 15'],
      ['&& skill.a >= 1', 'expected a comparison at 0'],
      ['()', 'expected a comparison at 1'],
      ['!skill.a >= 3', 'expected a comparison ("!" applies before ">="; write !( ... )) at 1'],
      ['!lang in ["pl"]', 'expected a comparison ("!" applies before "in"; write !( ... )) at 1'],
      ['skill.a >= 1)', 'unexpected ")" at 12'],
      ['skill.a >= 1 skill.b >= 1', 'expected "&&" or "||" at 13'],
      ['(skill.a >= 1', 'expected ")" at 13'],
      ['(skill.a >= 1 skill.b >= 2)', 'expected ")" at 14'],
      ['skill.a >=', 'expected a value after ">=" at 10'],
      ['lang ==', 'expected a value after "==" at 7'],
      ['skill.a >= (3)', 'expected a value after ">=" at 11'],
      ['(skill.a >= 1) == true', '"==" needs a value on its left, not a condition at 15'],
      ['lang == "a" == "b"', 'comparisons cannot be chained; join them with "&&" at 12'],
      ['1 < skill.a < 5', 'comparisons cannot be chained; join them with "&&" at 12'],
      ['lang in "pl"', 'expected "[" after "in" at 8'],
      ['lang in [pl]', 'expected a number or a string in the list at 9'],
      ['lang in [true]', 'expected a number or a string in the list at 9'],
      ['lang in ["pl",]', 'expected a number or a string in the list at 14'],
      ['lang in ["pl" "de"]', 'expected "," or "]" at 14'],
      ['lang in ["pl"', 'expected "," or "]" at 13'],
    ])('%s → %s', (expression, message) => {
      expect(compileError(expression).message).toBe(message);
    });
  });

  describe('rejects comparisons of the wrong types', () => {
    it.each([
      ['skill.billing == "pl"', 'skill.billing is a number and cannot be compared with "pl" at 0'],
      ['"pl" == skill.billing', 'skill.billing is a number and cannot be compared with "pl" at 0'],
      ['skill.a == false', 'skill.a is a number and cannot be compared with false at 0'],
      ['skill.a == skill.b', 'skill.a can only be compared with a number, not skill.b at 0'],
      ['skill.a >= lang', 'skill.a can only be compared with a number, not lang at 0'],
      ['lang == attr.other', 'lang can only be compared with a string or a number, not attr.other at 0'],
      ['lang == true', 'lang is a string and cannot be compared with true at 0'],
      ['1 == "1"', '1 is a number and cannot be compared with "1" at 0'],
      ['lang < "m"', 'strings can only be compared with == or !=, not "<" at 5'],
      ['"a" >= "b"', 'strings can only be compared with == or !=, not ">=" at 4'],
      ['true < false', 'booleans can only be compared with == or !=, not "<" at 5'],
      ['skill.a in [1, "x"]', 'skill.a is a number and cannot be compared with "x" at 15'],
      ['"a" in [1]', '"a" is a string and cannot be compared with 1 at 8'],
      ['5 in ["5"]', '5 is a number and cannot be compared with "5" at 6'],
      ['true in [1]', '"in" needs a skill, an attribute, a number or a string on its left, not true at 0'],
    ])('%s → %s', (expression, message) => {
      expect(compileError(expression).message).toBe(message);
    });
  });

  describe('limits', () => {
    it(`accepts ${MAX_EXPRESSION_LENGTH} characters and rejects one more`, () => {
      const longest = 'skill.a >= 1'.padEnd(MAX_EXPRESSION_LENGTH, ' ');
      expect(() => compileSkillsExpression(longest)).not.toThrow();
      const error = compileError(`${longest} `);
      expect(error.message).toBe('expression is longer than 2000 characters at 2000');
      expect(error.position).toBe(2000);
    });

    it(`accepts nesting ${MAX_EXPRESSION_DEPTH} deep and rejects one level more, at the opening that goes too deep`, () => {
      const nested = (depth: number) => `${'('.repeat(depth)}skill.a >= 1${')'.repeat(depth)}`;
      expect(() => compileSkillsExpression(nested(32))).not.toThrow();
      expect(compileError(nested(33)).message).toBe('expression is nested deeper than 32 levels at 32');
    });

    it('counts "!" as a level of nesting', () => {
      expect(() => compileSkillsExpression(`${'!'.repeat(32)}true`)).not.toThrow();
      expect(compileError(`${'!'.repeat(33)}true`).position).toBe(32);
      expect(compileError(`${'!('.repeat(17)}true${')'.repeat(17)}`).position).toBe(32);
    });

    it('does not count long flat chains of && and || as nesting', () => {
      const chain = Array.from({ length: 100 }, (_, i) => `skill.s${i} >= 1`).join(' && ');
      expect(() => compileSkillsExpression(chain)).not.toThrow();
    });
  });

  it('rejects a value that is not a string, at position 0', () => {
    const error = (() => {
      try {
        compileSkillsExpression(undefined as unknown as string);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SkillsExpressionError);
    expect((error as SkillsExpressionError).message).toBe('the expression must be a string at 0');
  });
});
