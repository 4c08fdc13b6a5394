import { DeployCheckError } from './errors.ts';

/** One instruction of a Dockerfile: its keyword, its `--flag=value` options, and its arguments (JSON form or words). */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** The exec (JSON array) form's elements, or the shell form's text split on blanks. */
  args: string[];
  /** The text after the keyword and flags, as written (continuations joined). */
  text: string;
  json: boolean;
  line: number;
}

export interface Stage {
  /** `FROM <image> [AS <name>]`. */
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** `ARG`s before the first FROM (usable in FROM lines). */
  globalArgs: Instruction[];
  stages: Stage[];
}

/** Lines joined at `\` continuations, comments and blank lines dropped; each with the number of its first line. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current === undefined)) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    current = current === undefined ? { line: i + 1, text: part } : { line: current.line, text: `${current.text} ${part}`.trim() };
    if (!continued) {
      out.push(current);
      current = undefined;
    }
  });
  if (current !== undefined) out.push(current);
  return out;
}

function instruction(l: { line: number; text: string }): Instruction {
  const [keyword = ''] = l.text.split(/\s+/);
  let text = l.text.slice(keyword.length).trim();
  const flags: Record<string, string> = {};
  for (let m = /^--([\w-]+)(?:=(\S*))?\s*/.exec(text); m !== null; m = /^--([\w-]+)(?:=(\S*))?\s*/.exec(text)) {
    flags[m[1]!] = m[2] ?? 'true';
    text = text.slice(m[0].length);
  }
  if (text.startsWith('[')) {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
      throw new DeployCheckError('WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED', { message: `line ${l.line}: ${keyword}'s JSON form must be an array of strings` });
    return { keyword: keyword.toUpperCase(), flags, args: parsed, text, json: true, line: l.line };
  }
  return { keyword: keyword.toUpperCase(), flags, args: text.split(/\s+/).filter((a) => a !== ''), text, json: false, line: l.line };
}

/** Parses a Dockerfile into its stages, the way BuildKit reads the parts wabus uses (no heredocs, no ONBUILD). */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const l of logicalLines(text)) {
    const ins = instruction(l);
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args;
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new DeployCheckError('WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED', { message: `line ${l.line}: ${ins.keyword} before FROM` });
      globalArgs.push(ins);
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** The instructions of a stage with a keyword. */
export const instructionsOf = (stage: Stage, keyword: string): Instruction[] => stage.instructions.filter((i) => i.keyword === keyword);

/** `${NAME}` and `$NAME` replaced from `vars` (ARG and ENV values); an unknown name is left as written. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => vars[(braced ?? bare)!] ?? whole);
}

/** `NAME=value` pairs of an ARG or ENV instruction (an ARG without a value maps to ''). */
export function assignments(ins: Instruction): Record<string, string> {
  if (ins.keyword === 'ENV' && !ins.args[0]?.includes('='))
    throw new DeployCheckError('WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED', { message: `line ${ins.line}: write ENV as NAME=value` });
  const out: Record<string, string> = {};
  for (const word of ins.args) {
    const eq = word.indexOf('=');
    out[eq < 0 ? word : word.slice(0, eq)] = eq < 0 ? '' : word.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** What a stage's ARG or ENV lines assign, as written (no substitution), a later line winning. */
export const stageAssignments = (stage: Stage, keyword: 'ARG' | 'ENV'): Record<string, string> =>
  Object.assign({}, ...instructionsOf(stage, keyword).map(assignments)) as Record<string, string>;
