/**
 * Last use of tokens, kept in memory and written in batches (DESIGN §2: "throttled writes, visible
 * within seconds"), so a busy token costs no write per request.
 */
import type { Logger } from 'pino';
import type { TokenRepository } from '../store/store.js';

/** One pending last-use fact. */
export interface LastUse {
  at: Date;
  /** Canonical client IP (IPv4-mapped shown as IPv4). */
  from: string;
}

export interface LastUseRecorder {
  record(tokenId: string, at: Date, from: string): void;
  /** Not yet written, for listings that want to be current. */
  pending(tokenId: string): LastUse | undefined;
  /** Forget a deleted token's pending use. */
  forget(tokenId: string): void;
  /** Write everything pending now. */
  flush(): Promise<void>;
  /** Stop the timer and flush. */
  stop(): Promise<void>;
}

/** Options of {@link createLastUseRecorder}. */
export interface LastUseRecorderOptions {
  tokens: Pick<TokenRepository, 'recordLastUse'>;
  /** Default 2 s. */
  intervalMs?: number;
  logger?: Logger;
}

/**
 * @example
 * ```ts
 * const lastUse = createLastUseRecorder({ tokens: store.tokens });
 * lastUse.record(tokenId, new Date(), '10.0.0.1'); // written within ~2 s
 * await lastUse.stop();
 * ```
 */
export function createLastUseRecorder(options: LastUseRecorderOptions): LastUseRecorder {
  let pending = new Map<string, LastUse>();
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: Map<string, LastUse>): Promise<void> {
    if (batch.size === 0) return;
    const uses = [...batch].map(([id, use]) => ({ id, at: use.at, from: use.from }));
    try {
      await options.tokens.recordLastUse(uses);
    } catch (error) {
      // Put the batch back (newer uses win) so a transient storage error loses nothing.
      for (const [id, use] of batch) if (!pending.has(id)) pending.set(id, use);
      options.logger?.warn({ err: error, count: uses.length }, 'recording token last use failed; will retry');
    }
  }

  function flush(): Promise<void> {
    const batch = pending;
    pending = new Map();
    flushing = flushing.then(() => write(batch));
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.intervalMs ?? 2_000);
  timer.unref();

  return {
    record(tokenId, at, from) {
      const use = pending.get(tokenId);
      // A busy token updates its pending use in place: no allocation per request.
      if (use === undefined) pending.set(tokenId, { at, from });
      else {
        use.at = at;
        use.from = from;
      }
    },
    pending: (tokenId) => pending.get(tokenId),
    forget(tokenId) {
      pending.delete(tokenId);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
