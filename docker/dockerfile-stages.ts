/**
 * The named stages of a Dockerfile, as far as the compose checks (compose-checks.ts) need them: a
 * compose service builds one stage (`build.target`), and what that stage's image sets (ENV, EXPOSE,
 * HEALTHCHECK, CMD) is part of the container the service runs. No Docker engine is needed to read
 * them, and none is available on the development machines; a stage built `FROM` another stage
 * inherits what it sets, as in a build.
 *
 * Only the forms docker/Dockerfile uses are read; anything else that would change the answer (ENV
 * with quotes, CMD in shell form) is an error rather than a guess.
 */
export interface DockerfileStage {
  /** The `AS` name; stages without one cannot be a compose target and are not returned. */
  name: string;
  /** The image or earlier stage it is built FROM. */
  base: string;
  /** ENV of this stage and of the stages it is built from. */
  env: Readonly<Record<string, string>>;
  /** EXPOSEd container ports. */
  exposed: readonly number[];
  /** Whether the image has a HEALTHCHECK (HEALTHCHECK NONE removes an inherited one). */
  healthcheck: boolean;
  /** CMD in exec form; undefined when neither it nor a stage it is built from sets one. */
  cmd: readonly string[] | undefined;
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The named stages of `text`, by name. */
export function parseDockerfile(text: string): Map<string, DockerfileStage> {
  const stages = new Map<string, DockerfileStage>();
  let current: DockerfileStage | undefined;
  for (const { keyword, args, line } of instructions(text)) {
    if (keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+([A-Za-z0-9_.-]+))?$/i.exec(args);
      if (!match) throw new Error(`Dockerfile line ${line}: cannot read FROM ${args}`);
      const parent = stages.get(match[1]);
      current = {
        name: match[2] ?? '',
        base: match[1],
        env: { ...parent?.env },
        exposed: [...(parent?.exposed ?? [])],
        healthcheck: parent?.healthcheck ?? false,
        cmd: parent?.cmd,
      };
      if (match[2] !== undefined) stages.set(match[2], current);
      continue;
    }
    if (current === undefined) {
      if (keyword === 'ARG') continue;
      throw new Error(`Dockerfile line ${line}: ${keyword} before the first FROM`);
    }
    if (keyword === 'ENV') current.env = { ...current.env, ...envPairs(args, line) };
    else if (keyword === 'EXPOSE') current.exposed = [...current.exposed, ...args.split(/\s+/).map((port) => exposedPort(port, line))];
    else if (keyword === 'HEALTHCHECK') current.healthcheck = !/^NONE$/i.test(args);
    else if (keyword === 'CMD') current.cmd = execForm(args, line);
  }
  return stages;
}

/** Instructions with their continuation lines joined; comments and blank lines dropped. */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === undefined && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== undefined && trimmed.startsWith('#')) return;
    const continued = trimmed.endsWith('\\');
    const body = continued ? trimmed.slice(0, -1) : trimmed;
    pending = pending === undefined ? { text: body, line: index + 1 } : { text: `${pending.text} ${body}`, line: pending.line };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match) result.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: pending.line });
    pending = undefined;
  });
  return result;
}

function envPairs(args: string, line: number): Record<string, string> {
  if (/["'\\$]/.test(args)) throw new Error(`Dockerfile line ${line}: ENV with quotes, escapes or references is not read here: ${args}`);
  const words = args.split(/\s+/);
  if (!words[0].includes('=')) return { [words[0]]: words.slice(1).join(' ') }; // the legacy `ENV NAME value` form
  return Object.fromEntries(
    words.map((word) => {
      const at = word.indexOf('=');
      if (at <= 0) throw new Error(`Dockerfile line ${line}: ENV ${word} is not NAME=value`);
      return [word.slice(0, at), word.slice(at + 1)];
    }),
  );
}

function exposedPort(word: string, line: number): number {
  const match = /^(\d{1,5})(?:\/(?:tcp|udp))?$/.exec(word);
  if (!match) throw new Error(`Dockerfile line ${line}: EXPOSE ${word} is not a port`);
  return Number(match[1]);
}

function execForm(args: string, line: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === 'string')) {
    throw new Error(`Dockerfile line ${line}: CMD must be in exec form (a JSON array of strings): ${args}`);
  }
  return parsed;
}
