import type { AlertAction } from '@pulse/notifiers';
import { deliveryTarget } from '../incidents/delivery-views';

/**
 * Error messages of a send are stored in `alert_deliveries.last_error` and shown by the API, and
 * a destination's message may quote what it failed on. An action carries credentials in several
 * places: a webhook's `secret` and a Jira `apiToken` are fields, a URL can carry them too
 * (`user:pass@`, a `?token=` query), and a Slack incoming-webhook URL IS the credential (its path
 * is the token Slack issued). So before it is stored, every one of them is cut out of the message.
 */

const MASK = '***';
const MIN_QUERY_SECRET_LENGTH = 4;

/**
 * `text` with the action's URL replaced by its displayable target (deliveryTarget), and the URL's
 * path (Slack), password and query values, the webhook secret and the Jira token replaced by `***`.
 */
export function redactSecrets(text: string, action: AlertAction): string {
  const secrets: { value: string; replacement: string }[] = [{ value: action.url, replacement: deliveryTarget(action) }];
  if (action.type === 'webhook' && action.secret !== undefined) secrets.push({ value: action.secret, replacement: MASK });
  if (action.type === 'jira') secrets.push({ value: action.apiToken, replacement: MASK });
  const url = parsedUrl(action.url);
  if (url !== undefined) {
    if (action.type === 'slack' && url.pathname.length > 1) secrets.push({ value: url.pathname, replacement: `/${MASK}` });
    if (url.password !== '') secrets.push({ value: url.password, replacement: MASK });
    // Short query values (`?v=1`) are no credentials; cutting them would garble status codes.
    for (const value of url.searchParams.values()) if (value.length >= MIN_QUERY_SECRET_LENGTH) secrets.push({ value, replacement: MASK });
  }
  // The longest first: a URL contains its own path and query.
  secrets.sort((a, b) => b.value.length - a.value.length);
  let redacted = text;
  for (const secret of secrets) {
    if (secret.value !== '') redacted = redacted.split(secret.value).join(secret.replacement);
  }
  return redacted;
}

function parsedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
