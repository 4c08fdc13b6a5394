import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by function, hottest first. */
  functions: { name: string; where: string; ms: number; pct: number }[];
  /** Self time by owner: a node_modules package, `node:` internals, wabus source, or a V8 pseudo-frame. */
  owners: { owner: string; ms: number; pct: number }[];
  /** The same, with time in node internals and native code charged to the nearest package or wabus caller. */
  callers: { owner: string; ms: number; pct: number }[];
}

function ownerOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  const m = /\/(packages|services)\/([^/]+)\//.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

/** Reads every .cpuprofile in `dir` (V8's --cpu-prof output) and sums self time by function and by owner. */
export async function summarizeCpuProfiles(dir: string, top = 15): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const byFn = new Map<string, { name: string; where: string; ms: number }>();
  const byOwner = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let totalMs = 0;
  for (const f of files) {
    const profile = JSON.parse(await readFile(join(dir, f), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const callerOf = (id: number): string => {
      const leaf = nodes.get(id);
      // GC, (program) and the like stay as they are; node internals and native frames go to their caller.
      if (leaf === undefined || (leaf.callFrame.url === '' && leaf.callFrame.functionName.startsWith('('))) {
        return leaf ? ownerOf('', leaf.callFrame.functionName) : '?';
      }
      for (let cur: number | undefined = id, depth = 0; cur !== undefined && depth < 500; cur = parent.get(cur), depth++) {
        const n = nodes.get(cur);
        if (n === undefined) break;
        const url = n.callFrame.url;
        if (url !== '' && !url.startsWith('node:')) return ownerOf(url, n.callFrame.functionName);
      }
      return 'node: internals';
    };
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!node) return;
      const { functionName, url, lineNumber } = node.callFrame;
      const name = functionName || '(anonymous)';
      if (name === '(idle)') return;
      totalMs += ms;
      const where = url === '' ? '' : `${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(packages|services)\//, '$1/')}:${lineNumber + 1}`;
      const key = `${name}@${where}`;
      const entry = byFn.get(key) ?? { name, where, ms: 0 };
      entry.ms += ms;
      byFn.set(key, entry);
      const owner = ownerOf(url, name);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
      const caller = callerOf(id);
      byCaller.set(caller, (byCaller.get(caller) ?? 0) + ms);
    });
  }
  const pct = (ms: number) => (totalMs > 0 ? (ms * 100) / totalMs : 0);
  return {
    totalMs,
    functions: [...byFn.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((e) => ({ ...e, pct: pct(e.ms) })),
    owners: [...byOwner]
      .map(([owner, ms]) => ({ owner, ms, pct: pct(ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
    callers: [...byCaller]
      .map(([owner, ms]) => ({ owner, ms, pct: pct(ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}
