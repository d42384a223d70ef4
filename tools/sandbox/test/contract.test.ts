/**
 * The sandboxes' JSON responses checked against Atlassian's official OpenAPI documents in ../contracts.
 * The documents have known generator defects (contracts/README.md); each work-around below is narrow,
 * names the defect, and touches only the schema that has it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfluenceSandbox, startJiraSandbox } from '../src/index.js';
import type { Sandbox } from '../src/index.js';
import { OpenApiValidator } from './openapi-validator.js';
import type { SchemaPatch } from './openapi-validator.js';

const basic = (user: string, password = user): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const jiraPatches: SchemaPatch[] = [
  {
    schema: 'SimpleListWrapperGroupJsonBean',
    why: 'The generator dropped `items`, the list itself; Jira sends `groups.items[]` of GroupJsonBean.',
    apply: (schema, ref) => ({
      ...schema,
      properties: { ...(schema.properties as object), items: { type: 'array', items: ref('GroupJsonBean') } },
    }),
  },
  {
    schema: 'IssueBean',
    why:
      'Every `fields` value is typed `object`, but field values are strings, numbers, arrays and null too; ' +
      'the document\'s own example has `"description": "example bug report"` and `"updated": 1`.',
    apply: (schema) => {
      const properties = schema.properties as Record<string, Record<string, unknown>>;
      return {
        ...schema,
        properties: { ...properties, fields: { ...properties.fields, additionalProperties: {} } },
      };
    },
  },
];

const confluencePatches: SchemaPatch[] = [
  {
    schema: 'ValidationResult',
    why: 'A collection typed as a single item: `RestError.data.errors` is a list (`[]` when there are none).',
    apply: (schema) => ({
      ...schema,
      properties: { ...(schema.properties as object), errors: { type: 'array', items: { type: 'object' } } },
    }),
  },
  {
    schema: 'KnownUser',
    why: '`Person` lists only type/displayName/profilePicture and `KnownUser` is empty; this is the known shape.',
    apply: (_schema, ref) => ({
      type: 'object',
      required: ['type', 'username', 'userKey', 'displayName'],
      properties: {
        type: { const: 'known' },
        username: { type: 'string', minLength: 1 },
        userKey: { type: 'string', minLength: 1 },
        displayName: { type: 'string' },
        profilePicture: ref('Icon'),
        _links: { type: 'object', properties: { self: { type: 'string', format: 'uri' } } },
      },
    }),
  },
  {
    schema: 'Anonymous',
    why: '`Anonymous` is empty in the document; this is the known shape of the anonymous user.',
    apply: (_schema, ref) => ({
      type: 'object',
      required: ['type', 'displayName'],
      properties: {
        type: { const: 'anonymous' },
        displayName: { type: 'string' },
        profilePicture: ref('Icon'),
      },
    }),
  },
  {
    schema: 'Group',
    why: '`Group` is empty in the document (and memberof types its results as `Person`); the known group shape.',
    apply: () => ({
      type: 'object',
      required: ['type', 'name'],
      properties: {
        type: { const: 'group' },
        name: { type: 'string', minLength: 1 },
        _links: { type: 'object', properties: { self: { type: 'string', format: 'uri' } } },
      },
    }),
  },
];

const jiraDoc = new OpenApiValidator(
  'jira',
  new URL('../contracts/jira-software-dc-10.3-openapi.json', import.meta.url),
  jiraPatches,
);
const confluenceDoc = new OpenApiValidator(
  'confluence',
  new URL('../contracts/confluence-dc-10.0.3-openapi.json', import.meta.url),
  confluencePatches,
);

/** Memberof's results are groups although the document types them as `Person` (README defect list). */
function memberofSchema(): Record<string, unknown> {
  const schema = confluenceDoc.responseSchema('/rest/api/user/memberof', 'get', '200');
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  return {
    ...schema,
    properties: {
      ...properties,
      results: { ...properties.results, items: confluenceDoc.component('Group') },
    },
  };
}

/**
 * `GET /rest/api/audit` is documented with no schema at all (a `default` response with empty content).
 * Checked instead against the document's own page envelope (the one memberof uses) holding records of
 * the legacy `AuditRecord` shape that DESIGN §4 gives.
 */
