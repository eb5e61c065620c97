import { adfProblem } from './adf-check';
import { header, isRecord, startHttpReceiver, type HttpReceiver, type ReceivedRequest, type ServiceAnswer } from './http-receiver';

/**
 * A Jira Cloud site, for the REST v3 calls Pulse makes: create an issue (`POST /rest/api/3/issue`),
 * search by JQL (`GET /rest/api/3/search/jql`, the current endpoint; the removed
 * `/rest/api/3/search` answers 410 as Jira Cloud does now) and comment (`POST
 * /rest/api/3/issue/{key}/comment`). Every call needs Basic auth with the site's email and API
 * token (401 otherwise); fields are checked as Jira checks them (known project and issue type, a
 * one-line summary of at most 255 characters, labels without spaces, descriptions and comments in
 * ADF), and errors come back in Jira's `{ errorMessages, errors }` shape. Created tickets and their
 * comments are kept and found by label, so find-then-create can be tested against it.
 */

export interface JiraTicket {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  description: unknown;
  labels: string[];
  comments: { id: string; body: unknown; createdAtMs: number }[];
  createdAtMs: number;
}

export interface JiraReceiverOptions {
  email?: string;
  apiToken?: string;
  projects?: string[];
  issueTypes?: string[];
}

export interface JiraReceiver extends HttpReceiver {
  readonly email: string;
  readonly apiToken: string;
  tickets(): JiraTicket[];
  ticketsWithLabel(label: string): JiraTicket[];
  /** Deletes a ticket as a Jira user would; later calls on its key answer 404. */
  deleteTicket(key: string): void;
}

export const JIRA_RECEIVER_DEFAULTS = { email: 'pulse@example.com', apiToken: 'pulse-api-token', projects: ['OPS'], issueTypes: ['Bug', 'Task', 'Incident'] };

const SEARCH_JQL = /^project\s*=\s*"?([A-Z][A-Z0-9_]*)"?\s+AND\s+labels\s*=\s*"([^"]+)"$/;

export async function startJiraReceiver(options: JiraReceiverOptions = {}): Promise<JiraReceiver> {
  const site = { ...JIRA_RECEIVER_DEFAULTS, ...options };
  const tickets: JiraTicket[] = [];
  const deleted = new Set<string>();
  const state = { tickets, deleted, base: '' };
  const receiver = await startHttpReceiver((request) => answer(request, site, state));
  state.base = receiver.url;
  return {
    ...receiver,
    email: site.email,
    apiToken: site.apiToken,
    tickets: () => tickets,
    ticketsWithLabel: (label) => tickets.filter((ticket) => ticket.labels.includes(label)),
    deleteTicket: (key) => {
      const index = tickets.findIndex((ticket) => ticket.key === key);
      if (index >= 0) tickets.splice(index, 1);
      deleted.add(key);
    },
  };
}

type Site = typeof JIRA_RECEIVER_DEFAULTS;
/** `deleted`: keys never given out again, as Jira never reuses an issue number. */
interface SiteState { tickets: JiraTicket[]; deleted: Set<string>; base: string }

const fail = (status: number, invalid: string, errors: Record<string, string> = {}): ServiceAnswer => ({ status, body: { errorMessages: Object.keys(errors).length === 0 ? [invalid] : [], errors }, invalid });

function answer(request: ReceivedRequest, site: Site, state: SiteState): ServiceAnswer {
  const expected = `Basic ${Buffer.from(`${site.email}:${site.apiToken}`, 'utf8').toString('base64')}`;
  if (header(request, 'authorization') !== expected) return fail(401, 'Client must be authenticated to access this resource.');
  const url = new URL(request.url, 'http://jira.local');
  const comment = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(url.pathname);
  if (request.method === 'GET' && url.pathname === '/rest/api/3/search/jql') return search(url.searchParams, site, state);
  if (url.pathname === '/rest/api/3/search') return fail(410, 'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.');
  if (request.method === 'POST' && !(header(request, 'content-type') ?? '').startsWith('application/json')) return fail(415, 'Unsupported Media Type: send application/json');
  if (request.method === 'POST' && url.pathname === '/rest/api/3/issue') return createIssue(request.body, site, state);
  if (request.method === 'POST' && comment !== null) return addComment(decodeURIComponent(comment[1]), request.body, state);
  return fail(404, `No ${request.method} ${url.pathname} on this site`);
}

