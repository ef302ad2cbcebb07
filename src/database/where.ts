/**
 * A WHERE clause built from optional filters. Each condition is a tagged template: every value
 * written inside `${…}` becomes the next numbered parameter (`$n`), so no value ever reaches the
 * SQL text and no caller counts placeholders. Column names and SQL are the template's own text.
 *
 *   const w = new Where();
 *   w.and`organization_id = ${org}`;
 *   if (q.status) w.and`status = ANY(${q.status}::text[])`;
 *   sql.rows(`SELECT … FROM loans WHERE ${w.sql} LIMIT ${w.param(50)}`, w.params);
 *
 * `params` may be given: numbering continues after what it holds, and values are appended to it.
 */
export class Where {
  private readonly conditions: string[] = [];

  constructor(readonly params: unknown[] = []) {}

  /** Adds a condition; a condition with no values is added as it is. */
  and(text: TemplateStringsArray, ...values: unknown[]): this {
    this.conditions.push(text.reduce((sql, part, i) => `${sql}${this.param(values[i - 1])}${part}`));
    return this;
  }

  /** The placeholder of one more value used outside the conditions (a LIMIT, a CTE). */
  param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }

  /** How many conditions there are. */
  get size(): number {
    return this.conditions.length;
  }

  /** The conditions ANDed together; `TRUE` when there are none. */
  get sql(): string {
    return this.conditions.length ? this.conditions.join(' AND ') : 'TRUE';
  }
}
