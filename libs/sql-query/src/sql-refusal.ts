/**
 * A query the SQL API will not run, and why: the message is the `detail` of the 400 answer, so it
 * names what was refused and, where there is one, the allowed way to write it.
 */
export class SqlRefusal extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'SqlRefusal';
  }
}
