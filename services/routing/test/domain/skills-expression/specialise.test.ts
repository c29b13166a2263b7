// Specialisation: attributes substituted, constants folded, canonical keys, and one object per relevant input.
import { describe, expect, it } from 'vitest';
import { compileSkillsExpression } from '../../../src/domain/skills-expression/index.js';
import { keyOf } from './helpers.js';

describe('skills expression › constant folding and canonical keys', () => {
  it('drops a true conjunct', () => {
    expect(keyOf('true && skill.a >= 3')).toBe('skill.a >= 3');
    expect(compileSkillsExpression('true && skill.a >= 3').specialise({}).constant).toBeUndefined();
  });

  it('folds to false when an attribute condition fails', () => {
    const requirement = compileSkillsExpression('lang == "pl" && skill.a >= 3').specialise({ lang: 'de' });
    expect(requirement.key).toBe('false');
    expect(requirement.constant).toBe(false);
    expect(requirement.skills).toEqual([]);
  });

  it('leaves only the skill part when an attribute condition holds', () => {
    expect(keyOf('lang == "pl" && skill.a >= 3', { lang: 'pl' })).toBe('skill.a >= 3');
  });

  it('folds to true when an attribute condition decides a disjunction', () => {
    const requirement = compileSkillsExpression('vip == "yes" || skill.a >= 9').specialise({ vip: 'yes' });
    expect(requirement).toMatchObject({ key: 'true', constant: true });
  });

  it('folds negations, double negations and literal comparisons', () => {
    expect(keyOf('!(lang == "pl") && skill.a >= 1', { lang: 'de' })).toBe('skill.a >= 1');
    expect(keyOf('!!(skill.a >= 1)')).toBe('skill.a >= 1');
    expect(keyOf('!(skill.a >= 1)')).toBe('!(skill.a >= 1)');
    expect(keyOf('1 < 2 && skill.a >= 1')).toBe('skill.a >= 1');
    expect(keyOf('1 > 2 || skill.a >= 1')).toBe('skill.a >= 1');
  });

  it('writes the same key whatever attribute values produced the residual', () => {
    const compiled = compileSkillsExpression('(lang == "pl" || lang == "cz") && skill.slavic >= 4 || tier == "gold"');
    expect(compiled.specialise({ lang: 'pl' }).key).toBe('skill.slavic >= 4');
    expect(compiled.specialise({ lang: 'cz' }).key).toBe('skill.slavic >= 4');
    expect(compiled.specialise({ lang: 'cz', tier: 'gold' }).key).toBe('true');
  });

  it('normalises spacing, parentheses, case, number spelling and literal-first comparisons', () => {
    expect(keyOf('  ( SKILL.A>=3.0 )&&( 2 < skill.b )')).toBe('skill.a >= 3 && skill.b > 2');
    expect(keyOf('skill.a >= 1 || (skill.b >= 1 || skill.c >= 1)')).toBe(
      'skill.a >= 1 || skill.b >= 1 || skill.c >= 1',
    );
    expect(keyOf('skill.a in [3, 1, 3, 2]')).toBe('skill.a in [1, 2, 3]');
    expect(keyOf('skill.a in []')).toBe('false');
  });

  it('keeps parentheses that precedence needs', () => {
    expect(keyOf('(skill.a >= 1 || skill.b >= 1) && skill.c >= 1')).toBe(
      '(skill.a >= 1 || skill.b >= 1) && skill.c >= 1',
    );
    expect(keyOf('!(skill.a >= 1 && skill.b >= 1)')).toBe('!(skill.a >= 1 && skill.b >= 1)');
  });

  it('writes keys that compile back to the same key', () => {
    const key = keyOf('(lang == "pl" || skill.b in [2,1]) && !(skill.c < 3) && 4 <= skill.a', { lang: 'de' });
    expect(key).toBe('skill.b in [1, 2] && !(skill.c < 3) && skill.a >= 4');
    expect(keyOf(key)).toBe(key);
  });

  it('is constant true for the empty expression and false for a contradiction of literals', () => {
    expect(compileSkillsExpression('').specialise({})).toMatchObject({ key: 'true', constant: true });
    expect(compileSkillsExpression('"a" == "b"').specialise({})).toMatchObject({ key: 'false', constant: false });
  });
});

describe('skills expression › specialise caching', () => {
  it('returns the same object for the same values of the attributes the expression reads', () => {
    const compiled = compileSkillsExpression('lang == "pl" && skill.a >= 3 || tier == "gold"');
    const first = compiled.specialise({ lang: 'pl', tier: 'silver', channel: 'chat' });
    expect(compiled.specialise({ lang: 'pl', tier: 'silver', channel: 'voice', extra: 'x' })).toBe(first);
  });

  it('returns the same object for expressions that read no attribute', () => {
    const compiled = compileSkillsExpression('skill.a >= 3');
    expect(compiled.specialise({ lang: 'pl' })).toBe(compiled.specialise({}));
  });

  it('shares one object between different values that leave the same residual', () => {
    const compiled = compileSkillsExpression('lang in ["pl", "cz"] && skill.a >= 3');
    expect(compiled.specialise({ lang: 'pl' })).toBe(compiled.specialise({ lang: 'cz' }));
    expect(compiled.specialise({ lang: 'de' })).not.toBe(compiled.specialise({ lang: 'pl' }));
  });

  it('tells apart value lists that would collide if simply joined', () => {
    const compiled = compileSkillsExpression(
      '(a == "x" && b == "") && skill.s >= 1 || (a == "" && b == "x") && skill.t >= 1',
    );
    expect(compiled.specialise({ a: 'x', b: '' }).key).toBe('skill.s >= 1');
    expect(compiled.specialise({ a: '', b: 'x' }).key).toBe('skill.t >= 1');
  });

  it('treats a missing attribute and an empty one alike', () => {
    const compiled = compileSkillsExpression('lang == "" || skill.a >= 1');
    expect(compiled.specialise({})).toBe(compiled.specialise({ lang: '' }));
  });

  it('keeps the source it was compiled from', () => {
    expect(compileSkillsExpression(' skill.a >= 1 ').source).toBe(' skill.a >= 1 ');
  });
});
