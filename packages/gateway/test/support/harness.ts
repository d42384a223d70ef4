/**
 * Starts the real thing for a test file: an echo upstream, the fake product, and the gateway on port
 * 0 with SQLite in a temporary directory. `call` drives it over real HTTP (undici), optionally from
 * another loopback address.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Agent, request } from 'undici';
import { parseGatewayConfig, type GatewayConfig } from '../../src/config/gateway-config.js';
import {
  startGateway,
  type GatewayTuning,
  type RunningGateway,
  type StartGatewayOptions,
} from '../../src/gateway.js';
import { createLogger, flushAccessLines } from '../../src/log/logger.js';
import { startEchoUpstream, type EchoUpstream, type EchoedRequest } from './echo-upstream.js';
import { createFakeProduct, type FakeProduct } from './fake-product.js';

export interface CallOptions {
  method?: string;
  /** Object, or a flat `[name, value, …]` list to send repeated headers / exact spellings. */
  headers?: Record<string, string> | string[];
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Bind the client to this loopback address (127.0.0.2 …). */
  from?: string;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Harness {
  gateway: RunningGateway;
  product: FakeProduct;
  upstream: EchoUpstream;
  config: GatewayConfig;
  dataDir: string;
  logLines: string[];
  /** Shifts the gateway's clock forward. */
  advance(ms: number): void;
  call(pathname: string, options?: CallOptions): Promise<CallResult>;
  /** The upstream's view of the last request it received. */
  lastUpstream(): EchoedRequest | undefined;
  /** Stop the gateway only (keeping the database, product and upstream) and start it again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  contextPath?: string;
  env?: Record<string, string>;
  tuning?: GatewayTuning;
  createUi?: StartGatewayOptions['createUi'];
}

export function basic(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`, 'utf8').toString('base64')}`;
}

export const cookieChange = { 'x-atlassian-token': 'no-check' };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const product = createFakeProduct();
  const upstream = await startEchoUpstream(product);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ata-gateway-test-'));
  const contextPath = options.contextPath ?? '';
  const parsed = parseGatewayConfig(
    {
      ATA_UPSTREAM_URL: `${upstream.url}${contextPath}`,
      ATA_HOST: '127.0.0.1',
      ATA_PORT: '0',
      ATA_DATABASE: `sqlite:${path.join(dataDir, 'gateway.db')}`,
      ATA_SERVICE_USER: 'service',
      ATA_SERVICE_PASSWORD: 'service-password',
      ATA_BCRYPT_COST: '4',
      ATA_LOG_LEVEL: 'info',
      ...options.env,
    },
    { productKey: 'test', defaultAdminGroups: product.defaultAdminGroups },
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const config = parsed.config;
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const tuning: GatewayTuning = {
    lastUseFlushMs: 200,
    settingsRefreshMs: 0,
    hasherWorkers: 1,
    drainMs: 2000,
    ...options.tuning,
  };
  const start = () =>
    startGateway({
      config,
      product,
      logger,
      clock,
      tuning,
      ...(options.createUi === undefined ? {} : { createUi: options.createUi }),
    });
  let gateway = await start();
  const agents = new Map<string, Agent>();

  function agentFor(from: string | undefined): Agent | undefined {
    if (from === undefined) return undefined;
    let agent = agents.get(from);
    if (agent === undefined) {
      agent = new Agent({ localAddress: from });
      agents.set(from, agent);
    }
    return agent;
  }

  const harness: Harness = {
    get gateway() {
      return gateway;
    },
    product,
    upstream,
    config,
    dataDir,
    /** Every line so far, access lines still waiting in their batch included. */
    get logLines() {
      flushAccessLines(logger);
      return logLines;
    },
    advance(ms) {
      offsetMs += ms;
    },
    async call(pathname, call = {}) {
      const body =
        call.body === undefined
          ? undefined
          : typeof call.body === 'string'
            ? call.body
            : JSON.stringify(call.body);
      let headers = call.headers ?? {};
      if (
        body !== undefined &&
        typeof call.body !== 'string' &&
        !Array.isArray(headers) &&
        headers['content-type'] === undefined
      ) {
        headers = { ...headers, 'content-type': 'application/json' };
      }
      const dispatcher = agentFor(call.from);
      const response = await request(`http://127.0.0.1:${gateway.port}${pathname}`, {
        method: (call.method ?? 'GET') as 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      });
      const text = await response.body.text();
      return {
        status: response.statusCode,
        headers: response.headers,
        text,
        json: () => JSON.parse(text),
      };
    },
    lastUpstream: () => upstream.received.at(-1),
    async restart() {
      await gateway.close();
      gateway = await start();
    },
    async close() {
      await gateway.close();
      for (const agent of agents.values()) await agent.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
