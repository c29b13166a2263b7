// Who may act on what (ARCHITECTURE.md §7): agents on themselves and their own interactions, supervisors on the
// agents and queues of their own site, admins on everything. An agent's routing id is the user name it logs in with.
import type { Principal } from './principal.js';

export function isAdmin(principal: Principal): boolean {
  return principal.roles.has('admin');
}

/** Supervisors of the site (and admins) may watch and steer what happens there. */
export function canSuperviseSite(principal: Principal, site: string): boolean {
  return isAdmin(principal) || (principal.roles.has('supervisor') && principal.site === site);
}

/** The agent itself, a supervisor of the agent's site, or an admin. */
export function canActOnAgent(principal: Principal, agent: { id: string; siteId: string }): boolean {
  if (principal.roles.has('agent') && principal.username === agent.id) return true;
  return canSuperviseSite(principal, agent.siteId);
}
