import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The verifiers' `integrate` command in `npm run swarm`, run by `s2 verify` in the merged
 * tree: every provider API version (`api/<session>.version`) must be the one this session
 * expects (`expects/<me>/<session>.version`), where it expects one. A provider that changes
 * its API fails its consumer's verification until the consumer adapts its side.
 */
function check(me: string, root: string): string[] {
  const apiDir = path.join(root, 'api');
  if (!existsSync(apiDir)) return [];
  const problems: string[] = [];
  for (const f of readdirSync(apiDir).filter((x) => x.endsWith('.version'))) {
    const expectFile = path.join(root, 'expects', me, f);
    if (!existsSync(expectFile)) continue;
    const have = readFileSync(path.join(apiDir, f), 'utf8').trim();
    const want = readFileSync(expectFile, 'utf8').trim();
    if (have !== want) problems.push(`${me} expects ${f.replace(/\.version$/, '')} API ${want}, the merge has ${have}`);
  }
  return problems;
}

if (require.main === module) {
  const me = process.argv[2];
  if (!me) {
    process.stderr.write('usage: integrateCheck.js SESSION (run by s2 verify in the merged tree)\n');
    process.exit(2);
  }
  const problems = check(me, process.cwd());
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exit(problems.length ? 1 : 0);
}
