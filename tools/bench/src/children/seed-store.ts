/**
 * Seeds a gateway's store before the gateway starts, in a process of its own, so that the gateway's
 * memory holds what a production process holds (tokens created over months are not in its heap).
 * Through the store API: `BENCH_SEED_TOKENS` tokens sharing one secret — one bcrypt hash, computed here
 * once, serves them all, while each token still costs a real comparison when cold (the verified-token
 * cache is keyed by the whole token) — and the audit outbox of those creations drained, so that no
 * delivery runs while the gateway is measured.
 *
 * Ready message: `{tokens: [{token, owner, id}], seedSeconds}` (the first `BENCH_RETURN_TOKENS`); the
 * process then exits when told to stop.
 */
import { randomUUID } from 'node:crypto';
import { createSecretHasher, openStore } from '@api-token-auth/gateway';
import { tokenCreated } from '@api-token-auth/token-policy';
import { BENCH_ADMIN } from '../bench-product.js';
import { serveCommands } from '../child-process.js';
import { mintToken, randomBase62Text, seededRandom } from '../token-minting.js';

/** A seeded token as the parent sees it. */
export interface SeededToken {
  token: string;
  id: string;
  owner: string;
}

/** The seeding child's ready message. */
export interface SeedReady {
  type: 'ready';
  port: number;
  tokens: SeededToken[];
  seedSeconds: number;
  [key: string]: unknown;
}

/** Owner of the i-th seeded token: token 0 belongs to the admin, the others spread over many users. */
export function ownerOf(index: number): string {
  return index === 0 ? BENCH_ADMIN : `user${index % 10_000}`;
}

async function seed(
  count: number,
  returned: number,
  seedValue: number,
): Promise<{ tokens: SeededToken[]; seconds: number }> {
  const started = performance.now();
  const database = process.env.ATA_DATABASE;
  if (database === undefined) throw new Error('ATA_DATABASE is required');
  const random = seededRandom(seedValue);
  const secret = randomBase62Text(30, random);
  const hasher = createSecretHasher({ cost: Number(process.env.ATA_BCRYPT_COST ?? '10'), workers: 1 });
  const secretHash = await hasher.hash(secret);
  await hasher.close();

  const store = openStore(database);
  const tokens: SeededToken[] = [];
  const ids = new Set<string>();
  try {
    for (let i = 0; i < count; i++) {
      let id = randomBase62Text(12, random);
      while (ids.has(id)) id = randomBase62Text(12, random);
      ids.add(id);
      const owner = ownerOf(i);
      const createdAt = new Date();
      const name = `bench-${i}`;
      await store.tokens.create(
        { id, owner, name, secretHash, createdAt, expiresAt: null, createdBy: owner },
        tokenCreated({
          id: randomUUID(),
          at: createdAt,
          actor: { username: owner },
          subject: owner,
          clientAddress: '127.0.0.1',
          token: { id, name, expiresAt: null },
        }),
      );
      if (i < returned) tokens.push({ token: mintToken(id, secret).token, id, owner });
    }
    // Deliver the creations' audit records now (to nobody) rather than while the gateway is measured.
    const farFuture = new Date(Date.now() + 86_400_000);
    for (
      let due = await store.outbox.due(farFuture, 1000);
      due.length > 0;
      due = await store.outbox.due(farFuture, 1000)
    ) {
      for (const item of due) await store.outbox.complete(item.seq);
    }
  } finally {
    await store.close();
  }
  return { tokens, seconds: (performance.now() - started) / 1000 };
}

const seeded = await seed(
  Number(process.env.BENCH_SEED_TOKENS ?? '1'),
  Number(process.env.BENCH_RETURN_TOKENS ?? '300'),
  Number(process.env.BENCH_SEED_RANDOM ?? '2024'),
);
process.once('SIGTERM', () => process.exit(0));
serveCommands({ type: 'ready', port: 0, tokens: seeded.tokens, seedSeconds: seeded.seconds }, {});
