/**
 * `npm run bench`: every benchmark of the repository, one after the other. Each reports its figures
 * next to a baseline measured in the same run, and each target of issue 6 as `met` or `MISSED`.
 *
 * `npm run bench -- --only table,cold` runs some sections: allow-list, table, cold, brute-force,
 * large-store, streaming. Durations and sizes come from `BENCH_*` variables (see README).
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { formatAllowListBench, runAllowListBench } from './allow-list.bench.js';
import { startBenchEnvironment, type BenchEnvironment } from './bench-environment.js';
import { childMode } from './child-process.js';
import { runBruteForceCheck } from './checks/brute-force.js';
import { runColdTokenCheck } from './checks/cold-tokens.js';
import { runLargeStoreCheck } from './checks/large-store.js';
import { runStreamingCheck } from './checks/streaming.js';
import { runProxyTable } from './proxy-overhead.bench.js';
import { readBenchSettings } from './settings.js';
import { formatVerdicts, type Verdict } from './verdict.js';

interface Section {
  name: string;
  run: (env: () => Promise<BenchEnvironment>) => Promise<{ text: string; verdicts?: Verdict[] }>;
}

const sections: Section[] = [
  { name: 'allow-list', run: () => Promise.resolve({ text: formatAllowListBench(runAllowListBench()) }) },
  { name: 'table', run: async (env) => runProxyTable(await env()) },
  { name: 'cold', run: async (env) => runColdTokenCheck(await env()) },
  { name: 'brute-force', run: async (env) => runBruteForceCheck(await env()) },
  { name: 'large-store', run: async (env) => runLargeStoreCheck(await env()) },
  { name: 'streaming', run: async (env) => runStreamingCheck(await env()) },
];

function selectedSections(argv: readonly string[]): Section[] {
  const at = argv.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at === -1) return sections;
  const value = argv[at]?.includes('=') ? argv[at]?.split('=')[1] : argv[at + 1];
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !sections.some((section) => section.name === name));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes a comma-separated list of: ${sections.map((s) => s.name).join(', ')}`);
  }
  return sections.filter((section) => names.includes(section.name));
}

const settings = readBenchSettings(process.env);
const chosen = selectedSections(process.argv.slice(2));
const cpu = cpus();
console.log(
  [
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free), Node ${process.version}, ${process.platform} ${(await import('node:os')).release()}`,
    `Load average at start: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(
        ' ',
      )}; servers run from ${childMode() === 'dist' ? 'the build (plain node)' : 'the TypeScript sources under tsx (RSS includes the loader)'}`,
    '',
  ].join('\n'),
);

let environment: Promise<BenchEnvironment> | undefined;
const env = () => (environment ??= startBenchEnvironment(settings));
const verdicts: Verdict[] = [];
let failed = false;
try {
  for (const section of chosen) {
    const started = performance.now();
    try {
      const report = await section.run(env);
      console.log(report.text);
      if (report.verdicts !== undefined && report.verdicts.length > 0) {
        console.log(formatVerdicts(report.verdicts));
        verdicts.push(...report.verdicts);
      }
    } catch (error) {
      failed = true;
      console.log(
        `${section.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    console.log(`  (${section.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
} finally {
  if (environment !== undefined) await (await environment).close();
}
if (verdicts.length > 0) {
  const missed = verdicts.filter((verdict) => !verdict.met);
  console.log(
    `Targets: ${verdicts.length - missed.length} of ${verdicts.length} met; load average now ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  if (missed.length > 0) console.log(formatVerdicts(missed));
}
if (failed) process.exitCode = 1;
