import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { enforceNeeds, screenAdoptions } from '../src/core/claimChecks';
import { evaluateCompletions } from '../src/core/completions';
import { computeView } from '../src/core/view';
import type { Violation } from '../src/core/viewTypes';
import { summariseRepeats } from '../src/core/violationSummary';
import { approverReadPoint } from '../src/git/approverReadPoint';
import { SwarmSession } from '../src/loop/swarmSession';
import { generateSwarm } from './lib/swarmGen';
import { execNode, median, removeDir, repoRoot, tempDir } from './lib/util';

/**
 * The cost of issue #20's checks (seals, ref checks, authenticated local state, YAML caps) on
 * what agents run most: `s2 status` and `s2 hook claude` (PreToolUse, a Bash call), as new
 * node processes on dist/cli.js, at 7 and 50 sessions. Every session writes one heartbeat
 * after generation, so its tip is sealed (the steady state). Cold = no record cache
 * (S2_NO_CACHE=1), warm = the cache as the last run left it; then, in-process, the engine and
 * the checks added for item 9, item 10 and approver seals (inProcess). Run it in two trees to compare:
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
    const checks = await inProcess(gen.dir, gen.ids[0]!, env);
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
    return { ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(median(v))])), ...checks };
  } finally {
    removeDir(root);
  }
}

/**
 * What the checks added for items 9 and 10 and for approver seals cost inside one read, measured
 * in-process (the new-process figures above swing by hundreds of ms with the machine's load):
 * the whole engine (computeView), the claim checks and the summary alone, and the approver seal
 * walk. Medians in ms over 50 rounds on one snapshot.
 */
async function inProcess(repo: string, session: string, env: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  const s = await SwarmSession.open({ repo, session, env });
  try {
    const snap = await s.snapshot();
    const now = new Date();
    const time = (fn: () => unknown): number => {
      const xs: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t = performance.now();
        fn();
        xs.push(performance.now() - t);
      }
      return Math.round(median(xs) * 1000) / 1000;
    };
    const violations: Violation[] = [];
    const table = evaluateCompletions(snap, violations);
    const view = computeView(snap, now);
    const seals: number[] = [];
    for (const [id, a] of Object.entries(snap.plan.approvers)) {
      const tip = await s.reader.tipOf(`s2/approvals/${id}`, true);
      if (!tip) continue;
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await approverReadPoint(s.reader.cat, tip, id, a.publicKey, []);
        seals.push(performance.now() - t);
      }
    }
    return {
      viewMs: time(() => computeView(snap, now)),
      claimChecksMs: time(() => enforceNeeds(screenAdoptions(snap, []), table, now, [])),
      summaryMs: time(() => summariseRepeats(view.violations)),
      approverSealMs: seals.length ? Math.round(median(seals) * 1000) / 1000 : -1,
    };
  } finally {
    s.dispose();
  }
}

async function run(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  for (const n of [7, 50])
    process.stdout.write(`${n} sessions: ${JSON.stringify(await one(n, runs))} (median ms of ${runs})\n`);
}

void run();
