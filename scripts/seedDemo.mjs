// Seeds the demo swarm: seven sessions in one repository (the embedded default: each session
// a git worktree, no server), with real records written through the s2 CLI — a live blocker
// (sip holds up four sessions at phase 4), a helper on it, spend, and a session gone silent.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
// The whole CLI: dist/cli.js is the small entry that loads it (the hook's fast path lives there).
const { main } = require('../dist/cliMain.js');

export const DEMO_SESSIONS = ['ndi', 'webrtc', 'h323', 'sip', 'cli', 'talent', 'bus'];

const MANIFEST = `swarm: demo
polling: { intervalSeconds: 30, heartbeatSeconds: 60, probeSeconds: 2, helpLeaseSeconds: 900, maxHelpersPerBlocker: 2 }
budget: { swarmUsd: 150 }
pricing:
  claude-sonnet-4: { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 }
approvers:
  owner:
    title: the person running the swarm
sessions:
  ndi:
    title: NDI witness streaming
    expertise: [ndi, video]
    phases:
      4: { needs: [sip:4], validate: ["test -f ndi.txt"] }
  webrtc:
    title: WebRTC agent mesh
    expertise: [webrtc, sip]
    phases:
      4: { needs: [sip:4] }
  h323:
    title: H.323 guardian council
    expertise: [h323, telephony]
    phases:
      4: { needs: [sip:4] }
  sip:
    title: SIP escalation
    expertise: [sip, telephony]
    budgetUsd: 20
    phases:
      4:
        title: SIP trunk bridge
        needs: [h323:3]
        validate: ["test -f sip.txt"]
        helpTasks: ["fix the NDI side of the SIP-NDI bridge", "fix the WebRTC side of the SIP-WebRTC bridge", "fix the H.323 side of the SIP-H.323 gateway"]
  cli:
    title: CLI and witness tools
    expertise: [cli]
  talent:
    title: Talent UI
    expertise: [ui]
    phases:
      4: { needs: [sip:4] }
  bus:
    title: IF.bus
    expertise: [bus, sip]
`;

function git(cwd, ...args) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'demo',
      GIT_AUTHOR_EMAIL: 'demo@s2',
      GIT_COMMITTER_NAME: 'demo',
      GIT_COMMITTER_EMAIL: 'demo@s2',
    },
  }).trim();
}

async function s2(cwd, session, args, env) {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { ...process.env, ...env, S2_SESSION: session ?? '' },
    cwd,
  });
  if (code !== 0) throw new Error(`s2 ${args.join(' ')} (${session}) failed: ${err || out}`);
  return out;
}

/** Build the demo swarm under `root`; returns the paths and the env to use with it. */
export async function seedDemo(root, { log = () => {} } = {}) {
  const coord = path.join(root, 'coord');
  const home = path.join(root, 'home');
  mkdirSync(coord, { recursive: true });
  // The approver's key is encrypted like a real one (docs/TRUST.md), with a passphrase kept in a
  // file beside the demo, so the demo shows a swarm without APPROVER_KEY_UNPROTECTED.
  const passphraseFile = path.join(root, 'approver-passphrase');
  writeFileSync(passphraseFile, `demo-${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
  const env = { S2_HOME: home, S2_APPROVER_PASSPHRASE_FILE: passphraseFile };
  git(coord, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(coord, 'README.md'), '# the product the swarm builds\n');
  git(coord, 'add', '.');
  git(coord, 'commit', '-q', '-m', 'root');
  writeFileSync(path.join(root, 'swarm.yaml'), MANIFEST);
  await s2(coord, null, ['init', '--manifest', path.join(root, 'swarm.yaml')], env);
  // Instructions count only when an approver signed them (docs/TRUST.md): s2 instruct signs and commits.
  writeFileSync(
    path.join(root, 'sip-phase-4.md'),
    '---\nid: sip-phase-4\ntitle: SIP trunk bridge\n---\nBuild the SIP trunk bridge that NDI, WebRTC, H.323 and Talent integrate with in their phase 4.\n',
  );
  await s2(coord, null, ['instruct', 'sip:4', '--file', path.join(root, 'sip-phase-4.md'), '--as', 'owner'], env);
  const dirs = {};
  for (const s of DEMO_SESSIONS) {
    dirs[s] = path.join(root, `session-${s}`);
    git(coord, 'worktree', 'add', '-q', '-b', `s2/work/${s}`, dirs[s]);
  }
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  for (const s of DEMO_SESSIONS) {
    const last = s === 'cli' ? 5 : s === 'sip' ? 3 : s === 'bus' ? 2 : 3;
    const when = s === 'bus' ? { S2_NOW: hourAgo } : {};
    for (let p = 1; p <= last; p++) {
      await s2(dirs[s], s, ['start-phase', String(p), '--no-verify'], { ...env, ...when });
      writeFileSync(path.join(dirs[s], `${s}.txt`), `${s} phase ${p}\n`);
      git(dirs[s], 'add', '.');
      git(dirs[s], 'commit', '-q', '-m', `${s}: phase ${p}`);
      await s2(dirs[s], s, ['complete-phase', String(p)], { ...env, ...when });
    }
    log(`  ${s}: phases 1–${last} complete`);
  }
  // sip's phase 4 needs h323:3 verified by someone other than h323.
  await s2(dirs.sip, 'sip', ['verify', 'h323:3'], env);
  await s2(dirs.sip, 'sip', ['start-phase', '4'], env);
  await s2(dirs.sip, 'sip', ['spend', '13.40', '--model', 'claude-sonnet-4', '--note', 'phase 4 bridge'], env);
  await s2(dirs.ndi, 'ndi', ['spend', '6.10', '--model', 'claude-sonnet-4'], env);
  await s2(dirs.webrtc, 'webrtc', ['spend', '4.75', '--model', 'claude-sonnet-4'], env);
  await s2(dirs.talent, 'talent', ['block', '--on', 'sip:4', '--reason', 'the talent UI shows SIP call state'], env);
  await s2(dirs.webrtc, 'webrtc', ['help', '--auto'], env);
  for (const s of ['ndi', 'h323', 'cli', 'talent']) await s2(dirs[s], s, ['heartbeat'], env);
  return { root, coord, home, env, dirs };
}

export { s2 };
