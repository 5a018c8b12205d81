import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { SwarmSession } from '../src/loop/swarmSession';
import { generateSwarm } from './lib/swarmGen';
import { execNode, median, removeDir, repoRoot, tempDir } from './lib/util';

/**
 * The cost of issue #20's checks (seals, ref checks, authenticated local state, YAML caps) on
 * what agents run most: `s2 status` and `s2 hook claude` (PreToolUse, a Bash call), as new
 * node processes on dist/cli.js, at 7 and 50 sessions. Every session writes one heartbeat
 * after generation, so its tip is sealed (the steady state). Cold = no record cache
 * (S2_NO_CACHE=1), warm = the cache as the last run left it. Run it in two trees to compare:
 *   npm run build && npm run compile-tests && node out/bench/issue20Cost.js [runs]
 */
async function one(sessions: number, runs: number): Promise<Record<string, number>> {
  const root = tempDir('s2-issue20-');
  try {
    const gen = await generateSwarm(path.join(root, 'repo'), path.join(root, 'home'), {
      sessions,
      totalCommits: sessions * 40,
      phases: 10,
    });
    const env: NodeJS.ProcessEnv = { ...process.env, S2_HOME: gen.home };
    delete env['NODE_OPTIONS'];
    for (const id of gen.ids) {
      const s = await SwarmSession.open({ repo: gen.dir, session: id, env });
      try {
        await (await s.store((await s.snapshot()).plan)).heartbeat();
      } finally {
        s.dispose();
      }
    }
    const cli = path.join(repoRoot(), 'dist', 'cli.js');
    const hookInput = JSON.stringify({
      hook_event_name: 'PreToolUse',
      session_id: 'x',
      tool_name: 'Bash',
      tool_use_id: 't',
    });
    const out: Record<string, number[]> = { statusCold: [], statusWarm: [], hookWarm: [] };
    await execNode([cli, 'status'], gen.dir, env);
    for (let i = 0; i < runs; i++) {
      out['statusCold']!.push((await execNode([cli, 'status'], gen.dir, { ...env, S2_NO_CACHE: '1' })).wallMs);
      out['statusWarm']!.push((await execNode([cli, 'status'], gen.dir, env)).wallMs);
      const t = Date.now();
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [cli, '--session', gen.ids[0], 'hook', 'claude'], {
          cwd: gen.dir,
          env,
        });
        child.on('close', () => resolve());
        child.stdin.end(hookInput);
      });
      out['hookWarm']!.push(Date.now() - t);
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(median(v))]));
  } finally {
    removeDir(root);
  }
}

async function run(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  for (const n of [7, 50])
    process.stdout.write(`${n} sessions: ${JSON.stringify(await one(n, runs))} (median ms of ${runs})\n`);
}

void run();
