// Validation of the record's commands (AddNote, SetDisposition, MergeCustomers, EraseCustomer): every bad field is
// named in one INVALID_ARGUMENT, before anything is read or written.
import { ActorKind, type Actor } from '@parley/protos/parley/common/v1/actor';
import type { FieldViolation } from '@parley/protos/parley/common/v1/error';
import type {
  AddNoteRequest,
  EraseCustomerRequest,
  MergeCustomersRequest,
  SetDispositionRequest,
} from '@parley/protos/parley/history/v1/history';
import { invalidArgument } from './errors.js';

export const MAX_NOTE_LENGTH = 10_000;
export const MAX_COMMENT_LENGTH = 1_000;
export const MAX_REQUEST_REF_LENGTH = 200;
const ulidPattern = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const codePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

class Violations {
  readonly list: FieldViolation[] = [];
  add(field: string, description: string): void {
    this.list.push({ field, description });
  }
  required(field: string, value: string): void {
    if (!value.trim()) this.add(field, 'is required');
  }
  actor(field: string, actor: Actor | undefined): void {
    if (!actor || actor.kind === ActorKind.ACTOR_KIND_UNSPECIFIED) this.add(`${field}.kind`, 'is required');
    else if (actor.kind !== ActorKind.ACTOR_KIND_SYSTEM && !actor.id.trim()) this.add(`${field}.id`, 'is required');
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw invalidArgument(this.list);
  }
}

export function validateAddNote(request: AddNoteRequest): void {
  const violations = new Violations();
  violations.required('interaction_id', request.interactionId);
  if (!ulidPattern.test(request.noteId))
    violations.add('note_id', `must be a ULID chosen by the caller (it makes retries safe), got "${request.noteId}"`);
  const length = [...request.text.trim()].length;
  if (length === 0 || length > MAX_NOTE_LENGTH)
    violations.add('text', `must be 1 to ${MAX_NOTE_LENGTH} characters, got ${length}`);
  violations.actor('author', request.author);
  violations.throwIfAny();
}

export function validateSetDisposition(request: SetDispositionRequest): void {
  const violations = new Violations();
  violations.required('interaction_id', request.interactionId);
  if (!codePattern.test(request.wrapUpCodeId))
    violations.add(
      'wrap_up_code_id',
      `must be a wrap-up code id (letters, digits, _.:-), got "${request.wrapUpCodeId}"`,
    );
  if ([...request.comment].length > MAX_COMMENT_LENGTH)
    violations.add('comment', `must be at most ${MAX_COMMENT_LENGTH} characters`);
  violations.actor('actor', request.actor);
  violations.throwIfAny();
}

export function validateMergeCustomers(request: MergeCustomersRequest): void {
  const violations = new Violations();
  violations.required('surviving_customer_id', request.survivingCustomerId);
  violations.required('merged_customer_id', request.mergedCustomerId);
  if (request.survivingCustomerId && request.survivingCustomerId === request.mergedCustomerId)
    violations.add('merged_customer_id', 'must differ from surviving_customer_id');
  violations.actor('actor', request.actor);
  violations.throwIfAny();
}

export function validateEraseCustomer(request: EraseCustomerRequest): void {
  const violations = new Violations();
  violations.required('customer_id', request.customerId);
  violations.actor('actor', request.actor);
  if (request.actor && ![ActorKind.ACTOR_KIND_ADMIN, ActorKind.ACTOR_KIND_SYSTEM].includes(request.actor.kind))
    violations.add('actor.kind', 'an erasure is made by an admin (or the system acting on a verified request)');
  if (request.requestRef.length > MAX_REQUEST_REF_LENGTH)
    violations.add('request_ref', `must be at most ${MAX_REQUEST_REF_LENGTH} characters`);
  violations.throwIfAny();
}
