// A bearer token the API does not accept (missing, malformed, badly signed, expired, for another audience): 401.
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}