function auditPageSchema(): Record<string, unknown> {
  const envelope = confluenceDoc.responseSchema('/rest/api/user/memberof', 'get', '200');
  const properties = envelope.properties as Record<string, Record<string, unknown>>;
  const record = {
    type: 'object',
    required: ['author', 'remoteAddress', 'creationDate', 'summary', 'category', 'sysAdmin', 'changedValues'],
    properties: {
      author: { type: 'object', properties: { username: { type: 'string' }, userKey: { type: 'string' } } },
      remoteAddress: { type: 'string' },
      creationDate: { type: 'integer' },
      summary: { type: 'string' },
      description: { type: 'string' },
      category: { type: 'string' },
      sysAdmin: { type: 'boolean' },
      affectedObject: {
        type: 'object',
        properties: { name: { type: 'string' }, objectType: { type: 'string' } },
      },
      changedValues: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            oldValue: { type: 'string' },
            newValue: { type: 'string' },
          },
        },
      },
      associatedObjects: { type: 'array', items: { type: 'object' } },
    },
  };
  return { ...envelope, properties: { ...properties, results: { type: 'array', items: record } } };
}

async function expectConforms(
  doc: OpenApiValidator,
  schema: Record<string, unknown>,
  response: Response,
  status: number,
): Promise<unknown> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  const body: unknown = await response.json();
  expect(doc.validate(schema, body).errors).toEqual([]);
  return body;
}

