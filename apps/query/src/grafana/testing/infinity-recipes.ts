/**
 * The Infinity recipes of docs/grafana.md, read back from the file so the tests replay exactly what
 * the documentation tells users to type. A recipe is a `#### title` section with a table of
 * settings: `| URL | \`…\` |`, `| Root | \`series\` |` (or no selector: the answer itself) and
 * `| Columns | \`t\` Time (UNIX ms), \`p95\` Number, … |`.
 */
export type InfinityColumnType = 'Time (UNIX ms)' | 'Number' | 'String';

export interface InfinityRecipe {
  title: string;
  url: string;
  root?: string;
  columns: Array<{ selector: string; type: InfinityColumnType }>;
}

export function infinityRecipes(markdown: string): InfinityRecipe[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Infinity recipes'));
  if (!section) throw new Error('docs: no "## Infinity recipes" section');
  return section
    .split(/^#### /m)
    .slice(1)
    .map((part) => {
      const title = part.slice(0, part.indexOf('\n')).trim();
      const setting = (name: string): string | undefined => new RegExp(`^\\| ${name} \\| (.+) \\|$`, 'm').exec(part)?.[1];
      const url = /`([^`]+)`/.exec(setting('URL') ?? '')?.[1];
      if (!url) throw new Error(`docs: recipe "${title}" has no URL`);
      const root = /`([^`]+)`/.exec(setting('Root') ?? '')?.[1];
      const columns = [...(setting('Columns') ?? '').matchAll(/`([^`]+)` (Time \(UNIX ms\)|Number|String)/g)].map(([, selector, type]) => ({ selector, type: type as InfinityColumnType }));
      if (columns.length === 0) throw new Error(`docs: recipe "${title}" has no columns`);
      return { title, url, root, columns };
    });
}

/** A dotted selector (`series`, `lcp.p75`) as Infinity's default parser reads it. */
export function resolvePath(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined), value);
}
