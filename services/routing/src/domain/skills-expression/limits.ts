// Bounds on what a queue may store as its skills expression: they keep parsing linear and recursion shallow.
export const MAX_EXPRESSION_LENGTH = 2_000;
/** Parentheses and "!" each add a level; `&&`/`||` chains are flat and do not. */
export const MAX_EXPRESSION_DEPTH = 32;