describe('Jira sandbox against the Jira Software DC 10.3 document', () => {
  let jira: Sandbox;
  // The document's server URL ends in /rest, so its paths start at /api/2/... and /auth/1/...
  const documented = (method: string, path: string, status: number): Record<string, unknown> =>
    jiraDoc.responseSchema(path, method, String(status));

  beforeAll(async () => {
    jira = await startJiraSandbox();
  });
  afterAll(() => jira.close());

  it('GET /rest/api/2/myself', async () => {
    const res = await fetch(`${jira.url}/rest/api/2/myself`, { headers: { authorization: basic('alice') } });
    const body = await expectConforms(jiraDoc, documented('get', '/api/2/myself', 200), res, 200);
    expect(body).toMatchObject({ name: 'alice', key: 'JIRAUSER10100', active: true });
  });

  it('GET /rest/api/2/user?username=…&expand=groups', async () => {
    const res = await fetch(`${jira.url}/rest/api/2/user?username=admin&expand=groups`, {
      headers: { authorization: basic('admin') },
    });
    const body = await expectConforms(jiraDoc, documented('get', '/api/2/user', 200), res, 200);
    expect(body).toMatchObject({
      name: 'admin',
      groups: { size: 2, items: [{ name: 'jira-administrators' }, { name: 'jira-software-users' }] },
    });
  });

  it('GET /rest/api/2/user for an inactive user', async () => {
    const res = await fetch(`${jira.url}/rest/api/2/user?username=bob&expand=groups`, {
      headers: { authorization: basic('admin') },
    });
    const body = await expectConforms(jiraDoc, documented('get', '/api/2/user', 200), res, 200);
    expect(body).toMatchObject({ name: 'bob', active: false });
  });

  it('GET /rest/api/2/serverInfo', async () => {
    const res = await fetch(`${jira.url}/rest/api/2/serverInfo`);
    const body = await expectConforms(jiraDoc, documented('get', '/api/2/serverInfo', 200), res, 200);
    // ServerInfoBean is documented without properties; the fields the adapter reads are checked here.
    expect(body).toMatchObject({ version: '10.3.0', versionNumbers: [10, 3, 0], baseUrl: jira.url });
  });

  it('POST and GET /rest/auth/1/session', async () => {
    // One failure first, so that loginInfo carries its timestamps too.
    await fetch(`${jira.url}/rest/api/2/myself`, { headers: { authorization: basic('alice', 'wrong') } });
    const login = await fetch(`${jira.url}/rest/auth/1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice' }),
    });
    const body = (await expectConforms(jiraDoc, documented('post', '/auth/1/session', 200), login, 200)) as {
      session: { name: string; value: string };
      loginInfo: Record<string, unknown>;
    };
    expect(body.session.name).toBe('JSESSIONID');
    expect(body.loginInfo).toMatchObject({
      failedLoginCount: 0,
      lastFailedLoginTime: expect.any(String),
      previousLoginTime: expect.any(String),
    });
    const current = await fetch(`${jira.url}/rest/auth/1/session`, {
      headers: { cookie: `JSESSIONID=${body.session.value}` },
    });
    expect(
      await expectConforms(jiraDoc, documented('get', '/auth/1/session', 200), current, 200),
    ).toMatchObject({
      name: 'alice',
    });
  });

  it('GET /rest/api/2/issue/{key}', async () => {
    const res = await fetch(`${jira.url}/rest/api/2/issue/DEMO-1`, {
      headers: { authorization: basic('alice') },
    });
    const body = await expectConforms(
      jiraDoc,
      documented('get', '/api/2/issue/{issueIdOrKey}', 200),
      res,
      200,
    );
    expect(body).toMatchObject({ key: 'DEMO-1', fields: { reporter: { name: 'admin' } } });
  });

  it('POST /rest/api/2/issue', async () => {
    const res = await fetch(`${jira.url}/rest/api/2/issue`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({
        fields: { project: { key: 'DEMO' }, summary: 'Contract', issuetype: { name: 'Bug' } },
      }),
    });
    const body = await expectConforms(jiraDoc, documented('post', '/api/2/issue', 201), res, 201);
    expect(body).toMatchObject({
      key: expect.stringMatching(/^DEMO-\d+$/),
      fields: { reporter: { name: 'alice' } },
    });
  });
});

describe('Confluence sandbox against the Confluence DC 10.0.3 document', () => {
  let wiki: Sandbox;
  // The document's server URL ends with the context path, so its paths start at /rest/api/...
  const documented = (method: string, path: string, status: number): Record<string, unknown> =>
    confluenceDoc.responseSchema(path, method, String(status));
  const person = (variant: 'KnownUser' | 'Anonymous'): Record<string, unknown> => ({
    allOf: [documented('get', '/rest/api/user/current', 200), confluenceDoc.component(variant)],
  });

  beforeAll(async () => {
    wiki = await startConfluenceSandbox({ version: '9.2.1' });
    // One record so the audit page has an item to validate.
    const posted = await fetch(`${wiki.url}/rest/api/audit`, {
      method: 'POST',
      headers: { authorization: basic('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({
        summary: 'API token created',
        category: 'API tokens',
        sysAdmin: false,
        affectedObject: { name: 'alice', objectType: 'User' },
        changedValues: [{ name: 'Token', oldValue: '', newValue: 'ci' }],
        associatedObjects: [],
      }),
    });
    expect(posted.status).toBe(200);
  });
  afterAll(() => wiki.close());

  it('GET /rest/api/user/current as a known user', async () => {
    const res = await fetch(`${wiki.url}/rest/api/user/current`, {
      headers: { authorization: basic('alice') },
    });
    expect(await expectConforms(confluenceDoc, person('KnownUser'), res, 200)).toMatchObject({
      username: 'alice',
    });
  });

  it('GET /rest/api/user/current anonymously', async () => {
    const res = await fetch(`${wiki.url}/rest/api/user/current`);
    expect(await expectConforms(confluenceDoc, person('Anonymous'), res, 200)).toMatchObject({
      type: 'anonymous',
    });
  });

  it('GET /rest/api/user?username=…', async () => {
    const res = await fetch(`${wiki.url}/rest/api/user?username=bob&expand=status`, {
      headers: { authorization: basic('admin') },
    });
    const schema = {
      allOf: [documented('get', '/rest/api/user', 200), confluenceDoc.component('KnownUser')],
    };
    expect(await expectConforms(confluenceDoc, schema, res, 200)).toMatchObject({
      username: 'bob',
      status: 'deactivated',
    });
  });

  it('GET /rest/api/user for an unknown user answers 404 RestError', async () => {
    const res = await fetch(`${wiki.url}/rest/api/user?username=nobody`, {
      headers: { authorization: basic('admin') },
    });
    expect(
      await expectConforms(confluenceDoc, documented('get', '/rest/api/user', 404), res, 404),
    ).toMatchObject({
      statusCode: 404,
    });
  });

  it('GET /rest/api/user/memberof', async () => {
    const res = await fetch(`${wiki.url}/rest/api/user/memberof?username=admin&limit=2`, {
      headers: { authorization: basic('admin') },
    });
    const body = await expectConforms(confluenceDoc, memberofSchema(), res, 200);
    expect(body).toMatchObject({ size: 2, limit: 2, start: 0, _links: { next: expect.any(String) } });
  });

  it('GET /rest/api/content/{id}', async () => {
    const res = await fetch(`${wiki.url}/rest/api/content/1001?expand=body.storage`, {
      headers: { authorization: basic('alice') },
    });
    const body = await expectConforms(
      confluenceDoc,
      documented('get', '/rest/api/content/{id}', 200),
      res,
      200,
    );
    expect(body).toMatchObject({ id: '1001', version: { by: { username: 'alice' } } });
  });

  it('POST /rest/api/content', async () => {
    const res = await fetch(`${wiki.url}/rest/api/content`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'page',
        title: 'Contract page',
        space: { key: 'DEMO' },
        body: { storage: { value: '<p>hi</p>', representation: 'storage' } },
      }),
    });
    await expectConforms(confluenceDoc, documented('post', '/rest/api/content', 200), res, 200);
  });

  it('GET /rest/api/content/{id} for unknown content answers 404 RestError', async () => {
    const res = await fetch(`${wiki.url}/rest/api/content/999999`, {
      headers: { authorization: basic('alice') },
    });
    await expectConforms(confluenceDoc, documented('get', '/rest/api/content/{id}', 404), res, 404);
  });

  it('GET /rest/api/server-information', async () => {
    const res = await fetch(`${wiki.url}/rest/api/server-information`, {
      headers: { authorization: basic('alice') },
    });
    const body = await expectConforms(
      confluenceDoc,
      documented('get', '/rest/api/server-information', 200),
      res,
      200,
    );
    expect(body).toMatchObject({ version: '9.2.1' });
  });

  it('GET /rest/api/audit', async () => {
    const res = await fetch(`${wiki.url}/rest/api/audit`, { headers: { authorization: basic('admin') } });
    const body = await expectConforms(confluenceDoc, auditPageSchema(), res, 200);
    expect(body).toMatchObject({
      size: 1,
      results: [{ summary: 'API token created', author: { username: 'admin' } }],
    });
  });
});

describe('the contract check itself', () => {
  it('rejects a Jira user whose name is a number', () => {
    const schema = jiraDoc.responseSchema('/api/2/myself', 'get', '200');
    expect(jiraDoc.validate(schema, { name: 'alice', active: true }).valid).toBe(true);
    const result = jiraDoc.validate(schema, { name: 42, active: true });
    expect(result.valid).toBe(false);
    expect(result.errors.join()).toContain('/name');
  });

  it('rejects a group list whose items are not groups (the items work-around is a real check)', () => {
    const schema = jiraDoc.responseSchema('/api/2/user', 'get', '200');
    expect(jiraDoc.validate(schema, { groups: { size: 1, items: [{ name: 'g' }] } }).valid).toBe(true);
    expect(jiraDoc.validate(schema, { groups: { size: 1, items: [{ name: 7 }] } }).valid).toBe(false);
    expect(jiraDoc.validate(schema, { groups: { size: 1, items: 'g' } }).valid).toBe(false);
  });

  it('rejects Confluence users and groups of the wrong shape', () => {
    const known = {
      allOf: [
        confluenceDoc.responseSchema('/rest/api/user', 'get', '200'),
        confluenceDoc.component('KnownUser'),
      ],
    };
    expect(
      confluenceDoc.validate(known, { type: 'known', username: 'a', userKey: 'k', displayName: 'A' }).valid,
    ).toBe(true);
    expect(confluenceDoc.validate(known, { type: 'known', username: 'a', displayName: 'A' }).valid).toBe(
      false,
    );
    expect(
      confluenceDoc.validate(known, { type: 'known', username: 'a', userKey: 'k', displayName: 5 }).valid,
    ).toBe(false);
    const memberof = memberofSchema();
    expect(confluenceDoc.validate(memberof, { results: [{ type: 'group', name: 'g' }] }).valid).toBe(true);
    expect(confluenceDoc.validate(memberof, { results: [{ type: 'group', name: 3 }] }).valid).toBe(false);
    expect(confluenceDoc.validate(memberof, { results: [{ type: 'known', displayName: 'x' }] }).valid).toBe(
      false,
    );
  });

  it('refuses to look up a response the document does not describe', () => {
    expect(() => jiraDoc.responseSchema('/api/2/auditing/record', 'post', '201')).toThrow(
      /documents no POST/,
    );
    expect(() => confluenceDoc.responseSchema('/rest/api/audit', 'get', '200')).toThrow(/no JSON schema/);
  });

  it('applies exactly the listed work-arounds', () => {
    expect(jiraDoc.appliedPatches).toEqual(['SimpleListWrapperGroupJsonBean', 'IssueBean']);
    expect(confluenceDoc.appliedPatches).toEqual(['ValidationResult', 'KnownUser', 'Anonymous', 'Group']);
  });
});
