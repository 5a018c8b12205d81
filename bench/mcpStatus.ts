import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cliPath } from './cliStatus';
import { generateSwarm } from './lib/swarmGen';
import { execNode, median, nowMs, quantile, removeDir, round, tempDir } from './lib/util';

/**
 * The MCP round trip of `status`: an SDK client over stdio to `node dist/cli.js mcp` (one
 * long-lived server, as a runtime keeps it), `tools/call status` timed from the request to
 * the parsed result, against a new `s2 status` process per call (what an agent shelling out
 * pays) in the same run. Swarms from lib/swarmGen (10,000 status commits, packed).
 *
 *   npm run build && npm run compile-tests && node out/bench/mcpStatus.js [--sizes 7,50] [--calls 30]
 */
async function benchSize(n: number, calls: number, commits: number): Promise<Record<string, number>> {
  const dir = tempDir(`s2-mcp-bench-${n}-`);
  try {
    const gen = await generateSwarm(path.join(dir, 'repo'), path.join(dir, 'home'), {
      sessions: n,
      totalCommits: commits,
    });
    const env: Record<string, string> = { ...(process.env as Record<string, string>), S2_HOME: gen.home };
    delete env['S2_SESSION'];
    const session = gen.ids[0]!;
    const t0 = nowMs();
    const client = new Client({ name: 's2-bench', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cliPath(), '--repo', gen.dir, '--session', session, 'mcp', '--no-watch'],
        env,
        stderr: 'ignore',
      }),
    );
    const connectMs = nowMs() - t0;
    const rt: number[] = [];
    let chars = 0;
    try {
      const first = nowMs();
      await client.callTool({ name: 'status', arguments: {} }); // the cold read (new cat-file, empty caches)
      const coldMs = nowMs() - first;
      for (let i = 0; i < calls; i++) {
        const s = nowMs();
        const r = await client.callTool({ name: 'status', arguments: {} });
        rt.push(nowMs() - s);
        if (r.isError) throw new Error(`status failed: ${JSON.stringify(r.content)}`);
        chars = JSON.stringify(r.content).length;
      }
      const cli: number[] = [];
      for (let i = 0; i < Math.min(7, calls); i++)
        cli.push((await execNode([cliPath(), '--session', session, 'status', '--json'], gen.dir, env)).wallMs);
      return {
        sessions: n,
        connectMs: round(connectMs),
        coldMs: round(coldMs),
        medianMs: round(median(rt)),
        p90Ms: round(quantile(rt, 0.9)),
        cliProcessMs: round(median(cli)),
        resultTokens: Math.round(chars / 4),
      };
    } finally {
      await client.close();
    }
  } finally {
    removeDir(dir);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (k: string): string | undefined => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
  const sizes = (arg('--sizes') ?? '7,50').split(',').map(Number);
  const calls = Number(arg('--calls') ?? 30);
  const commits = Number(arg('--commits') ?? 10_000);
  const rows = [];
  for (const n of sizes) {
    process.stderr.write(`mcp status round trip, ${n} sessions…\n`);
    rows.push(await benchSize(n, calls, commits));
  }
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  process.stdout.write(`MCP tools/call status (${calls} calls, ${commits} status commits; load ${load})\n`);
  console.table(rows);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
