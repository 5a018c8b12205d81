import { EXPERTISE, FAULTS, HELP_TASKS, needsFor, RunSettings, SESSIONS, type Faults } from './swarmPlan';

/**
 * The manifest and the stand-in agents' settings for one run. Model time is scaled to real
 * time by `scale` everywhere: the 30 s poll, the 60 s heartbeat, the 900 s help lease and
 * the phase durations alike, so the ratios between them are the real ones.
 */
export interface AgentConfig {
  readonly settings: RunSettings;
  /** `session:phase` → model seconds of work. */
  readonly durations: Record<string, number>;
  readonly faults: Faults;
  /** Absolute path of `dist/cli.js`. */
  readonly cli: string;
  /** Pid files and the agents' event log. */
  readonly runDir: string;
  /** Absolute path of the compiled integration check (the verifiers' `integrate` command). */
  readonly integrateCheck: string;
}

/** Poll interval, probe and heartbeat in real seconds; v1 polls every 30 s (scaled), with no probe between. */
export function pollingFor(s: RunSettings): { interval: number; probe: number; heartbeat: number; lease: number } {
  // Floors keep a compressed run honest on a loaded 2-core machine: every ref move wakes every
  // loop, so the probe bounds the ticks (1/s per loop at most), and a heartbeat under a few
  // seconds would make live sessions look stale.
  const interval = Math.max(1, 30 * s.scale);
  return {
    interval,
    probe: s.mode === 'v1' ? interval : Math.max(1, 5 * s.scale),
    heartbeat: Math.max(4, 60 * s.scale),
    lease: 900 * s.scale,
  };
}

/** The swarm's name: its keys live under $S2_HOME/keys/<name>/. */
export function swarmName(s: RunSettings): string {
  return `swarm-run-${s.mode}-${s.seed}`;
}

export function manifestText(cfg: AgentConfig, agentScript: string): string {
  const s = cfg.settings;
  const p = pollingFor(s);
  const needs = needsFor(s.phases);
  const v1 = s.mode === 'v1';
  const lines = [
    `swarm: ${swarmName(s)}`,
    `executor: ${JSON.stringify(`${JSON.stringify(process.execPath)} ${JSON.stringify(agentScript)} work`)}`,
    'policy:',
    // v1 had no cross-session verification: a claimed completion was taken at its word.
    `  crossSessionVerification: ${v1 ? 'advisory' : 'required'}`,
    'polling:',
    `  intervalSeconds: ${p.interval}`,
    `  jitter: ${v1 ? 0 : 0.2}`,
    `  heartbeatSeconds: ${p.heartbeat}`,
    `  probeSeconds: ${p.probe}`,
    `  helpLeaseSeconds: ${p.lease}`,
    '  maxHelpersPerBlocker: 2',
    '  maxAttempts: 3',
    // The executor runs a whole phase under this timeout: generous, so load never kills it.
    '  commandTimeoutSeconds: 600',
    'approvers:',
    '  owner:',
    '    title: the person running the swarm',
    'sessions:',
  ];
  for (const id of SESSIONS) {
    // v1 had no budget stop: the budget is only a number to compare the spend with afterwards.
    const budget = id === cfg.faults.budget.session && !v1 ? cfg.faults.budget.budgetUsd : 1000;
    lines.push(
      `  ${id}:`,
      `    title: ${id}`,
      `    expertise: [${EXPERTISE[id].join(', ')}]`,
      `    budgetUsd: ${budget}`,
      '    maxAgents: 7',
      `    phaseCount: ${s.phases}`,
      `    integrate: [${JSON.stringify(`${JSON.stringify(process.execPath)} ${JSON.stringify(cfg.integrateCheck)} ${id}`)}]`,
      '    phases:',
    );
    for (let n = 1; n <= s.phases; n++) {
      const ref = `${id}:${n}`;
      lines.push(
        `      ${n}:`,
        `        title: ${id} phase ${n}`,
        `        needs: [${(needs[ref] ?? []).join(', ')}]`,
        `        validate: [${JSON.stringify(`test -s work/${id}/phase-${n}.txt`)}]`,
      );
      if (HELP_TASKS[ref])
        lines.push(`        helpTasks: [${HELP_TASKS[ref]!.map((t) => JSON.stringify(t)).join(', ')}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The instruction of every phase: what the stand-in agent is asked to do. */
export function instructions(cfg: AgentConfig): { session: string; phase: number; text: string }[] {
  const out: { session: string; phase: number; text: string }[] = [];
  for (const id of SESSIONS)
    for (let n = 1; n <= cfg.settings.phases; n++)
      out.push({
        session: id,
        phase: n,
        text: `---\nid: ${id}-p${n}\nsession: ${id}\nphase: ${n}\n---\n# ${id} phase ${n}\n\nStand-in work: ${cfg.durations[`${id}:${n}`]} model seconds, committed in four steps to work/${id}/phase-${n}.txt.\n`,
      });
  return out;
}

export { FAULTS };
