/**
 * Micro benchmark of the IP allow-list (issue 2): 10,000 mixed rules, look-ups per second of the
 * compiled list (sorted, merged ranges + binary search) next to a linear scan over the same parsed
 * rules, measured in the same run so the ratio does not depend on the machine.
 *
 * Run: `npx tsx --conditions=@api-token-auth/source src/allow-list.bench.ts` (in tools/bench).
 */
import { pathToFileURL } from 'node:url';
import { parseClientAddress, parseIpAllowList, parseIpRule, type IpRule } from '@api-token-auth/token-policy';

export interface AllowListBenchOptions {
  /** Number of rules (default 10,000). */
  rules?: number;
  /** Distinct client addresses cycled through (default 10,000). */
  queries?: number;
  /** Measuring time per contender in ms (default 2,000), after a warm-up of a sixth of it. */
  durationMs?: number;
  /** PRNG seed, so that runs are comparable (default 2024). */
  seed?: number;
}

export interface Throughput {
  name: string;
  lookups: number;
  seconds: number;
  lookupsPerSecond: number;
}

export interface AllowListBenchResult {
  rules: number;
  ruleMix: Record<string, number>;
  compileMs: number;
  queries: number;
  allowedShare: number;
  compiled: Throughput;
  linearScan: Throughput;
  /** compiled ÷ linear scan look-ups per second. */
  speedup: number;
}

/** mulberry32: a tiny seeded PRNG. The benchmark must be repeatable, not cryptographic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const v4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const v6 = (groups: number[]) => groups.map((g) => g.toString(16)).join(':');

function generateRules(
  count: number,
  random: () => number,
): { rules: string[]; mix: Record<string, number> } {
  const int = (max: number) => Math.floor(random() * max);
  const mix: Record<string, number> = {};
  const rules: string[] = [];
  for (let i = 0; i < count; i++) {
    const pick = random();
    let kind: string;
    let rule: string;
    // Rules live mostly in 10.0.0.0/8 and 2001:db8::/32 so that look-ups hit and miss alike.
    const base4 = 0x0a000000 + int(0x01000000);
    if (pick < 0.4) {
      kind = 'IPv4 address';
      rule = v4(base4);
    } else if (pick < 0.65) {
      kind = 'IPv4 CIDR';
      const prefix = 20 + int(13);
      const size = 2 ** (32 - prefix);
      rule = `${v4(Math.floor(base4 / size) * size)}/${prefix}`;
    } else if (pick < 0.8) {
      kind = 'IPv4 range';
      rule = `${v4(base4)}-${v4(Math.min(base4 + int(64), 0xffffffff))}`;
    } else {
      const groups = [0x2001, 0xdb8, int(16), int(65536), 0, 0, int(65536), int(65536)];
      const p = random();
      if (p < 0.4) {
        kind = 'IPv6 address';
        rule = v6(groups);
      } else if (p < 0.7) {
        kind = 'IPv6 CIDR';
        rule = `${v6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
      } else {
        kind = 'IPv6 range';
        const last = [...groups];
        last[7] = Math.min(65535, (groups[7] as number) + int(256));
        rule = `${v6(groups)}-${v6(last)}`;
      }
    }
    mix[kind] = (mix[kind] ?? 0) + 1;
    rules.push(rule);
  }
  return { rules, mix };
}

/**
 * `count` mixed allow-list rules (the same generator as the micro benchmark), for the gateway's
 * 10,000-rule load case.
 *
 * @example
 * ```ts
 * const rules = [...generateAllowListRules(9_999), '127.0.0.1'];
 * ```
 */
export function generateAllowListRules(count: number, seed = 2024): string[] {
  return generateRules(count, prng(seed)).rules;
}

const v6FromValue = (value: bigint) =>
  v6(Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn)));

/** Half of the queries fall inside a random rule, half anywhere nearby: hits and misses alike. */
function generateQueries(count: number, rules: readonly IpRule[], random: () => number): string[] {
  const int = (max: number) => Math.floor(random() * max);
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const pick = random();
    if (pick < 0.5) {
      const rule = rules[int(rules.length)] as IpRule;
      if (rule.family === 4) {
        const value = rule.start + int(rule.end - rule.start + 1);
        queries.push(random() < 0.2 ? `::ffff:${v4(value)}` : v4(value));
      } else {
        const span = rule.end - rule.start;
        queries.push(
          v6FromValue(rule.start + (span === 0n ? 0n : BigInt(int(Number(span > 1000n ? 1000n : span))))),
        );
      }
    } else if (pick < 0.75) queries.push(v4(0x0a000000 + int(0x01000000)));
    else if (pick < 0.8) queries.push(`::ffff:${v4(0x0a000000 + int(0x01000000))}`);
    else if (pick < 0.85) queries.push(v4(int(0x100000000)));
    else queries.push(v6([0x2001, 0xdb8, int(16), int(65536), 0, 0, int(65536), int(65536)]));
  }
  return queries;
}

