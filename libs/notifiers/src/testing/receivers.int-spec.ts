import { createHmac, randomUUID } from 'node:crypto';
import { startJiraReceiver, startSlackReceiver, startWebhookReceiver } from './index';

/** The stand-ins must refuse what the real services refuse, or the destination specs prove nothing. */

const webhookHeaders = (body: string, secret?: string): Record<string, string> => ({
  'Content-Type': 'application/json',
  'Request-ID': randomUUID(),
  'Sentry-Hook-Resource': 'metric_alert',
  'Sentry-Hook-Timestamp': '1796644800',
  'Idempotency-Key': 'k',
  ...(secret === undefined ? {} : { 'Sentry-Hook-Signature': createHmac('sha256', secret).update(body).digest('hex') }),
});
const metricBody = (data: Record<string, unknown>) =>
  JSON.stringify({
    action: 'triggered',
    installation: { uuid: randomUUID() },
    actor: { type: 'application', id: 'pulse', name: 'Pulse' },
    data: { status: 'critical', value: 1, rule: { id: '1', name: 'r', aggregate: 'count()', windowSeconds: 60 }, metric_alert: { id: '2', alert_rule: {} }, description_title: 't', description_text: 'd', web_url: 'http://x', ...data },
  });

describe('webhook receiver', () => {
  it('accepts a well-formed signed request and refuses each broken part with its reason', async () => {
    const receiver = await startWebhookReceiver({ secret: 's' });
    try {
      const post = (body: string, headers: Record<string, string>) => fetch(receiver.url, { method: 'POST', headers, body });
      const good = metricBody({});
      expect((await post(good, webhookHeaders(good, 's'))).status).toBe(200);
      const { 'Request-ID': _requestId, ...withoutRequestId } = webhookHeaders(good, 's');
      expect((await post(good, withoutRequestId)).status).toBe(400);
      expect((await post(good, webhookHeaders(good))).status).toBe(400);
      expect((await post(`${good} `, webhookHeaders(good, 's'))).status).toBe(400);
      const noValue = metricBody({ value: 'high' });
      expect((await post(noValue, webhookHeaders(noValue, 's'))).status).toBe(400);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.invalid.map((request) => request.reason)).toEqual([
        'Request-ID is not a UUID',
        'Sentry-Hook-Signature is missing',
        'Sentry-Hook-Signature does not verify over the body',
        'data.value is not a number or null',
      ]);
      expect(receiver.attempts()).toBe(5);
    } finally {
      await receiver.stop();
    }
  });
});

describe('Slack receiver', () => {
  it('answers as Slack: ok, invalid_payload, no_text, invalid_blocks', async () => {
    const receiver = await startSlackReceiver();
    try {
      const post = async (body: string) => {
        const response = await fetch(receiver.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        return [response.status, await response.text()];
      };
      expect(await post(JSON.stringify({ text: 'hi', blocks: [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'a' }] }] }))).toEqual([200, 'ok']);
      expect(await post('not json')).toEqual([400, 'invalid_payload']);
      expect(await post('{}')).toEqual([400, 'no_text']);
      const fields = Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'a' }));
      expect(await post(JSON.stringify({ text: 'hi', blocks: [{ type: 'section', fields }] }))).toEqual([400, 'invalid_blocks']);
      expect(await post(JSON.stringify({ text: 'hi', blocks: [{ type: 'rich_table' }] }))).toEqual([400, 'invalid_blocks']);
      expect(receiver.invalid.map((request) => request.reason)).toEqual([
        'invalid_payload: the body is not a JSON object',
        'no_text',
        'invalid_blocks: blocks[0]: more than 10 fields',
        'invalid_blocks: blocks[0]: unknown block type rich_table',
      ]);
    } finally {
      await receiver.stop();
    }
  });
});

describe('Jira receiver', () => {
  it('checks auth, fields and ADF as Jira Cloud does', async () => {
    const jira = await startJiraReceiver();
    try {
      const auth = `Basic ${Buffer.from(`${jira.email}:${jira.apiToken}`).toString('base64')}`;
      const create = async (fields: Record<string, unknown>, authorization = auth) => {
        const response = await fetch(`${jira.url}/rest/api/3/issue`, { method: 'POST', headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: JSON.stringify({ fields }) });
        return response.status;
      };
      const doc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] };
      const fields = { project: { key: 'OPS' }, issuetype: { name: 'Bug' }, summary: 's', description: doc, labels: ['pulse'] };
      expect(await create(fields)).toBe(201);
      expect(await create(fields, 'Basic bm9ib2R5Om5vcGU=')).toBe(401);
      expect(await create({ ...fields, summary: 'a\nb' })).toBe(400);
      expect(await create({ ...fields, labels: ['has space'] })).toBe(400);
      expect(await create({ ...fields, description: { ...doc, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] } })).toBe(400);
      expect(await create({ ...fields, description: 'plain text is v2, not v3' })).toBe(400);
      expect(jira.tickets().map((ticket) => ticket.key)).toEqual(['OPS-1']);
      expect(jira.invalid.map((request) => request.reason)).toEqual([
        'Client must be authenticated to access this resource.',
        'summary: Field cannot contain newline characters.',
        'labels: a label is a string of 1..255 characters without spaces',
        'description.content[0].content[0].text must be a non-empty string',
        "description is not an ADF document ({ type: 'doc', version: 1 })",
      ]);
      const search = await fetch(`${jira.url}/rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS AND labels = "pulse"')}&fields=key`, { headers: { Authorization: auth } });
      expect(await search.json()).toMatchObject({ issues: [{ key: 'OPS-1' }], isLast: true });
    } finally {
      await jira.stop();
    }
  });
});
