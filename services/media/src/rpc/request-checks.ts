// Field checks shared by the handlers; each failure is INVALID_ARGUMENT naming the field.
import { isIP } from 'node:net';
import { invalidArgument } from '../errors.js';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export function requireId(value: string, field: string): string {
  if (!ID.test(value)) throw invalidArgument(field, 'must be 1–128 letters, digits, "_", ".", ":" or "-"');
  return value;
}

/** RTP payload types are 7 bits; 72–76 collide with RTCP packet types (RFC 5761 §4). */
export function requirePayloadType(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 127 || (value >= 72 && value <= 76)) {
    throw invalidArgument(field, 'must be an RTP payload type (0–127, not 72–76)');
  }
  return value;
}

export function requirePort(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw invalidArgument(field, 'must be 1–65535');
  return value;
}

/** Address and port together, or neither (not known yet). */
export function optionalRemote(address: string, port: number): { address: string; port: number } | undefined {
  if (address === '' && port === 0) return undefined;
  if (isIP(address) === 0) throw invalidArgument('remote_address', 'must be an IPv4 or IPv6 address');
  return { address, port: requirePort(port, 'remote_port') };
}

/** A receiver's address and port, both required. */
export function requireDestination(address: string, port: number, field: string): { address: string; port: number } {
  if (isIP(address) === 0) throw invalidArgument(`${field}.destination_address`, 'must be an IPv4 or IPv6 address');
  return { address, port: requirePort(port, `${field}.destination_port`) };
}
