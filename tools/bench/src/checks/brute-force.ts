/**
 * Issue 6 "Brute force": 1,000 wrong secrets for one real token id from one address, sent
 * concurrently as an attacker would. At most the lockout threshold (`failedLogins.maxAttempts`) of
 * bcrypt comparisons may run; every other attempt gets 429 without one.
 */
import type { BenchEnvironment } from '../bench-environment.js';
import { mintToken, randomBase62Text, seededRandom } from '../token-minting.js';
import type { Verdict } from '../verdict.js';
import { sendAll, statusSummary } from './concurrent-requests.js';

const ATTEMPTS = 1000;

/**
 * @example
 * ```ts
 * const { text, verdicts } = await runBruteForceCheck(env);
 * ```
 */
export async function runBruteForceCheck(
  env: BenchEnvironment,
): Promise<{ text: string; verdicts: Verdict[] }> {
  const concurrency = Number(process.env.BENCH_BRUTE_CONCURRENCY ?? '20');
  const gateway = await env.startGateway('brute-force');
  const [admin, victim] = gateway.tokens;
  if (admin === undefined || victim === undefined)
    throw new Error('the brute-force gateway has too few tokens');
  const settings = (await (
    await fetch(`${gateway.url}/rest/api-token-auth/1.0/admin/settings`, {
      headers: { authorization: `Bearer ${admin.token}` },
    })
  ).json()) as { failedLogins: { maxAttempts: number } };
  const maxAttempts = settings.failedLogins.maxAttempts;

  const random = seededRandom(7);
  const guesses = Array.from(
    { length: ATTEMPTS },
    () => mintToken(victim.id, randomBase62Text(30, random)).token,
  );
  const before = await gateway.bcryptComparisons();
  const started = performance.now();
  const answers = await sendAll(
    guesses.map((token) => ({
      url: `${gateway.url}/rest/api/2/myself`,
      headers: { authorization: `Bearer ${token}` },
    })),
    concurrency,
  );
  const seconds = (performance.now() - started) / 1000;
  const compared = (await gateway.bcryptComparisons()) - before;
  const lockouts = await gateway.metric('ata_lockouts_total');
  await gateway.stop();

  const refused = answers.filter((answer) => answer.status === 429).length;
  const unauthorised = answers.filter((answer) => answer.status === 401).length;
  return {
    text: [
      `Brute force: ${ATTEMPTS} wrong secrets for one real token id from 127.0.0.1, ${concurrency} at a time (maxAttempts ${maxAttempts})`,
      `  answers: ${statusSummary(answers)} in ${seconds.toFixed(1)} s; bcrypt comparisons: ${compared}; ata_lockouts_total ${lockouts}`,
    ].join('\n'),
    verdicts: [
      {
        target: `brute force: at most maxAttempts (${maxAttempts}) bcrypt comparisons, then 429 without any`,
        met:
          compared <= maxAttempts && refused + unauthorised === ATTEMPTS && refused >= ATTEMPTS - maxAttempts,
        detail: `${compared} comparisons, ${unauthorised} × 401, ${refused} × 429`,
      },
    ],
  };
}
