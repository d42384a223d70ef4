import { z } from 'zod';
import { readJson } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { SandboxUser } from '../types.js';
import type { Route, RouteContext } from '../core/product.js';
import { atlassianTime } from '../core/time.js';
import { findUser } from '../core/users.js';
import { fieldErrorsOf } from '../core/validation.js';
import { jiraUserReference } from './representations.js';

const PROJECT = { id: '10000', key: 'DEMO', name: 'Demo' };
const ISSUE_TYPES = [
  { id: '10001', name: 'Task' },
  { id: '10002', name: 'Bug' },
];

interface Issue {
  id: string;
  key: string;
  summary: string;
  description: string | null;
  issueType: { id: string; name: string };
  reporter: string;
  created: Date;
}

const IssueCreateBody = z.object({
  fields: z.looseObject({
    project: z.object({ key: z.string().optional(), id: z.string().optional() }),
    summary: z.string().min(1, 'You must specify a summary of the issue.'),
    description: z.string().optional(),
    issuetype: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  }),
});

function representation(ctx: RouteContext, issue: Issue): Record<string, unknown> {
  const reporter = findUser(ctx.state.users, issue.reporter);
  const person = (user: SandboxUser | undefined): unknown =>
    user ? jiraUserReference(ctx.baseUrl, user) : null;
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${ctx.baseUrl}/rest/api/2/issue/${issue.id}`,
    key: issue.key,
    fields: {
      summary: issue.summary,
      description: issue.description,
      issuetype: {
        ...issue.issueType,
        self: `${ctx.baseUrl}/rest/api/2/issuetype/${issue.issueType.id}`,
        subtask: false,
      },
      project: { ...PROJECT, self: `${ctx.baseUrl}/rest/api/2/project/${PROJECT.id}` },
      reporter: person(reporter),
      creator: person(reporter),
      status: { id: '10000', name: 'To Do', self: `${ctx.baseUrl}/rest/api/2/status/10000` },
      labels: [],
      created: atlassianTime(issue.created),
      updated: atlassianTime(issue.created),
    },
  };
}

/**
 * Ordinary issues to proxy to: `DEMO-1`…`DEMO-3` are seeded (reported by admin); `POST /issue` creates
 * the next `DEMO-n` with the effective user as reporter and echoes it.
 */
export function issueRoutes(now: Date): Route[] {
  const issues = new Map<string, Issue>();
  let next = 1;
  const add = (fields: Omit<Issue, 'id' | 'key'>): Issue => {
    const issue: Issue = { id: String(10000 + next), key: `${PROJECT.key}-${next}`, ...fields };
    next += 1;
    issues.set(issue.key, issue);
    return issue;
  };
  const task = { id: '10001', name: 'Task' };
  for (const summary of [
    'Set up the API token gateway',
    'Rotate the CI token',
    'Document the header authenticator',
  ]) {
    add({ summary, description: null, issueType: task, reporter: 'admin', created: now });
  }

  const find = (keyOrId: string): Issue | undefined => {
    const upper = keyOrId.toUpperCase();
    for (const issue of issues.values()) if (issue.key === upper || issue.id === keyOrId) return issue;
    return undefined;
  };

  return [
    {
      method: 'GET',
      path: '/rest/api/2/issue/{issueIdOrKey}',
      auth: 'user',
      handle(ctx) {
        const issue = find(ctx.params.issueIdOrKey ?? '');
        if (!issue) {
          ctx.error(404, 'Issue Does Not Exist');
          return;
        }
        sendJson(ctx.res, 200, representation(ctx, issue));
      },
    },
    {
      method: 'POST',
      path: '/rest/api/2/issue',
      auth: 'user',
      async handle(ctx) {
        const parsed = IssueCreateBody.safeParse(await readJson(ctx.req));
        if (!parsed.success) {
          ctx.error(400, 'The issue could not be created.', fieldErrorsOf(parsed.error));
          return;
        }
        const { fields } = parsed.data;
        if (fields.project.key?.toUpperCase() !== PROJECT.key && fields.project.id !== PROJECT.id) {
          ctx.error(400, 'The issue could not be created.', {
            project: `project is required; use {"key": "${PROJECT.key}"}`,
          });
          return;
        }
        const wanted = fields.issuetype;
        const issueType = wanted
          ? ISSUE_TYPES.find(
              (type) => type.id === wanted.id || type.name.toLowerCase() === wanted.name?.toLowerCase(),
            )
          : ISSUE_TYPES[0];
        if (!issueType) {
          ctx.error(400, 'The issue could not be created.', {
            issuetype: `valid issue types are ${ISSUE_TYPES.map((type) => type.name).join(', ')}`,
          });
          return;
        }
        const caller = ctx.caller as SandboxUser;
        const issue = add({
          summary: fields.summary,
          description: fields.description ?? null,
          issueType,
          reporter: caller.username,
          created: ctx.state.now(),
        });
        // Jira answers `{id, key, self}`; the sandbox adds the fields so a test can see the body arrived intact.
        const created = representation(ctx, issue);
        // Jira answers `{id, key, self}`; the sandbox adds the fields, including any it does not know, so a
        // test can see that the body it sent arrived intact.
        sendJson(ctx.res, 201, {
          ...created,
          fields: { ...fields, ...(created.fields as Record<string, unknown>) },
        });
      },
    },
  ];
}
