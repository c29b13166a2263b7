// Bullseye widening (relax) and the most_skilled score of a specialised requirement.
import { describe, expect, it } from 'vitest';
import { compileSkillsExpression } from '../../../src/domain/skills-expression/index.js';
import { admits, levels } from './helpers.js';

describe('skills expression › relax', () => {
  it('lowers a >= threshold by the relax levels', () => {
    expect(admits('skill.a >= 5', { a: 3 }, {}, 2)).toBe(true);
    expect(admits('skill.a >= 5', { a: 2 }, {}, 2)).toBe(false);
    expect(admits('skill.a >= 5', { a: 3 }, {}, 0)).toBe(false);
  });

  it('never lowers a >= threshold below 1, so agents without the skill stay out', () => {
    expect(admits('skill.a >= 5', { a: 1 }, {}, 10)).toBe(true);
    expect(admits('skill.a >= 5', {}, {}, 10)).toBe(false);
    expect(admits('skill.a >= 5', { a: 0 }, {}, 10)).toBe(false);
  });

  it('leaves a >= threshold below 1 alone rather than raising it', () => {
    expect(admits('skill.a >= 0', {}, {}, 3)).toBe(true);
    expect(admits('skill.a >= 0.5', { a: 0.5 }, {}, 3)).toBe(true);
  });

  it('lowers a > threshold, but never below "more than 0"', () => {
    expect(admits('skill.a > 5', { a: 4 }, {}, 2)).toBe(true);
    expect(admits('skill.a > 5', { a: 3 }, {}, 2)).toBe(false);
    expect(admits('skill.a > 5', { a: 1 }, {}, 10)).toBe(true);
    expect(admits('skill.a > 5', {}, {}, 10)).toBe(false);
  });

  it('applies to mirrored thresholds written literal-first', () => {
    expect(admits('5 <= skill.a', { a: 3 }, {}, 2)).toBe(true);
    expect(admits('5 < skill.a', { a: 4 }, {}, 2)).toBe(true);
  });

  it('leaves ==, !=, <, <= and in unchanged', () => {
    expect(admits('skill.a == 5', { a: 3 }, {}, 2)).toBe(false);
    expect(admits('skill.a != 5', { a: 5 }, {}, 2)).toBe(false);
    expect(admits('skill.a < 5', { a: 5 }, {}, 2)).toBe(false);
    expect(admits('skill.a <= 5', { a: 6 }, {}, 2)).toBe(false);
    expect(admits('skill.a in [5]', { a: 3 }, {}, 2)).toBe(false);
  });

  it('lowers every threshold of a compound predicate', () => {
    const expression = 'skill.a >= 7 && (skill.b > 4 || lang == "pl")';
    expect(admits(expression, { a: 4, b: 2 }, {}, 3)).toBe(true);
    expect(admits(expression, { a: 4, b: 1 }, {}, 3)).toBe(false);
  });

  it('does not relax thresholds under "!", so widening never narrows', () => {
    // Widening never narrows: thresholds under a negation are not relaxed (relaxing !(skill.a >= 8) to
    // !(skill.a >= 5) would turn away an agent at level 6); a double negation relaxes again.
    expect(admits('!(skill.a >= 8)', { a: 6 }, {}, 0)).toBe(true);
    expect(admits('!(skill.a >= 8)', { a: 6 }, {}, 3)).toBe(true);
    expect(admits('!!(skill.a >= 8)', { a: 6 }, {}, 3)).toBe(true);
    expect(admits('!!(skill.a >= 8)', { a: 6 }, {}, 0)).toBe(false);
  });

  it('treats a negative relax as no relax', () => {
    expect(admits('skill.a >= 5', { a: 5 }, {}, -2)).toBe(true);
    expect(admits('skill.a >= 5', { a: 4 }, {}, -2)).toBe(false);
  });
});

describe('skills expression › score', () => {
  it('sums the agent levels of every skill the predicate mentions, each once', () => {
    const requirement = compileSkillsExpression(
      'skill.a >= 3 && (skill.b > 1 || skill.a == 7) && !(skill.c < 2)',
    ).specialise({});
    expect(requirement.skills).toEqual(['a', 'b', 'c']);
    expect(requirement.score(levels({ a: 4, b: 2, c: 5, unrelated: 10 }))).toBe(11);
    expect(requirement.score(levels({ b: 2 }))).toBe(2);
  });

  it('counts only skills left after the attributes were substituted', () => {
    const compiled = compileSkillsExpression('(lang == "pl" && skill.polish >= 5) || skill.english >= 5');
    expect(compiled.specialise({ lang: 'pl' }).skills).toEqual(['polish', 'english']);
    expect(compiled.specialise({ lang: 'de' }).skills).toEqual(['english']);
    expect(compiled.specialise({ lang: 'de' }).score(levels({ polish: 9, english: 6 }))).toBe(6);
  });

  it('scores 0 when the predicate mentions no skill', () => {
    const requirement = compileSkillsExpression('lang == "pl"').specialise({ lang: 'pl' });
    expect(requirement.skills).toEqual([]);
    expect(requirement.score(levels({ a: 9 }))).toBe(0);
  });
});
