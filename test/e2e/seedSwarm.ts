import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { git, SwarmFixture } from '../helpers/gitFixture';
import { signedInstruction } from '../helpers/signedInstruction';

/**
 * A seeded 7-session swarm in real git (worktree topology), shared by the end-to-end tests,
 * the extension-host tests and the demo: sip is the top blocker (webrtc:3 and h323:2 need
 * sip:4, cli:2 needs h323:2), webrtc is the workspace's session at 62% of its budget, and
 * instruction files exist for the blocked phases.
 */
export const SEED_SESSIONS = ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'bus'] as const;
export const WORKSPACE_SESSION = 'webrtc';

export function seedManifest(opts: { probeSeconds?: number } = {}): string {
  const s = (id: string, title: string, expertise: string, phases = ''): string =>
    `  ${id}:\n    title: ${title}\n    expertise: [${expertise}]\n    budgetUsd: 20\n    phaseCount: 10\n${phases}`;
  return [
    'swarm: s2-demo',
    'policy:',
    '  crossSessionVerification: advisory',
    'polling:',
    '  intervalSeconds: 30',
    '  heartbeatSeconds: 60',
    `  probeSeconds: ${opts.probeSeconds ?? 1}`,
    '  maxHelpersPerBlocker: 2',
    'budget:',
    '  swarmUsd: 140',
    'sessions:',
    s('ndi', 'NDI transport', 'video, ndi'),
    s(
      'webrtc',
      'WebRTC gateway',
      'webrtc, sip',
      '    phases:\n      3:\n        title: Signalling bridge\n        needs: [sip:4]\n',
    ),
    s(
      'h323',
      'H.323 interop',
      'h323, sip',
      '    phases:\n      2:\n        title: Call control\n        needs: [sip:4]\n',
    ),
    s(
      'sip',
      'SIP stack',
      'sip',
      '    phases:\n      4:\n        title: SIP trunk registration\n        helpTasks: [implement REGISTER retries, write the digest-auth tests]\n',
    ),
    s('cli', 'Operator CLI', 'cli', '    phases:\n      2:\n        title: Call commands\n        needs: [h323:2]\n'),
    s('talent', 'Talent console', 'ui'),
    s('bus', 'Event bus', 'bus, ndi'),
  ].join('\n');
}

export interface SeededSwarm {
  readonly fixture: SwarmFixture;
  /** The checkout the editor opens: webrtc's worktree. */
  readonly workspace: string;
  /** S2_HOME holding every session's private key. */
  readonly home: string;
}

/** Build the swarm: completions, started phases, spend, instructions. About 3–5 s. */
export async function seedSwarm(opts: { probeSeconds?: number; deadlock?: boolean } = {}): Promise<SeededSwarm> {
  const f = await SwarmFixture.create('worktree', seedManifest(opts));
  const run = async (session: string, args: string[]): Promise<void> => {
    const r = await f.cli(session, args);
    if (r.code !== 0) throw new Error(`seed: s2 ${args.join(' ')} as ${session} failed: ${r.stderr}`);
  };
  const complete = async (session: string, n: number): Promise<void> => {
    for (let p = 1; p <= n; p++) {
      await run(session, ['start-phase', String(p), '--no-verify']);
      f.work(session, `${session}/phase-${p}.txt`);
      await run(session, ['complete-phase', String(p)]);
    }
  };
  await complete('sip', 3);
  await complete('webrtc', 2);
  await complete('ndi', 2);
  await complete('h323', 1);
  await complete('cli', 1);
  await run('sip', ['start-phase', '4', '--no-verify']);
  await run('ndi', ['start-phase', '3', '--no-verify']);
  await run('talent', ['start-phase', '1', '--no-verify']);
  await run('bus', ['start-phase', '1', '--no-verify']);
  await run('webrtc', ['verify', 'sip:3']);
  await run('webrtc', ['spend', '7.30', '--model', 'claude-opus-4']);
  await run('webrtc', ['spend', '5.00', '--model', 'claude-sonnet-4']);
  await run('sip', ['spend', '15.10', '--model', 'claude-opus-4']);
  await run('ndi', ['spend', '4.20', '--model', 'gpt-5']);
  if (opts.deadlock) {
    await run('ndi', ['block', '--on', 'bus:1', '--reason', 'needs the event schema']);
    await run('bus', ['block', '--on', 'ndi:3', '--reason', 'needs the NDI frame format']);
  }
  writeInstructions(f);
  return { fixture: f, workspace: f.dir(WORKSPACE_SESSION), home: f.home };
}

/** Instruction files for the blocked phases, committed on the coordination branch and merged into webrtc's worktree. */
function writeInstructions(f: SwarmFixture): void {
  const files: [string, number, string][] = [
    ['webrtc', 3, 'Bridge WebRTC offers to SIP INVITEs once the SIP trunk registers.'],
    ['h323', 2, 'Map H.225 call control onto the SIP dialogs.'],
    ['sip', 4, 'Register the SIP trunk with retries and digest auth.'],
  ];
  for (const [s, n, body] of files) {
    const rel = path.join('.s2', 'instructions', s, `phase-${n}.md`);
    mkdirSync(path.dirname(path.join(f.coord, rel)), { recursive: true });
    // Instructions count only when an approver signed them (docs/TRUST.md).
    const text = `---\nid: ${s}-p${n}\nsession: ${s}\nphase: ${n}\nneeds: []\n---\n# ${s} phase ${n}\n\n${body}\n`;
    writeFileSync(path.join(f.coord, rel), signedInstruction(f.home, s, n, text, 'owner', 's2-demo'));
  }
  git(f.coord, 'add', '.s2/instructions');
  git(f.coord, 'commit', '-q', '-m', 'instructions for the blocked phases');
  git(f.dir(WORKSPACE_SESSION), 'merge', '-q', '--no-edit', 'main');
}
