/**
 * `npm start`: a sandbox product with the real adapter bin in front of it, data in ./.data/.
 * Usage: node tools/sandbox/dist/demo.js [--product jira|confluence]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startConfluenceSandbox, startJiraSandbox } from './index.js';

const { values } = parseArgs({ options: { product: { type: 'string', default: 'jira' } } });
const product = values.product;
if (product !== 'jira' && product !== 'confluence') {
  console.error(`--product must be "jira" or "confluence", not "${product}"`);
  process.exit(2);
}

const identitySecret = randomBytes(24).toString('hex');
const sandbox =
  product === 'jira'
    ? await startJiraSandbox({ identitySecret, version: '9.12.0' })
    : await startConfluenceSandbox({ identitySecret });

const require = createRequire(import.meta.url);
const adapterPackage = `@api-token-auth/${product}-adapter/package.json`;
const bin = resolve(dirname(require.resolve(adapterPackage)), 'dist/main.js');
const dataDir = resolve(process.cwd(), '.data');
mkdirSync(dataDir, { recursive: true });

const adapter = spawn(process.execPath, [bin], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    ATA_UPSTREAM_URL: sandbox.url,
    ATA_HOST: process.env.ATA_HOST ?? '127.0.0.1',
    ATA_PORT: process.env.ATA_PORT ?? '8080',
    ATA_DATABASE: process.env.ATA_DATABASE ?? `sqlite:${resolve(dataDir, `${product}.db`)}`,
    ATA_SERVICE_USER: 'admin',
    ATA_SERVICE_PASSWORD: 'admin',
    ATA_IDENTITY_SECRET: identitySecret,
  },
});

let announced = false;
adapter.stdout.setEncoding('utf8');
adapter.stdout.on('data', (chunk: string) => {
  process.stdout.write(chunk);
  const match = /listening on (http:\/\/\S+)/.exec(chunk);
  if (match && !announced) {
    announced = true;
    announce(match[1] + new URL(sandbox.url).pathname.replace(/\/$/, ''));
  }
});

function announce(gatewayUrl: string): void {
  const api = `${gatewayUrl}/rest/api-token-auth/1.0`;
  const resource = product === 'jira' ? '/rest/api/2/issue/DEMO-1' : '/rest/api/content/1001';
  console.log(`
Sandbox ${product === 'jira' ? 'Jira' : 'Confluence'}: ${sandbox.url}
Gateway (use this one): ${gatewayUrl}
  Your tokens:  ${gatewayUrl}/plugins/servlet/api-token-auth/tokens
  Admin page:   ${gatewayUrl}/plugins/servlet/api-token-auth/admin
  Log in:       ${gatewayUrl}${product === 'jira' ? '/login.jsp' : '/login.action'}
Demo users: admin/admin (administrator), alice/alice, bob/bob (inactive)

Create a token for alice and use it:
  TOKEN=$(curl -s -u alice:alice -H 'Content-Type: application/json' -d '{"name":"demo"}' ${api}/tokens | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -u alice:$TOKEN ${gatewayUrl}${resource}
Press Ctrl+C to stop.`);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  adapter.kill('SIGTERM');
  await new Promise((done) => adapter.once('exit', done));
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
adapter.on('exit', (code) => {
  if (!stopping) {
    console.error(`adapter exited with code ${code}`);
    void sandbox.close().then(() => process.exit(code ?? 1));
  }
});
