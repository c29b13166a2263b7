// Every stable error code the kit itself raises. Services keep their own codes in their own error-codes.ts.
// Each code is documented in services/kit/README.md (a test checks that).
export const KitErrorCode = {
  /** One or more environment variables are missing or invalid; the message names every one. */
  CONFIG_INVALID: 'PARLEY_KIT_CONFIG_INVALID',
  /** A remote call failed and the callee sent no Parley error detail (e.g. a plain gRPC status). */
  RPC_FAILED: 'PARLEY_KIT_RPC_FAILED',
  /** The request or response bytes could not be decoded with the contract's codec. */
  RPC_DECODE_FAILED: 'PARLEY_KIT_RPC_DECODE_FAILED',
  /** The request could not be encoded with the contract's codec (e.g. a float in an integer field). */
  RPC_ENCODE_FAILED: 'PARLEY_KIT_RPC_ENCODE_FAILED',
  /** A request or reply is larger than the NATS server accepts (max_payload). */
  RPC_TOO_LARGE: 'PARLEY_KIT_RPC_TOO_LARGE',
  /** The caller's deadline passed before the call completed. */
  RPC_DEADLINE_EXCEEDED: 'PARLEY_KIT_RPC_DEADLINE_EXCEEDED',
  /** No replica of the service is subscribed (NATS "no responders"), or the connection is down. */
  RPC_UNAVAILABLE: 'PARLEY_KIT_RPC_UNAVAILABLE',
  /** The method exists in the contract but is not served over this transport (e.g. streaming over NATS). */
  RPC_UNIMPLEMENTED: 'PARLEY_KIT_RPC_UNIMPLEMENTED',
  /** A handler threw something that is not a ParleyError; details are logged, not sent to the caller. */
  INTERNAL: 'PARLEY_KIT_INTERNAL',
  /** An event envelope is missing its id, type or site, or they are not valid subject tokens. */
  EVENT_INVALID: 'PARLEY_KIT_EVENT_INVALID',
  /** JetStream did not acknowledge a publish (stream missing, storage full, NATS down past the timeout). */
  EVENT_PUBLISH_FAILED: 'PARLEY_KIT_EVENT_PUBLISH_FAILED',
} as const;

export type KitErrorCode = (typeof KitErrorCode)[keyof typeof KitErrorCode];
