import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createAccessLog,
  createLogger,
  flushAccessLines,
  logAccess,
  pathForLog,
  type AccessLogEntry,
} from './logger.js';
import { createAccessLineEncoder } from './access-line.js';

/** A destination that keeps what pino writes, as text. */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/**
 * The access line of `entry` from `createLogger`'s batch and from pino itself (`logAccess`), with the
 * same base fields; `time` masked, as the two are written at different instants.
 */
function fastAndPinoLines(entry: AccessLogEntry, product: string): { fast: string; pino: string } {
  const fast = capture();
  const slow = capture();
  const fastLogger = createLogger({ destination: fast.stream, base: { product } });
  const slowLogger = pino(
    { base: { service: 'api-token-auth', product }, timestamp: pino.stdTimeFunctions.isoTime },
    slow.stream,
  );
  createAccessLog(fastLogger)(entry);
  logAccess(slowLogger, entry);
  flushAccessLines(fastLogger);
  const withoutTime = (text: string) => text.replace(/"time":"[^"]+"/, '"time":"T"');
  return { fast: withoutTime(fast.text()), pino: withoutTime(slow.text()) };
}

/** Lines encoded one after the other by one encoder, as text. */
function encodedLines(entries: Array<[epochMs: number, entry: AccessLogEntry]>, bindings = ''): string[] {
  const encoder = createAccessLineEncoder(bindings);
  for (const [epochMs, entry] of entries) encoder.append(epochMs, entry);
  return lines(encoder.take().toString('utf8'));
}

const ENTRY: AccessLogEntry = {
  method: 'GET',
  path: '/rest/api/2/issue/X-1',
  status: 200,
  outcome: 'forward-as-user',
  ms: 3.14159,
  clientIp: '10.0.0.7',
  user: 'alice',
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createAccessLog', () => {
  test.each<[string, AccessLogEntry]>([
    ['a plain line', ENTRY],
    ['nulls', { ...ENTRY, clientIp: null, user: null }],
    [
      'text that needs escaping',
      { ...ENTRY, path: '/a"b\\c\u0001\ud800é', user: 'DOMAIN\\Zoë "quoted"', outcome: 'TOKEN_INVALID' },
    ],
    ['a 5xx with a long time', { ...ENTRY, status: 502, ms: 123456.789 }],
  ])('writes %s exactly as pino would (fields, order, JSON)', (_name, entry) => {
    const written = fastAndPinoLines(entry, 'jira');
    expect(lines(written.fast)).toHaveLength(1);
    expect(written.fast).toBe(written.pino);
    const [fastLine] = lines(written.fast);
    expect(JSON.parse(fastLine ?? '')).toMatchObject({
      level: 30,
      msg: 'request',
      service: 'api-token-auth',
    });
  });

  test('stamps a line with a time Date.parse reads', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    createAccessLog(logger)(ENTRY);
    flushAccessLines(logger);
    expect(Date.parse((JSON.parse(lines(out.text())[0] ?? '') as { time: string }).time)).not.toBeNaN();
  });

  test('writes any text exactly as pino would: escapes, characters beyond ASCII, long fields', () => {
    // Lone surrogates are left out here: pino writes them raw (they reach the file as U+FFFD), the
    // encoder escapes them (`\ud800`), keeping the line valid UTF-8 and the value intact (next test).
    const loneSurrogate = /[\ud800-\udfff]/u;
    const text = fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u007f', 'é', '😀'), maxLength: 3_000 }),
      )
      .filter((value) => !loneSurrogate.test(value));
    fc.assert(
      fc.property(
        fc.record({
          method: text,
          path: text,
          status: fc.integer({ min: 100, max: 999 }),
          outcome: text,
          ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
          clientIp: fc.option(text),
          user: fc.option(text),
        }),
        (entry) => {
          const written = fastAndPinoLines(entry, 'zoë');
          expect(written.fast).toBe(written.pino);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a lone surrogate is written as a JSON escape', () => {
    const [line] = encodedLines([[0, { ...ENTRY, path: '/a\ud800b', user: '\udc00' }]]);
    expect(line).toContain('"path":"/a\\ud800b"');
    expect(JSON.parse(line ?? '')).toMatchObject({ path: '/a\ud800b', user: '\udc00' });
  });

  test('a line longer than the encoder’s buffer is written whole', () => {
    const user = 'Zoë 😀 '.repeat(20_000);
    const [line] = encodedLines([[0, { ...ENTRY, user }]]);
    expect(JSON.parse(line ?? '')).toMatchObject({ user, path: ENTRY.path, msg: 'request' });
  });

  test('stamps lines with the wall-clock time, to the millisecond', async () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    const access = createAccessLog(logger);
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      access(ENTRY);
      const after = Date.now();
      flushAccessLines(logger);
      const stamped = Date.parse((JSON.parse(lines(out.text()).at(-1) ?? '') as { time: string }).time);
      expect(stamped).toBeGreaterThanOrEqual(before - 1);
      expect(stamped).toBeLessThanOrEqual(after + 1);
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
  });

  test('batches lines and writes them within 100 ms', async () => {
    vi.useFakeTimers();
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    const access = createAccessLog(logger);
    access(ENTRY);
    access({ ...ENTRY, path: '/second' });
    expect(out.text()).toBe('');
    await vi.advanceTimersByTimeAsync(100);
    expect(lines(out.text()).map((line) => (JSON.parse(line) as { path: string }).path)).toEqual([
      ENTRY.path,
      '/second',
    ]);
  });

  test('writes a batch at once when it reaches about 64 KB, in one write', () => {
    const writes: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        writes.push(chunk.toString());
        done();
      },
    });
    const access = createAccessLog(createLogger({ destination: stream }));
    let sent = 0;
    while (writes.length === 0 && sent < 1_000) {
      access({ ...ENTRY, path: `/rest/api/2/issue/X-${sent}` });
      sent += 1;
    }
    expect(writes).toHaveLength(1);
    const written = lines(writes[0] ?? '');
    expect(written).toHaveLength(sent);
    expect((writes[0] ?? '').length).toBeGreaterThanOrEqual(65_536);
    expect((writes[0] ?? '').length).toBeLessThan(65_536 + 1_000);
    expect(written.map((line) => (JSON.parse(line) as { path: string }).path)).toEqual(
      Array.from({ length: sent }, (_, i) => `/rest/api/2/issue/X-${i}`),
    );
  });

  test('keeps the log in order: another line takes the pending access lines with it', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    createAccessLog(logger)(ENTRY);
    logger.warn('something else');
    const messages = lines(out.text()).map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(['request', 'something else']);
  });

  test('writes nothing above info, and follows a level changed later', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, level: 'warn' });
    const access = createAccessLog(logger);
    access(ENTRY);
    flushAccessLines(logger);
    expect(out.text()).toBe('');
    logger.level = 'info';
    access(ENTRY);
    flushAccessLines(logger);
    expect(lines(out.text())).toHaveLength(1);
  });

  test('a logger not made by createLogger still gets its lines, through pino', () => {
    const out = capture();
    const logger = pino({ base: null, timestamp: false }, out.stream);
    createAccessLog(logger)(ENTRY);
    expect(JSON.parse(lines(out.text())[0] ?? '')).toEqual({ level: 30, ...ENTRY, ms: 3.14, msg: 'request' });
  });
});

