// The syntax tree the parser produces; the type check and the specialiser both read it.
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

interface Located {
  /** 0-based offset of the node's first character in the source. */
  readonly position: number;
  /** How the node reads in error messages (skills in canonical lower case, literals as written). */
  readonly text: string;
}

export interface SkillOperand extends Located {
  readonly kind: 'skill';
  /** Lower case: skill names are case-insensitive. */
  readonly name: string;
}
export interface AttributeOperand extends Located {
  readonly kind: 'attribute';
  /** As written: attribute keys are case-sensitive. */
  readonly name: string;
}
export interface NumberLiteral extends Located {
  readonly kind: 'number';
  readonly value: number;
}
export interface StringLiteral extends Located {
  readonly kind: 'string';
  readonly value: string;
}
export interface BooleanLiteral extends Located {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export type Literal = NumberLiteral | StringLiteral | BooleanLiteral;
export type Operand = SkillOperand | AttributeOperand | Literal;
export type ListElement = NumberLiteral | StringLiteral;

export interface ConstantExpr {
  readonly kind: 'constant';
  readonly value: boolean;
  readonly position: number;
}
export interface CompareExpr {
  readonly kind: 'compare';
  readonly operator: ComparisonOperator;
  readonly operatorPosition: number;
  readonly left: Operand;
  readonly right: Operand;
  readonly position: number;
}
export interface InExpr {
  readonly kind: 'in';
  readonly operand: Operand;
  readonly list: readonly ListElement[];
  readonly position: number;
}
export interface NotExpr {
  readonly kind: 'not';
  readonly operand: Expr;
  readonly position: number;
}
export interface AndExpr {
  readonly kind: 'and';
  /** Two or more. */
  readonly operands: readonly Expr[];
  readonly position: number;
}
export interface OrExpr {
  readonly kind: 'or';
  /** Two or more. */
  readonly operands: readonly Expr[];
  readonly position: number;
}

export type Expr = ConstantExpr | CompareExpr | InExpr | NotExpr | AndExpr | OrExpr;

export function isOperand(node: Operand | Expr): node is Operand {
  switch (node.kind) {
    case 'skill':
    case 'attribute':
    case 'number':
    case 'string':
    case 'boolean':
      return true;
    default:
      return false;
  }
}
