// The one error a skills expression can raise: bad syntax, bad types or past a limit, with the 0-based offset of the
// offending text so the queue editor can underline it.
import { ParleyError, Status } from '@parley/kit';

export const SKILLS_EXPRESSION_INVALID = 'PARLEY_ROUTING_SKILLS_EXPRESSION_INVALID';

// A ParleyError (and so an Error) so the rpc layer maps it to INVALID_ARGUMENT with no special case.
export class SkillsExpressionError extends ParleyError {
  override readonly name = 'SkillsExpressionError';
  override readonly code = SKILLS_EXPRESSION_INVALID;
  /** 0-based offset into `expression` of the text at fault. */
  readonly position: number;
  readonly expression: string;

  /** `problem` is the message without its position; " at N" is appended so every message ends the same way. */
  constructor(problem: string, position: number, expression: string) {
    super(SKILLS_EXPRESSION_INVALID, `${problem} at ${position}`, {
      status: Status.INVALID_ARGUMENT,
      domain: 'routing',
      metadata: { position: String(position) },
    });
    this.position = position;
    this.expression = expression;
  }
}
