// What simple-git costs over a direct spawn of git, per command (median of N runs each), on a
// clone of a local bare remote. Not a dependency of S²: install it only to run this, e.g.
//   cd "$(mktemp -d)" && npm i simple-git@3.36.0 && node /path/to/s2/scripts/simple-git-cost.mjs 30
// (the package is resolved from the current folder). The figure is quoted in the README.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const { simpleGit } = createRequire(path.join(process.cwd(), 'x.js'))('simple-git');
const N = Number(process.argv[2] ?? 30);
const root = mkdtempSync(path.join(os.tmpdir(), 's2-sgcost-'));
const sh = (cwd, ...a) => execFileSync('git', a, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
const bare = path.join(root, 'r.git');
sh(root, 'init', '-q', '--bare', bare);
const repo = path.join(root, 'c');
sh(root, 'clone', '-q', bare, repo);
writeFileSync(path.join(repo, 'a'), 'a');
sh(repo, 'add', '.');
sh(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'a');
sh(repo, 'push', '-q', 'origin', 'HEAD:main');
const head = sh(repo, 'rev-parse', 'HEAD');
const direct = (args) =>
  new Promise((resolve, reject) => {
    const c = spawn('git', args, { cwd: repo });
    c.stdout.resume();
    c.stderr.resume();
    c.on('error', reject);
    c.on('close', resolve);
  });
const sg = simpleGit(repo);
const commands = {
  'fetch -q, nothing new (silent)': ['fetch', '-q', 'origin'],
  'update-ref (silent)': ['update-ref', 'refs/heads/x', head],
  'rev-parse HEAD (prints)': ['rev-parse', 'HEAD'],
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, args] of Object.entries(commands)) {
  const t = { direct: [], simpleGit: [] };
  for (let i = 0; i < N; i++) {
    let t0 = performance.now();
    await direct(args);
    t.direct.push(performance.now() - t0);
    t0 = performance.now();
    await sg.raw(args);
    t.simpleGit.push(performance.now() - t0);
  }
  const d = median(t.direct);
  const s = median(t.simpleGit);
  console.log(
    `${name.padEnd(32)} direct ${d.toFixed(1)} ms   simple-git ${s.toFixed(1)} ms   +${(s - d).toFixed(1)} ms`,
  );
}
rmSync(root, { recursive: true, force: true });
