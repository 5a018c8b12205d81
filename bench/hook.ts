import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GeneratedSwarm } from './lib/swarmGen';
import { execNode, median, nowMs } from './lib/util';
import { cliPath } from './cliStatus';

/**
 * `s2 hook claude` as Claude Code runs it before and after tool calls: a new node process on
 * dist/cli.js, the hook JSON on stdin, against the runtime's own start (`node -e ''`) measured
 * in the same loop. Each round is what an agent does: a model turn lands in the transcript,
 * then a plain tool call (PreToolUse), a sub-agent spawn (PreToolUse Task: a slot is taken),
 * the spawn's PostToolUse before its result is in the transcript (metering), and its
 * PostToolUse once the result is there (metering; the slot is freed). Slots are counted in the
 * clone's agent-slot journal and committed by the next full read (no loop runs here): the
 * medians include those full reads, one per cache lifetime (20 s) or moved ref.
 */
export type HookCase = 'pre-tool' | 'pre-spawn' | 'post-metering' | 'post-release';
export const HOOK_CASES: readonly HookCase[] = ['pre-tool', 'pre-spawn', 'post-metering', 'post-release'];

export interface HookBenchResult {
  readonly available: boolean;
  readonly note: string;
  readonly sessions: number;
  readonly runs: number;
  readonly nodeStartMs: number;
  /** Median wall time per case, and its ratio to `node -e ''`. */
  readonly ms: Readonly<Record<HookCase, number>>;
  readonly ratio: Readonly<Record<HookCase, number>>;
  /** Calls whose output was not what the case expects (a deny where none is due, an error). */
  readonly wrongAnswers: number;
}

function runHook(
  cli: string,
  repo: string,
  env: NodeJS.ProcessEnv,
  input: object,
): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(process.execPath, [cli, '--repo', repo, 'hook', 'claude'], { env, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve({ ms: nowMs() - t0, out }));
    child.stdin.end(JSON.stringify(input));
  });
}

const turn = (id: string): string =>
  `${JSON.stringify({ type: 'assistant', message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 20, output_tokens: 40, cache_read_input_tokens: 2000 } } })}\n`;
const result = (toolUseId: string): string =>
  `${JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'done' }] } })}\n`;

export async function benchHook(gen: GeneratedSwarm, runs: number): Promise<HookBenchResult> {
  const cli = cliPath();
  const empty = Object.fromEntries(HOOK_CASES.map((c) => [c, NaN])) as Record<HookCase, number>;
  if (!existsSync(cli))
    return {
      available: false,
      note: `${cli} is absent: run npm run build`,
      sessions: gen.ids.length,
      runs: 0,
      nodeStartMs: NaN,
      ms: empty,
      ratio: empty,
      wrongAnswers: 0,
    };
  const me = gen.ids[0]!;
  const env: NodeJS.ProcessEnv = { ...process.env, S2_HOME: gen.home, S2_SESSION: me };
  delete env['NODE_OPTIONS'];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 's2-bench-hook-'));
  const transcript = path.join(tmp, 'session.jsonl');
  writeFileSync(transcript, `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'start' } })}\n`);
  const base = { session_id: 'bench', transcript_path: transcript, cwd: gen.dir };
  const times: Record<HookCase, number[]> = {
    'pre-tool': [],
    'pre-spawn': [],
    'post-metering': [],
    'post-release': [],
  };
  const node: number[] = [];
  let wrong = 0;
  const call = async (c: HookCase | null, input: object, denyExpected = false): Promise<void> => {
    const r = await runHook(cli, gen.dir, env, { ...base, ...input });
    if (/"deny"/.test(r.out) !== denyExpected || /error|could not/i.test(r.out)) wrong++;
    if (c) times[c].push(r.ms);
  };
  try {
    await call(null, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} }); // warm the page cache
    for (let i = 0; i < runs; i++) {
      node.push((await execNode(['-e', ''], gen.dir, env)).wallMs);
      appendFileSync(transcript, turn(`msg_${i}_a`));
      await call('pre-tool', { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } });
      const spawnInput = { tool_name: 'Task', tool_use_id: `toolu_bench_${i}`, tool_input: { description: 'x' } };
      appendFileSync(transcript, turn(`msg_${i}_b`));
      await call('pre-spawn', { hook_event_name: 'PreToolUse', ...spawnInput });
      await call('post-metering', { hook_event_name: 'PostToolUse', ...spawnInput });
      appendFileSync(transcript, result(`toolu_bench_${i}`));
      await call('post-release', { hook_event_name: 'PostToolUse', ...spawnInput });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const nodeStartMs = median(node);
  const ms = Object.fromEntries(HOOK_CASES.map((c) => [c, median(times[c])])) as Record<HookCase, number>;
  return {
    available: true,
    note: '',
    sessions: gen.ids.length,
    runs,
    nodeStartMs,
    ms,
    ratio: Object.fromEntries(HOOK_CASES.map((c) => [c, ms[c] / nodeStartMs])) as Record<HookCase, number>,
    wrongAnswers: wrong,
  };
}
