import { isRecord, startHttpReceiver, type HttpReceiver, type ReceivedRequest, type ServiceAnswer } from './http-receiver';

/**
 * A Slack incoming webhook: it takes a JSON message with a `text` and Block Kit `blocks`, checks
 * them against Slack's documented limits and block shapes (docs.slack.dev/reference/block-kit) and
 * answers as Slack does: 200 `ok`; 400 `invalid_payload` for a body that is not a message, 400
 * `no_text` without text or blocks, 400 `invalid_blocks` for a block Slack would refuse. Only the
 * block types Slack documents for messages that Pulse could send are known (header, section,
 * context, actions, divider); any other is refused as Slack refuses an unknown type.
 */

export interface SlackReceiver extends HttpReceiver {
  /** The accepted messages, in order. */
  messages(): { text: string; blocks: Record<string, unknown>[] }[];
}

const LIMITS = { blocks: 50, header: 150, text: 3000, fields: 10, field: 2000, contextElements: 10, actionElements: 25, buttonText: 75, url: 3000, actionId: 255, blockId: 255 };

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const receiver = await startHttpReceiver(answer);
  return {
    ...receiver,
    messages: () => receiver.received.map((request) => request.body as { text: string; blocks: Record<string, unknown>[] }),
  };
}

function answer(request: ReceivedRequest): ServiceAnswer {
  if (request.method !== 'POST') return { status: 405, body: 'invalid_payload', invalid: `method ${request.method}` };
  const problem = slackMessageProblem(request.body);
  if (problem === undefined) return { status: 200, body: 'ok' };
  return { status: 400, body: problem.split(':')[0], invalid: problem };
}

/** Why Slack would refuse a message body, starting with the error Slack answers; undefined when valid. */
export function slackMessageProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'invalid_payload: the body is not a JSON object';
  if (body.text !== undefined && typeof body.text !== 'string') return 'invalid_payload: text is not a string';
  const hasText = typeof body.text === 'string' && body.text.trim() !== '';
  if (!hasText && body.blocks === undefined) return 'no_text';
  const problem = body.blocks === undefined ? undefined : blocksProblem(body.blocks);
  return problem === undefined ? undefined : `invalid_blocks: ${problem}`;
}

function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks) || blocks.length === 0) return 'blocks is not a non-empty list';
  if (blocks.length > LIMITS.blocks) return `more than ${LIMITS.blocks} blocks`;
  for (const [index, block] of blocks.entries()) {
    const problem = blockProblem(block);
    if (problem !== undefined) return `blocks[${index}]: ${problem}`;
  }
  return undefined;
}

function blockProblem(block: unknown): string | undefined {
  if (!isRecord(block)) return 'not an object';
  if (block.block_id !== undefined && !(typeof block.block_id === 'string' && block.block_id.length <= LIMITS.blockId)) return 'block_id is not a string of at most 255 characters';
  switch (block.type) {
    case 'header':
      return textProblem(block.text, ['plain_text'], LIMITS.header, 'text');
    case 'section':
      return sectionProblem(block);
    case 'context':
      return listProblem(block.elements, LIMITS.contextElements, 'elements', (element) => textProblem(element, ['plain_text', 'mrkdwn'], LIMITS.text, 'element'));
    case 'actions':
      return listProblem(block.elements, LIMITS.actionElements, 'elements', buttonProblem);
    case 'divider':
      return undefined;
    default:
      return `unknown block type ${String(block.type)}`;
  }
}

function sectionProblem(block: Record<string, unknown>): string | undefined {
  if (block.text === undefined && block.fields === undefined) return 'a section needs text or fields';
  if (block.text !== undefined) {
    const problem = textProblem(block.text, ['plain_text', 'mrkdwn'], LIMITS.text, 'text');
    if (problem !== undefined) return problem;
  }
  if (block.fields === undefined) return undefined;
  return listProblem(block.fields, LIMITS.fields, 'fields', (field) => textProblem(field, ['plain_text', 'mrkdwn'], LIMITS.field, 'field'));
}

function buttonProblem(element: unknown): string | undefined {
  if (!isRecord(element) || element.type !== 'button') return 'not a button';
  const text = textProblem(element.text, ['plain_text'], LIMITS.buttonText, 'button text');
  if (text !== undefined) return text;
  if (element.url !== undefined && !(typeof element.url === 'string' && element.url.length <= LIMITS.url && /^https?:\/\//.test(element.url))) return `url is not an http(s) URL of at most ${LIMITS.url} characters`;
  if (element.action_id !== undefined && !(typeof element.action_id === 'string' && element.action_id.length <= LIMITS.actionId)) return 'action_id is too long';
  return undefined;
}

function listProblem(list: unknown, max: number, name: string, check: (item: unknown) => string | undefined): string | undefined {
  if (!Array.isArray(list) || list.length === 0) return `${name} is not a non-empty list`;
  if (list.length > max) return `more than ${max} ${name}`;
  for (const [index, item] of list.entries()) {
    const problem = check(item);
    if (problem !== undefined) return `${name}[${index}]: ${problem}`;
  }
  return undefined;
}

function textProblem(value: unknown, types: string[], max: number, name: string): string | undefined {
  if (!isRecord(value) || !types.includes(String(value.type))) return `${name} is not a ${types.join(' or ')} text object`;
  if (typeof value.text !== 'string' || value.text.length === 0) return `${name} is empty`;
  if (value.text.length > max) return `${name} is longer than ${max} characters (${value.text.length})`;
  if (value.type === 'mrkdwn' && value.emoji !== undefined) return `${name}: emoji is only for plain_text`;
  return undefined;
}
