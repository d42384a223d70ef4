import { describe, expect, test } from 'vitest';
import { parseGatewayConfig } from './gateway-config.js';

const valid = {
  ATA_UPSTREAM_URL: 'http://wiki:8090/confluence/',
  ATA_SERVICE_USER: 'svc',
  ATA_SERVICE_PASSWORD: ' s3cret pass ',
};
const options = { productKey: 'confluence', defaultAdminGroups: ['confluence-administrators'] };

describe('parseGatewayConfig', () => {
  test('defaults', () => {
    const parsed = parseGatewayConfig(valid, options);
    expect(parsed).toEqual({
      ok: true,
      config: {
        upstreamUrl: 'http://wiki:8090/confluence',
        upstreamOrigin: 'http://wiki:8090',
        contextPath: '/confluence',
        host: '127.0.0.1',
        port: 8080,
        database: 'sqlite:./.data/confluence.db',
        serviceUser: 'svc',
        servicePassword: ' s3cret pass ',
        identityHeader: 'X-Forwarded-User',
        identitySecret: null,
        trustedProxies: [],
        adminGroups: ['confluence-administrators'],
        bcryptCost: 10,
        metricsPort: null,
        logLevel: 'info',
        accessLog: 'gateway',
        upstreamTimeoutMs: 60_000,
      },
    });
  });

  test('every variable set', () => {
    const parsed = parseGatewayConfig(
      {
        ...valid,
        ATA_UPSTREAM_URL: 'https://jira.example.com',
        ATA_HOST: '0.0.0.0',
        ATA_PORT: '0',
        ATA_DATABASE: 'sqlite:///var/lib/ata/jira.db',
        ATA_IDENTITY_HEADER: 'X-Remote-User',
        ATA_IDENTITY_SECRET: '0123456789abcdef',
        ATA_TRUSTED_PROXIES: ' 10.0.0.1 , 192.168.0.0/16,',
        ATA_ADMIN_GROUPS: 'jira-administrators, ops',
        ATA_BCRYPT_COST: '12',
        ATA_METRICS_PORT: '9464',
        ATA_LOG_LEVEL: 'DEBUG',
        ATA_ACCESS_LOG: 'All',
        ATA_UPSTREAM_TIMEOUT_MS: '1500',
      },
      options,
    );
    expect(parsed.ok && parsed.config).toMatchObject({
      upstreamUrl: 'https://jira.example.com',
      contextPath: '',
      host: '0.0.0.0',
      port: 0,
      database: 'sqlite:///var/lib/ata/jira.db',
      identityHeader: 'X-Remote-User',
      identitySecret: '0123456789abcdef',
      trustedProxies: ['10.0.0.1', '192.168.0.0/16'],
      adminGroups: ['jira-administrators', 'ops'],
      bcryptCost: 12,
      metricsPort: 9464,
      logLevel: 'debug',
      accessLog: 'all',
      upstreamTimeoutMs: 1500,
    });
  });

  test('empty values count as unset', () => {
    const parsed = parseGatewayConfig({ ...valid, ATA_PORT: '', ATA_ADMIN_GROUPS: ' ' }, options);
    expect(parsed.ok && parsed.config.port).toBe(8080);
  });

  test.each([
    [{ ATA_UPSTREAM_URL: undefined }, /^ATA_UPSTREAM_URL is required/],
    [{ ATA_UPSTREAM_URL: 'jira:8080' }, /^ATA_UPSTREAM_URL must use http or https/],
    [{ ATA_UPSTREAM_URL: 'not a url' }, /^ATA_UPSTREAM_URL must be an absolute http\(s\) URL/],
    [{ ATA_UPSTREAM_URL: 'ftp://jira' }, /^ATA_UPSTREAM_URL must use http or https/],
    [{ ATA_UPSTREAM_URL: 'http://u:p@jira' }, /^ATA_UPSTREAM_URL must not contain credentials/],
    [{ ATA_UPSTREAM_URL: 'http://jira/?a=1' }, /^ATA_UPSTREAM_URL must not contain a query/],
    [{ ATA_HOST: 'bad host!' }, /^ATA_HOST must be/],
    [{ ATA_PORT: '65536' }, /^ATA_PORT must be a whole number from 0 to 65535/],
    [{ ATA_PORT: '-1' }, /^ATA_PORT must be/],
    [{ ATA_PORT: '80a' }, /^ATA_PORT must be/],
    [{ ATA_DATABASE: 'postgres://db/ata' }, /^ATA_DATABASE: Unsupported database engine "postgres"/],
    [{ ATA_DATABASE: 'data.db' }, /^ATA_DATABASE: /],
    [{ ATA_SERVICE_USER: undefined }, /^ATA_SERVICE_USER is required/],
    [{ ATA_SERVICE_PASSWORD: undefined }, /^ATA_SERVICE_PASSWORD is required/],
    [{ ATA_IDENTITY_HEADER: 'X Forwarded User' }, /^ATA_IDENTITY_HEADER must be a valid HTTP header name/],
    [{ ATA_IDENTITY_HEADER: 'Authorization' }, /^ATA_IDENTITY_HEADER must not be Authorization/],
    [
      { ATA_IDENTITY_SECRET: 'short' },
      /^ATA_IDENTITY_SECRET must be at least 16 characters long \(it has 5\)$/,
    ],
    [{ ATA_TRUSTED_PROXIES: '10.0.0.1,010.0.0.2' }, /^ATA_TRUSTED_PROXIES entry 2: .*leading zeros/],
    [{ ATA_ADMIN_GROUPS: ',,' }, /^ATA_ADMIN_GROUPS must name at least one group/],
    [{ ATA_BCRYPT_COST: '3' }, /^ATA_BCRYPT_COST must be a whole number from 4 to 15/],
    [{ ATA_BCRYPT_COST: '16' }, /^ATA_BCRYPT_COST must be/],
    [{ ATA_METRICS_PORT: 'x' }, /^ATA_METRICS_PORT must be a whole number from 0 to 65535/],
    [{ ATA_UPSTREAM_TIMEOUT_MS: '99' }, /^ATA_UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ ATA_UPSTREAM_TIMEOUT_MS: '3600001' }, /^ATA_UPSTREAM_TIMEOUT_MS must be/],
    [{ ATA_UPSTREAM_TIMEOUT_MS: '1.5' }, /^ATA_UPSTREAM_TIMEOUT_MS must be/],
    [{ ATA_UPSTREAM_TIMEOUT_MS: '10s' }, /^ATA_UPSTREAM_TIMEOUT_MS must be/],
    [{ ATA_ACCESS_LOG: 'some' }, /^ATA_ACCESS_LOG must be one of gateway, all, off \(got "some"\)$/],
    [
      { ATA_LOG_LEVEL: 'loud' },
      /^ATA_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/,
    ],
  ])('%j → one problem line', (change, pattern) => {
    const parsed = parseGatewayConfig({ ...valid, ...change }, options);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatch(pattern);
  });

  test('all problems at once, one line each, never echoing secrets', () => {
    const parsed = parseGatewayConfig(
      {
        ATA_PORT: 'x',
        ATA_SERVICE_PASSWORD: 'hunter2-very-secret',
        ATA_IDENTITY_SECRET: 'tiny-secret',
        ATA_BCRYPT_COST: '99',
      },
      options,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((line) => line.split(' ')[0])).toEqual([
      'ATA_UPSTREAM_URL',
      'ATA_PORT',
      'ATA_SERVICE_USER',
      'ATA_IDENTITY_SECRET',
      'ATA_BCRYPT_COST',
    ]);
    const text = parsed.problems.join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tiny-secret');
    for (const line of parsed.problems) expect(line).not.toContain('\n');
  });
});
