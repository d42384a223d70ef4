import type { AuditEvent } from '@api-token-auth/token-policy';
import type { ProductAuditDelivery } from '@api-token-auth/product-port';
import type { OutboxRepository, Store } from '../store/store.js';

/** The slice of a pino logger the worker uses. */
export interface OutboxWorkerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Options of {@link startOutboxWorker}. */
export interface OutboxWorkerOptions {
  /** The store whose outbox is drained; its `onAuditAppended`, when present, wakes the worker up. */
  store: Pick<Store, 'outbox' | 'onAuditAppended'>;
  /**
   * Hand one event to the product. Resolve `'delivered'` or `'unsupported'` (both complete the item);
   * throw on a transient failure (retried with backoff). Must time out by itself: `stop()` waits for
   * a delivery in flight.
   */
  deliver: (event: AuditEvent) => Promise<ProductAuditDelivery>;
  /** Current time; defaults to the system clock. */
  clock?: () => Date;
  /** Uniform in [0, 1), for the backoff jitter; defaults to `Math.random`. */
  random?: () => number;
  logger?: OutboxWorkerLogger;
  /** Items fetched per query (default 50). */
  batchSize?: number;
  /** Delay after the first failure (default 1 s); doubles with each further failure. */
  baseDelayMs?: number;
  /** Longest delay between attempts (default 5 min). */
  maxDelayMs?: number;
  /** Poll interval when nothing wakes the worker (default 1 s). */
  pollIntervalMs?: number;
}

/** A running outbox worker. */
export interface OutboxWorker {
  /** Deliver everything currently due, then resolve (also after a transient failure, which is rescheduled). */
  flush(): Promise<void>;
  /** Stop polling, finish the delivery in flight, deliver what is due one last time. Idempotent. */
  stop(): Promise<void>;
  /** Items still waiting in the outbox. */
  backlog(): Promise<number>;
  /** New records were appended: run a pass soon instead of at the next poll. */
  notify(): void;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failed attempts: exponential from `baseDelayMs`,
 * capped at `maxDelayMs`, with "equal jitter" — uniformly in [half, full] of that — so that several
 * gateways recovering from one outage do not retry in lockstep, yet never retry at once.
 *
 * @example
 * ```ts
 * retryDelayMs(1, { baseDelayMs: 1000, maxDelayMs: 300_000, random: () => 0 }); // 500
 * retryDelayMs(3, { baseDelayMs: 1000, maxDelayMs: 300_000, random: () => 0 }); // 2000
 * ```
 */
export function retryDelayMs(
  attempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jitter = Math.min(Math.max(options.random(), 0), 1);
  return Math.max(1, Math.round(exponential / 2 + (jitter * exponential) / 2));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Start forwarding the outbox to the product's audit log: at least once, strictly in sequence order.
 * A pass takes the due items oldest first and stops at the first transient failure (rescheduled with
 * {@link retryDelayMs}), so no later record — of the same subject or any other — overtakes it. An item
 * is removed only after `deliver` resolved. Passes never overlap; a wake-up during a pass runs one
 * more pass after it.
 *
 * @example
 * ```ts
 * const worker = startOutboxWorker({
 *   store,
 *   deliver: (event) => product.deliverAudit(toProductAuditRecord(event)),
 *   logger,
 * });
 * // on SIGTERM, after the server stopped taking requests:
 * await worker.stop();
 * await store.close();
 * ```
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const outbox: OutboxRepository = options.store.outbox;
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 50;
  const backoff = {
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 300_000,
    random,
  };
  const logger = options.logger;

  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  /** One pass: deliver due items until none is due or one fails. */
  async function drain(): Promise<void> {
    for (;;) {
      const items = await outbox.due(clock(), batchSize);
      for (const item of items) {
        let outcome: ProductAuditDelivery;
        try {
          outcome = await options.deliver(item.event);
        } catch (error) {
          const attempt = item.attempts + 1;
          const next = new Date(clock().getTime() + retryDelayMs(attempt, backoff));
          await outbox.retryLater(item.seq, next, errorMessage(error));
          logger?.warn(
            {
              seq: item.seq,
              eventId: item.event.id,
              type: item.event.type,
              attempt,
              nextAttemptAt: next,
              err: error,
            },
            'audit delivery to the product failed; will retry',
          );
          return;
        }
        await outbox.complete(item.seq);
        if (outcome === 'unsupported') {
          logger?.info(
            { seq: item.seq, eventId: item.event.id },
            'product has no writable audit log; kept locally',
          );
        }
      }
      if (items.length < batchSize) return;
    }
  }

  function pass(): Promise<void> {
    if (running !== null) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (error) {
          // A store failure ends the pass; the items stay and the next pass retries them.
          logger?.error({ err: error }, 'audit outbox pass failed');
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function wake(): void {
    if (stopped) return;
    setImmediate(() => {
      if (!stopped) void pass();
    });
  }

  const unsubscribe = options.store.onAuditAppended?.(wake);
  const timer = setInterval(() => void pass(), options.pollIntervalMs ?? 1000);
  // The poll must not keep a process alive that has nothing else to do.
  timer.unref();
  wake();

  let stopping: Promise<void> | null = null;

  return {
    flush: pass,
    notify: wake,
    backlog: () => outbox.backlog(),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(timer);
        unsubscribe?.();
        await pass();
      })();
      return stopping;
    },
  };
}