describe('pathForLog', () => {
  test.each([
    ['/rest/api/2/issue/X-1?os_password=secret', '/rest/api/2/issue/X-1'],
    ['/a#frag?x', '/a'],
    ['/a?x#frag', '/a'],
    ['/plain', '/plain'],
    [undefined, ''],
  ])('%j → %j', (url, expected) => {
    expect(pathForLog(url)).toBe(expected);
  });

  test('caps long paths', () => {
    expect(pathForLog(`/${'a'.repeat(600)}`)).toHaveLength(513);
  });
});

describe('the time of an access line', () => {
  test('equals Date#toISOString for any time, in any order', () => {
    const instant = fc.oneof(
      fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), // years 0000 to 9999
      fc.integer({ min: 1_700_000_000_000, max: 1_700_000_003_000 }), // neighbours within seconds
      fc.constantFrom(0, -1, 999, 1000, -1000, -1001, 8.64e15, -8.64e15), // edges, extended years
    );
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (times) => {
        const written = encodedLines(times.map((time) => [time, ENTRY]));
        expect(written.map((line) => (JSON.parse(line) as { time: string }).time)).toEqual(
          times.map((time) => new Date(time).toISOString()),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('the duration of an access line', () => {
  test('is written as String(Math.round(ms * 100) / 100) for any duration', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 1e9, noNaN: true }),
          fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000),
          fc.constantFrom(
            0,
            0.004,
            0.005,
            0.015,
            0.1,
            1.005,
            9.995,
            99.999,
            21_474_836.47,
            21_474_836.48,
            -1,
            1e15,
          ),
        ),
        (ms) => {
          const [line] = encodedLines([[0, { ...ENTRY, ms }]]);
          expect(/"ms":([^,]+),/.exec(line ?? '')?.[1]).toBe(String(Math.round(ms * 100) / 100));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
