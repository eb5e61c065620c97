import type { TicketRegistry } from '@pulse/notifiers';
import type { Pool } from 'pg';

/**
 * The memory of filed Jira tickets (`alert_jira_tickets`): one ticket per Pulse issue per Jira
 * site and project (`destination`, as the Jira destination names it). The Jira destination looks
 * here first, then searches Jira, and only then files a ticket. `remember` keeps the FIRST key:
 * two senders that raced past the look-up both remember, and every later notification then
 * agrees on one ticket rather than following whichever write came last.
 */
export class PostgresTicketRegistry implements TicketRegistry {
  constructor(private readonly pool: Pool) {}

  async find(issueId: number, destination: string): Promise<string | undefined> {
    const result = await this.pool.query<{ ticket_key: string }>(`SELECT ticket_key FROM alert_jira_tickets WHERE issue_id = $1 AND destination = $2`, [issueId, destination]);
    return result.rows[0]?.ticket_key;
  }

  async remember(issueId: number, destination: string, ticketKey: string): Promise<void> {
    if (ticketKey === '') throw new RangeError('a Jira ticket key must not be empty');
    await this.pool.query(
      `INSERT INTO alert_jira_tickets (issue_id, destination, ticket_key) VALUES ($1, $2, $3) ON CONFLICT (issue_id, destination) DO NOTHING`,
      [issueId, destination, ticketKey],
    );
  }
}
