import type { RouteContext, StoredAuditRecord } from './product.js';
import type { SandboxUser } from '../types.js';

/** Keeps one received legacy audit record: as received for tests, and with its metadata for read-back. */
export function storeAuditRecord(
  ctx: RouteContext,
  received: unknown,
  body: Record<string, unknown>,
): StoredAuditRecord {
  ctx.state.auditRecords.push(received);
  const stored: StoredAuditRecord = {
    id: ctx.state.storedAudit.length + 1,
    body,
    author: ctx.caller as SandboxUser,
    remoteAddress: ctx.req.socket.remoteAddress ?? '',
    receivedAt: ctx.state.now(),
  };
  ctx.state.storedAudit.push(stored);
  return stored;
}

/** Newest first, as both products list their audit logs. */
export function newestFirst(ctx: RouteContext): StoredAuditRecord[] {
  return [...ctx.state.storedAudit].reverse();
}
