// Checks bearer tokens: a JWT signed by a key of the issuer's JWKS (fetched from its discovery document, cached and
// refreshed on an unknown key id by jose), for our audience, not expired (30 s of clock skew allowed). Keycloak
// and the embedded provider issue the same claims; the principal is read from them (principal.ts).
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { InvalidTokenError } from './invalid-token.js';
import { principalFrom, type Principal } from './principal.js';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Clock skew allowed on exp/nbf (default 30 s). */
  clockToleranceSeconds?: number;
}

export class TokenVerifier {
  /** One discovery at a time: tokens checked together on a cold start share it; a failed one is tried again. */
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
      });
      return principalFrom(payload);
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof InvalidTokenError) {
        throw new InvalidTokenError(describe(error));
      }
      throw error;
    }
  }

  /** The issuer's JWKS, found through its discovery document once. */
  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const response = await fetch(`${this.options.issuer}/.well-known/openid-configuration`);
    if (!response.ok) throw new Error(`the issuer's discovery document answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
    if (!jwksUri) throw new Error('the discovery document names no jwks_uri');
    return createRemoteJWKSet(new URL(jwksUri));
  }
}

function describe(error: Error): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token was signed by a key the issuer does not publish';
  return error instanceof InvalidTokenError ? error.message : 'the token is not a valid JWT';
}
