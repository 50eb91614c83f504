/**
 * Where the CPU went: self time per function over the .cpuprofile files in a folder (as written by
 * `npm run bench:intake -- --profile DIR`), heaviest first.
 * Usage: npx tsx bench/cpu-profile.ts DIR [top=30]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [dir, top = '30'] = process.argv.slice(2);
if (!dir) throw new Error('usage: bench/cpu-profile.ts DIR [top]');

for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .sort()) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfMs = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const frame = frames.get(id)!;
    const where = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-3).join('/')}:${frame.lineNumber + 1}`;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    selfMs.set(where, (selfMs.get(where) ?? 0) + ms);
    totalMs += ms;
  });
  console.log(`${file}: ${totalMs.toFixed(0)} ms sampled`);
  for (const [where, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${where}`);
  }
}
