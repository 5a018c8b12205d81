import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCliPath, S2Cli } from './s2Cli';
import { instructions, manifestText, swarmName, type AgentConfig } from './swarmManifest';
import { drawDurations, FAULTS, SESSIONS, type RunSettings } from './swarmPlan';

/**
 * Seed one run in real git: the coordination repository with the product's files, the
 * manifest through \`s2 init\`, every phase's instruction, and a worktree per session (or a
 * bare remote and a clone per session), each on its work branch.
 */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'stand-in',
  GIT_AUTHOR_EMAIL: 'stand-in@s2',
  GIT_COMMITTER_NAME: 'stand-in',
  GIT_COMMITTER_EMAIL: 'stand-in@s2',
  GIT_TERMINAL_PROMPT: '0',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...GIT_ENV },
  }).trim();
}

export interface Seeded {
  readonly root: string;
  readonly cfg: AgentConfig;
  readonly dirs: Map<string, string>;
  /** Where the person reads the swarm from: the coordination repository, or a clone of the remote. */
  readonly observer: string;
  readonly env: NodeJS.ProcessEnv;
}

export function seedSwarm(settings: RunSettings): Seeded {
  const root = mkdtempSync(path.join(os.tmpdir(), `s2-swarm-${settings.mode}-`));
  const runDir = path.join(root, 'run');
  const coord = path.join(root, 'coord');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(coord, { recursive: true });
  const cfg: AgentConfig = {
    settings,
    durations: drawDurations(settings),
    faults: FAULTS,
    cli: defaultCliPath(),
    runDir,
    integrateCheck: path.join(__dirname, 'integrateCheck.js'),
  };
  const cfgFile = path.join(root, 'config.json');
  writeFileSync(cfgFile, JSON.stringify(cfg, null, 1));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...GIT_ENV,
    S2_HOME: path.join(root, 'home'),
    S2_SWARM_CONFIG: cfgFile,
    S2_SESSION: '',
  };
  git(coord, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(coord, 'README.md'), '# the product the swarm builds\n');
  // The provider API the bad completion changes, and the consumer's expectation of it.
  const bad = cfg.faults.badCompletion;
  mkdirSync(path.join(coord, 'api'), { recursive: true });
  writeFileSync(path.join(coord, 'api', `${bad.session}.version`), '1\n');
  mkdirSync(path.join(coord, 'expects', bad.consumer), { recursive: true });
  writeFileSync(path.join(coord, 'expects', bad.consumer, `${bad.session}.version`), '1\n');
  git(coord, 'add', '.');
  git(coord, 'commit', '-q', '-m', 'root');
  const manifestFile = path.join(root, 'manifest.yaml');
  writeFileSync(manifestFile, manifestText(cfg, path.join(__dirname, 'standInAgent.js')));
  const person = new S2Cli(cfg.cli, coord, env, null);
  const init = execFileSync(process.execPath, [cfg.cli, '--json', 'init', '--manifest', manifestFile], {
    cwd: coord,
    env,
    encoding: 'utf8',
  });
  if (!init) throw new Error('s2 init printed nothing');
  person.commitInstructions(instructions(cfg), swarmName(settings));
  const dirs = new Map<string, string>();
  let observer = coord;
  if (settings.topology === 'remote') {
    const bare = path.join(root, 'remote.git');
    git(root, 'clone', '-q', '--bare', coord, bare);
    for (const s of SESSIONS) {
      const dir = path.join(root, `clone-${s}`);
      git(root, 'clone', '-q', bare, dir);
      git(dir, 'checkout', '-q', '-b', `s2/work/${s}`);
      git(dir, 'push', '-q', 'origin', 'HEAD');
      dirs.set(s, dir);
    }
    observer = path.join(root, 'observer');
    git(root, 'clone', '-q', bare, observer);
  } else {
    for (const s of SESSIONS) {
      const dir = path.join(root, `wt-${s}`);
      git(coord, 'worktree', 'add', '-q', '-b', `s2/work/${s}`, dir);
      dirs.set(s, dir);
    }
  }
  return { root, cfg, dirs, observer, env };
}
