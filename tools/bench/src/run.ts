/**
 * `npm run bench`: every benchmark of the repository, one after the other. Each reports its figures
 * next to a baseline measured in the same run.
 */
import { formatAllowListBench, runAllowListBench } from './allow-list.bench.js';

const benches: Array<{ name: string; run: () => Promise<string> | string }> = [
  { name: 'allow-list', run: () => formatAllowListBench(runAllowListBench()) },
];

for (const bench of benches) {
  const started = performance.now();
  console.log(await bench.run());
  console.log(`  (${bench.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
