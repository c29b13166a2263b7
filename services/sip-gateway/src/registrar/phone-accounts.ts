// The SIP accounts of agents who use desk or soft phones: a username (the user part of the address of record,
// sip:<username>@<SIP_DOMAIN>), the digest password the phone registers with, and the agent it belongs to. Loaded
// from SIP_PHONE_ACCOUNTS (JSON) and validated; a bad entry is named by its path.
import { z } from 'zod';

export const phoneAccountSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lower-case letters, digits, ., _ or -'),
  /** The digest password; long, as phones store it and attackers guess it offline from captured REGISTERs. */
  password: z.string().min(12),
  /** Routing's Agent.id: offers to this agent ring the phone. */
  agentId: z.string().min(1).max(256),
});

export const phoneAccountsSchema = z.array(phoneAccountSchema).superRefine((accounts, context) => {
  const seen = new Set<string>();
  accounts.forEach((account, i) => {
    if (seen.has(account.username)) context.addIssue({ code: 'custom', path: [i, 'username'], message: 'is taken' });
    seen.add(account.username);
  });
});

export type PhoneAccount = z.output<typeof phoneAccountSchema>;

export class PhoneAccounts {
  private readonly byUsername: Map<string, PhoneAccount>;

  constructor(accounts: readonly PhoneAccount[]) {
    this.byUsername = new Map(accounts.map((account) => [account.username, account]));
  }

  get size(): number {
    return this.byUsername.size;
  }

  find(username: string): PhoneAccount | undefined {
    return this.byUsername.get(username);
  }

  /** The agent's account (one per agent: an agent has one phone number to ring). */
  findByAgent(agentId: string): PhoneAccount | undefined {
    for (const account of this.byUsername.values()) if (account.agentId === agentId) return account;
    return undefined;
  }
}
