import { isRecord } from './http-receiver';

/**
 * The Atlassian Document Format as Jira Cloud's REST v3 enforces it for descriptions and comments
 * (developer.atlassian.com/cloud/jira/platform/apis/document/structure/), for the nodes a
 * notification could use: a `doc` of version 1 holding block nodes (paragraph, heading,
 * bulletList, orderedList, codeBlock, blockquote, rule), whose inline content is text (never
 * empty) or hardBreak, with known marks. Jira answers 400 for a document outside the schema.
 */

const MARKS = ['strong', 'em', 'code', 'link', 'strike', 'underline'];
/** Jira's limit of a rich text field, in characters of its text. */
const MAX_FIELD_TEXT = 32_767;

export function adfProblem(doc: unknown, where: string): string | undefined {
  if (!isRecord(doc) || doc.type !== 'doc' || doc.version !== 1) return `${where} is not an ADF document ({ type: 'doc', version: 1 })`;
  if (!Array.isArray(doc.content)) return `${where}.content is not a list`;
  const problem = nodesProblem(doc.content, `${where}.content`, blockProblem);
  if (problem !== undefined) return problem;
  const length = textLength(doc);
  return length > MAX_FIELD_TEXT ? `${where} holds ${length} characters, more than ${MAX_FIELD_TEXT}` : undefined;
}

function nodesProblem(nodes: unknown[], where: string, check: (node: unknown, where: string) => string | undefined): string | undefined {
  for (const [index, node] of nodes.entries()) {
    const problem = check(node, `${where}[${index}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function blockProblem(node: unknown, where: string): string | undefined {
  if (!isRecord(node)) return `${where} is not a node`;
  const content = Array.isArray(node.content) ? node.content : undefined;
  switch (node.type) {
    case 'paragraph':
      return node.content === undefined ? undefined : content === undefined ? `${where}.content is not a list` : nodesProblem(content, `${where}.content`, inlineProblem);
    case 'heading': {
      const level = isRecord(node.attrs) ? node.attrs.level : undefined;
      if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 6) return `${where}.attrs.level is not 1..6`;
      return content === undefined ? undefined : nodesProblem(content, `${where}.content`, inlineProblem);
    }
    case 'codeBlock':
      return content === undefined ? undefined : nodesProblem(content, `${where}.content`, plainTextProblem);
    case 'bulletList':
    case 'orderedList':
      if (content === undefined || content.length === 0) return `${where} has no list items`;
      return nodesProblem(content, `${where}.content`, listItemProblem);
    case 'blockquote':
      if (content === undefined || content.length === 0) return `${where} is empty`;
      return nodesProblem(content, `${where}.content`, blockProblem);
    case 'rule':
      return undefined;
    default:
      return `${where}: ${String(node.type)} is not a block node`;
  }
}

function listItemProblem(node: unknown, where: string): string | undefined {
  if (!isRecord(node) || node.type !== 'listItem') return `${where} is not a listItem`;
  if (!Array.isArray(node.content) || node.content.length === 0) return `${where} is empty`;
  return nodesProblem(node.content, `${where}.content`, blockProblem);
}

function plainTextProblem(node: unknown, where: string): string | undefined {
  if (!isRecord(node) || node.type !== 'text' || typeof node.text !== 'string' || node.text === '') return `${where} is not a non-empty text node`;
  return node.marks === undefined ? undefined : `${where}: no marks in a codeBlock`;
}

function inlineProblem(node: unknown, where: string): string | undefined {
  if (isRecord(node) && node.type === 'hardBreak') return undefined;
  if (!isRecord(node) || node.type !== 'text') return `${where} is not a text node`;
  if (typeof node.text !== 'string' || node.text === '') return `${where}.text must be a non-empty string`;
  if (node.marks === undefined) return undefined;
  if (!Array.isArray(node.marks)) return `${where}.marks is not a list`;
  const types = node.marks.map((mark) => (isRecord(mark) ? String(mark.type) : ''));
  const unknown = types.find((type) => !MARKS.includes(type));
  if (unknown !== undefined) return `${where}: unknown mark ${unknown}`;
  if (types.includes('code') && types.some((type) => type !== 'code' && type !== 'link')) return `${where}: code combines only with link`;
  const link = node.marks.find((mark) => isRecord(mark) && mark.type === 'link');
  if (link !== undefined && !(isRecord(link) && isRecord(link.attrs) && typeof link.attrs.href === 'string')) return `${where}: a link mark needs attrs.href`;
  return undefined;
}

function textLength(node: unknown): number {
  if (!isRecord(node)) return 0;
  const own = typeof node.text === 'string' ? node.text.length : 0;
  return own + (Array.isArray(node.content) ? node.content.reduce((sum: number, child: unknown) => sum + textLength(child), 0) : 0);
}
