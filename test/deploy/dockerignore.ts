import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  negated: boolean;
  pattern: RegExp;
}

/** A .dockerignore pattern as a regular expression over slash-separated paths (Go's filepath.Match plus `**`). */
function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of directories, none included; a trailing `**` anything below.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The rules of a .dockerignore file: one pattern a line, `#` comments, `!` exceptions; paths relative to the context. */
export function parseDockerignore(text: string): Rule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const p = (negated ? l.slice(1) : l)
        .trim()
        .replace(/^\.?\//, '')
        .replace(/\/+$/, '');
      return { negated, pattern: patternRegExp(p) };
    });
}

/**
 * Whether the build context leaves `path` out, as BuildKit decides (moby/patternmatcher's MatchesOrParentMatches):
 * each rule in order that matches the path or one of its parent directories sets the answer, an exception to false.
 */
export function isIgnored(rules: Rule[], path: string): boolean {
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const r of rules) if (prefixes.some((p) => r.pattern.test(p))) ignored = !r.negated;
  return ignored;
}

/** Every file (and symlink) of the build context under `root`, relative paths, with the rules applied. */
export function contextFiles(root: string, rules: Rule[], dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      // A directory left out whole is not walked unless an exception may bring something of it back.
      if (isIgnored(rules, rel) && !rules.some((r) => r.negated)) continue;
      out.push(...contextFiles(root, rules, rel));
    } else if (!isIgnored(rules, rel)) out.push(rel);
  }
  return out;
}
