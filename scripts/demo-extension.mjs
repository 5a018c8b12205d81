#!/usr/bin/env node
// The VS Code part of `npm run demo`: package the extension, install it into code-server,
// serve a seeded swarm's workspace on 127.0.0.1 and print the URL. Runs until Ctrl+C, then
// stops every process it started and removes the temporary swarm it seeded.
//
//   node scripts/demo-extension.mjs                       seed a 7-session swarm here, serve webrtc's worktree
//   node scripts/demo-extension.mjs --workspace DIR --s2-home DIR   serve a swarm seeded elsewhere (scripts/demo.mjs)
//
// As a module: `await serveExtension({ workspace, s2Home })` → { url, stop() }.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function ensureBuilt() {
  if (!existsSync(path.join(ROOT, 'dist', 'extension.js')))
    execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(path.join(ROOT, 'out', 'test', 'e2e', 'seedSwarm.js')))
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json'],
      { cwd: ROOT, stdio: 'inherit' },
    );
  const harness = (name) => require(path.join(ROOT, 'out', 'test', 'e2e', 'harness', `${name}.js`));
  return {
    codeServerAvailable: harness('locations').codeServerAvailable,
    packageExtension: harness('packaging').packageExtension,
    startCodeServer: harness('server').startCodeServer,
  };
}

/** Serve `workspace` in code-server with the packaged extension; S2_HOME must hold the session keys. */
export async function serveExtension({ workspace, s2Home, settings = {} }) {
  const h = ensureBuilt();
  const avail = h.codeServerAvailable();
  if (!avail.ok) throw new Error(`cannot serve the demo: ${avail.why}`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 's2-demo-vsix-'));
  const t0 = Date.now();
  const vsix = h.packageExtension(ROOT, path.join(scratch, 's2.vsix'));
  const server = await h.startCodeServer({ workspace, vsixPath: vsix, env: { S2_HOME: s2Home }, settings });
  console.log(`code-server ready in ${Date.now() - t0} ms (packaging included)`);
  return {
    url: `${server.url}?folder=${encodeURIComponent(workspace)}`,
    async stop() {
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** A few scripted moves by other sessions, so alerts arrive while you watch. */
function liveSteps(fixture) {
  const steps = [
    [
      20_000,
      'talent',
      ['block', '--on', 'webrtc:3', '--reason', 'needs the WebRTC media path'],
      'talent now waits on webrtc:3 — watch the "You block 1 session" alert',
    ],
    [
      40_000,
      'webrtc',
      ['spend', '4.10', '--model', 'claude-opus-4'],
      'webrtc reported $4.10 — the budget indicator turns to the warning colour',
    ],
  ];
  const timers = [];
  for (const [ms, session, args, note] of steps) {
    timers.push(
      setTimeout(
        () =>
          void fixture
            .cli(session, args)
            .then((r) =>
              console.log(r.code === 0 ? `  [demo] ${note}` : `  [demo] ${session} ${args[0]} failed: ${r.stderr}`),
            ),
        ms,
      ),
    );
  }
  return () => timers.forEach(clearTimeout);
}

async function main() {
  const { values } = parseArgs({ options: { workspace: { type: 'string' }, 's2-home': { type: 'string' } } });
  let seeded = null;
  let workspace = values.workspace;
  let home = values['s2-home'] ?? process.env.S2_HOME;
  if (!workspace) {
    ensureBuilt();
    const { seedSwarm } = require(path.join(ROOT, 'out', 'test', 'e2e', 'seedSwarm.js'));
    console.log('seeding a 7-session swarm in real git…');
    seeded = await seedSwarm({ deadlock: true });
    workspace = seeded.workspace;
    home = seeded.home;
  }
  if (!home) throw new Error("pass --s2-home DIR (or set S2_HOME) with the sessions' keys");
  const served = await serveExtension({ workspace, s2Home: home });
  const cancel = seeded ? liveSteps(seeded.fixture) : () => undefined;
  console.log(
    `\nS² demo: open ${served.url}\n  workspace ${workspace} (session webrtc), S2_HOME ${home}\n  Ctrl+C stops code-server and removes the demo swarm.\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    cancel();
    await served.stop();
    seeded?.fixture.cleanup();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.env.S2_DEMO_EXIT_AFTER_MS) setTimeout(stop, Number(process.env.S2_DEMO_EXIT_AFTER_MS));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
