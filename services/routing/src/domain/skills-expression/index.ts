// The skills expression language of routing queues, e.g. `skill.billing >= 5 && lang == "pl"`: parsed and checked
// when a queue is saved, specialised per interaction, matched against agents' skills.
export { compileSkillsExpression, MAX_CACHED_REQUIREMENTS, type CompiledSkillsExpression } from './compile.js';
export type { AgentRequirement } from './requirement.js';
export { SkillsExpressionError, SKILLS_EXPRESSION_INVALID } from './errors.js';
export { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './limits.js';