/** The baseline: the same strict client parsing, then every rule in turn. */
function linearScan(rules: readonly IpRule[]): (ip: string) => boolean {
  return (ip) => {
    const client = parseClientAddress(ip);
    if (client === null) return false;
    for (const rule of rules) {
      if (rule.family === client.family && rule.start <= client.value && client.value <= rule.end)
        return true;
    }
    return false;
  };
}

function measure(
  name: string,
  allows: (ip: string) => boolean,
  queries: readonly string[],
  durationMs: number,
): Throughput {
  const run = (ms: number) => {
    let lookups = 0;
    let sink = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      // Check the clock once per 64 look-ups so the clock does not dominate the fast contender.
      for (let i = 0; i < 64; i++) {
        if (allows(queries[(lookups + i) % queries.length] as string)) sink++;
      }
      lookups += 64;
      elapsed = performance.now() - started;
    }
    return { lookups, seconds: elapsed / 1000, sink };
  };
  run(durationMs / 6);
  const { lookups, seconds } = run(durationMs);
  return { name, lookups, seconds, lookupsPerSecond: lookups / seconds };
}

/** Runs the benchmark and returns the figures (nothing printed). */
export function runAllowListBench(options: AllowListBenchOptions = {}): AllowListBenchResult {
  const {
    rules: ruleCount = 10_000,
    queries: queryCount = 10_000,
    durationMs = 2_000,
    seed = 2024,
  } = options;
  const random = prng(seed);
  const { rules, mix } = generateRules(ruleCount, random);

  const compileStarted = performance.now();
  const parsed = parseIpAllowList(rules);
  const compileMs = performance.now() - compileStarted;
  if (!parsed.ok) throw new Error(`generated an invalid rule: ${JSON.stringify(parsed.errors[0])}`);

  const parsedRules = rules.map((text) => {
    const result = parseIpRule(text);
    if (!result.ok) throw new Error(result.message);
    return result.rule;
  });
  const scan = linearScan(parsedRules);
  const queries = generateQueries(queryCount, parsedRules, random);

  // Both contenders must agree on every query, or the comparison is meaningless.
  let allowed = 0;
  for (const ip of queries) {
    const expected = scan(ip);
    if (parsed.list.allows(ip) !== expected)
      throw new Error(`compiled list and linear scan disagree on ${ip}`);
    if (expected) allowed++;
  }

  const compiled = measure('compiled (binary search)', (ip) => parsed.list.allows(ip), queries, durationMs);
  const linear = measure('linear scan', scan, queries, durationMs);
  return {
    rules: ruleCount,
    ruleMix: mix,
    compileMs,
    queries: queryCount,
    allowedShare: allowed / queries.length,
    compiled,
    linearScan: linear,
    speedup: compiled.lookupsPerSecond / linear.lookupsPerSecond,
  };
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');

/** A human-readable report of {@link runAllowListBench}. */
export function formatAllowListBench(result: AllowListBenchResult): string {
  const mix = Object.entries(result.ruleMix)
    .map(([kind, count]) => `${kind} ${format(count)}`)
    .join(', ');
  const rows = [result.compiled, result.linearScan].map(
    (t) =>
      `  ${t.name.padEnd(26)} ${format(t.lookupsPerSecond).padStart(12)} look-ups/s  (${format(t.lookups)} in ${t.seconds.toFixed(2)} s)`,
  );
  return [
    `IP allow-list: ${format(result.rules)} rules (${mix})`,
    `  compiled in ${result.compileMs.toFixed(1)} ms; ${format(result.queries)} client addresses, ${(result.allowedShare * 100).toFixed(0)}% allowed`,
    ...rows,
    `  speed-up: ${result.speedup.toFixed(0)}× (compiled ÷ linear scan, same run)`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatAllowListBench(runAllowListBench()));
}