function search(params: URLSearchParams, site: Site, state: SiteState): ServiceAnswer {
  const jql = (params.get('jql') ?? '').trim();
  const match = SEARCH_JQL.exec(jql);
  if (match === null) return fail(400, `Unsupported JQL for this stand-in: ${jql} (expected project = KEY AND labels = "label")`);
  if (!site.projects.includes(match[1])) return fail(400, `The value '${match[1]}' does not exist for the field 'project'.`);
  const maxResults = Number(params.get('maxResults') ?? '50');
  const fields = (params.get('fields') ?? '').split(',').filter((field) => field !== '' && field !== 'key');
  const found = state.tickets.filter((ticket) => ticket.projectKey === match[1] && ticket.labels.includes(match[2])).slice(0, maxResults);
  const issues = found.map((ticket) => ({
    id: ticket.id,
    key: ticket.key,
    self: `${state.base}/rest/api/3/issue/${ticket.id}`,
    fields: Object.fromEntries(fields.map((field) => [field, field === 'labels' ? ticket.labels : field === 'summary' ? ticket.summary : null])),
  }));
  return { status: 200, body: { issues, isLast: true } };
}

function createIssue(body: unknown, site: Site, state: SiteState): ServiceAnswer {
  if (!isRecord(body) || !isRecord(body.fields)) return fail(400, 'the body has no fields object');
  const { project, issuetype: issueType, summary, description, labels } = body.fields;
  const projectKey = isRecord(project) && typeof project.key === 'string' ? project.key : undefined;
  if (projectKey === undefined || !site.projects.includes(projectKey)) return fail(400, 'project: valid project is required', { project: 'valid project is required' });
  const typeName = isRecord(issueType) && typeof issueType.name === 'string' ? issueType.name : undefined;
  if (typeName === undefined || !site.issueTypes.includes(typeName)) return fail(400, 'issuetype: valid issue type is required', { issuetype: 'Specify a valid issue type' });
  if (typeof summary !== 'string' || summary.trim() === '') return fail(400, 'summary: You must specify a summary of the issue.', { summary: 'You must specify a summary of the issue.' });
  if (summary.length > 255) return fail(400, 'summary: Summary must be less than 255 characters.', { summary: 'Summary must be less than 255 characters.' });
  if (/[\r\n]/.test(summary)) return fail(400, 'summary: Field cannot contain newline characters.', { summary: 'Field cannot contain newline characters.' });
  if (description !== undefined) {
    const problem = adfProblem(description, 'description');
    if (problem !== undefined) return fail(400, problem, { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' });
  }
  if (labels !== undefined && !(Array.isArray(labels) && labels.every((label) => typeof label === 'string' && /^\S{1,255}$/.test(label)))) {
    return fail(400, 'labels: a label is a string of 1..255 characters without spaces', { labels: 'The label must not contain spaces.' });
  }
  const issued = [...state.tickets.map((ticket) => ticket.key), ...state.deleted].filter((key) => key.startsWith(`${projectKey}-`));
  const number = issued.length + 1;
  const ticket: JiraTicket = {
    id: String(10_000 + state.tickets.length + state.deleted.size + 1),
    key: `${projectKey}-${number}`,
    projectKey,
    issueType: typeName,
    summary,
    description,
    labels: labels === undefined ? [] : (labels as string[]),
    comments: [],
    createdAtMs: Date.now(),
  };
  state.tickets.push(ticket);
  return { status: 201, body: { id: ticket.id, key: ticket.key, self: `${state.base}/rest/api/3/issue/${ticket.id}` } };
}

function addComment(key: string, body: unknown, state: SiteState): ServiceAnswer {
  const ticket = state.tickets.find((candidate) => candidate.key === key || candidate.id === key);
  if (ticket === undefined) return fail(404, 'Issue does not exist or you do not have permission to see it.');
  if (!isRecord(body)) return fail(400, 'the body is not a JSON object');
  const problem = adfProblem(body.body, 'body');
  if (problem !== undefined) return fail(400, problem, { comment: 'Comment body is not valid!' });
  const comment = { id: String(20_000 + state.tickets.reduce((sum, t) => sum + t.comments.length, 0) + 1), body: body.body, createdAtMs: Date.now() };
  ticket.comments.push(comment);
  return { status: 201, body: { id: comment.id, self: `${state.base}/rest/api/3/issue/${ticket.id}/comment/${comment.id}`, body: comment.body, created: new Date(comment.createdAtMs).toISOString() } };
}
