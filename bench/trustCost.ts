import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SwarmSession } from '../src/loop/swarmSession';
import { TranscriptMeter } from '../src/loop/transcriptMeter';
import { DEFAULT_PRICING } from '../src/core/pricingTable';
import { git, simpleManifest, SwarmFixture } from '../test/helpers/gitFixture';
import { signedInstruction } from '../test/helpers/signedInstruction';

/**
 * What the root of trust costs (issue #13's closing note): `s2 status` as a new process with
 * this branch's CLI against main's CLI on the same swarm (7 and 50 sessions), the chain check
 * inside a warm tick, and the hook's metering per call on a 10 MB transcript.
 * Usage: node out/bench/trustCost.js [MAIN_CLI.js]
 */
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

function timeCli(cli: string, cwd: string, home: string, runs: number): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('node', [cli, '--json', 'status'], {
      cwd,
      env: { ...process.env, S2_HOME: home, S2_SESSION: '' },
    });
    if (r.status !== 0 && r.status !== 1) throw new Error(`status exited ${r.status}: ${r.stderr}`);
    out.push(ms(t));
  }
  return median(out);
}

async function swarmCost(n: number, mainCli: string | null): Promise<Record<string, number>> {
  const ids = Array.from({ length: n }, (_, i) => `s${i + 1}`);
  const f = await SwarmFixture.create('worktree', simpleManifest(ids, 3));
  try {
    for (const id of ids) await f.cli(id, ['heartbeat']);
    for (const id of ids) {
      const file = path.join(f.coord, `.s2/instructions/${id}/phase-1.md`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, signedInstruction(f.home, id, 1, `---\nid: ${id}-p1\n---\nDo phase 1.\n`));
    }
    git(f.coord, 'add', '.');
    git(f.coord, 'commit', '-q', '-m', 'instructions');
    const cli = path.resolve(__dirname, '../../dist/cli.js');
    const runs = 9;
    const result: Record<string, number> = {};
    // Interleave: warm the page cache with one run of each first.
    timeCli(cli, f.coord, f.home, 1);
    if (mainCli) timeCli(mainCli, f.coord, f.home, 1);
    result['statusMs'] = timeCli(cli, f.coord, f.home, runs);
    if (mainCli) result['statusMainMs'] = timeCli(mainCli, f.coord, f.home, runs);
    const s = await SwarmSession.open({
      repo: f.dir(ids[0]!),
      session: ids[0]!,
      env: { ...process.env, S2_HOME: f.home },
    });
    try {
      await s.view();
      const tip = (await s.reader.coordination()).tip;
      const chain: number[] = [];
      const tick: number[] = [];
      for (let i = 0; i < 20; i++) {
        let t = process.hrtime.bigint();
        await s.reader.effectivePlan(tip);
        chain.push(ms(t));
        t = process.hrtime.bigint();
        await s.view();
        tick.push(ms(t));
      }
      result['chainWarmMs'] = median(chain);
      result['viewWarmMs'] = median(tick);
      const cold: number[] = [];
      for (let i = 0; i < 5; i++) {
        const fresh = await SwarmSession.open({
          repo: f.dir(ids[0]!),
          session: ids[0]!,
          env: { ...process.env, S2_HOME: f.home },
        });
        const t = process.hrtime.bigint();
        await fresh.reader.effectivePlan(tip);
        cold.push(ms(t));
        fresh.dispose();
      }
      result['chainColdMs'] = median(cold);
    } finally {
      s.dispose();
    }
    return result;
  } finally {
    f.cleanup();
  }
}

function line(i: number, pad: string): string {
  const usage = {
    input_tokens: 3,
    cache_creation_input_tokens: 500,
    cache_read_input_tokens: 20000,
    output_tokens: 300,
  };
  const base = {
    parentUuid: null,
    isSidechain: false,
    type: 'assistant',
    sessionId: 'bench',
    version: '2.1.39',
    requestId: `req_${i}`,
  };
  const msg = (content: unknown) => ({
    model: 'claude-sonnet-4-5-20250929',
    id: `msg_${i}`,
    type: 'message',
    role: 'assistant',
    content: [content],
    usage,
  });
  return [
    JSON.stringify({ ...base, uuid: `${i}-a`, message: msg({ type: 'text', text: pad }) }),
    JSON.stringify({
      ...base,
      uuid: `${i}-b`,
      message: msg({ type: 'tool_use', id: `toolu_${i}`, name: 'Read', input: { file_path: '/x' } }),
    }),
    JSON.stringify({
      type: 'user',
      uuid: `${i}-r`,
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: pad }] },
    }),
  ].join('\n');
}

async function meteringCost(dir: string): Promise<Record<string, number>> {
  mkdirSync(dir, { recursive: true });
  const transcript = path.join(dir, 'bench.jsonl');
  const pad = 'x'.repeat(1500);
  const lines: string[] = [];
  let i = 0;
  let size = 0;
  while (size < 10 * 1024 * 1024) {
    const l = `${line(i++, pad)}\n`;
    lines.push(l);
    size += Buffer.byteLength(l);
  }
  writeFileSync(transcript, lines.join(''));
  const result: Record<string, number> = { transcriptMB: Math.round((size / 1048576) * 10) / 10, messages: i };
  const firsts: number[] = [];
  const incs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const meter = new TranscriptMeter(path.join(dir, `state-${r}.json`), path.join(dir, `lock-${r}`));
    let t = process.hrtime.bigint();
    await meter.meter([transcript], DEFAULT_PRICING, new Set(), async () => undefined);
    firsts.push(ms(t));
    appendFileSync(transcript, `${line(i++, pad)}\n`);
    t = process.hrtime.bigint();
    await meter.meter([transcript], DEFAULT_PRICING, new Set(), async () => undefined);
    incs.push(ms(t));
  }
  result['firstReadMs'] = median(firsts);
  result['incrementalMs'] = median(incs);
  return result;
}

async function run(): Promise<void> {
  const mainCli = process.argv[2] ?? null;
  const out: Record<string, unknown> = {};
  for (const n of [7, 50]) out[`sessions${n}`] = await swarmCost(n, mainCli);
  const tmp = execFileSync('mktemp', ['-d']).toString().trim();
  out['metering10MB'] = await meteringCost(tmp);
  execFileSync('rm', ['-rf', tmp]);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

void run();
