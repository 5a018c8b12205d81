import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { git, simpleManifest, SwarmFixture } from '../helpers/gitFixture';

/**
 * `s2 install-hooks --mcp` (the built CLI, as a person runs it) registers the server for
 * Claude Code, Codex and Gemini CLI in the session's checkout, keeps other entries, stays
 * out of git, changes nothing the second time — and the registered command really serves.
 */
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

describe('s2 install-hooks --mcp (registration for the runtimes)', function () {
  this.timeout(60_000);
  let f: SwarmFixture;
  afterEach(() => f?.cleanup());

  const install = (dir: string, session: string): { code: number | null; out: string; err: string } => {
    const r = spawnSync(
      process.execPath,
      [CLI, '--json', '--repo', dir, '--session', session, 'install-hooks', '--mcp'],
      {
        encoding: 'utf8',
        env: { ...process.env, S2_HOME: f.home, S2_SESSION: '' },
      },
    );
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const read = (dir: string, rel: string): string => readFileSync(path.join(dir, rel), 'utf8');

  it('writes .mcp.json, .codex/config.toml and .gemini/settings.json beside existing entries, machine-local', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    const dir = f.dir('a');
    writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify({ mcpServers: { other: { command: 'x' } } }));
    mkdirSync(path.join(dir, '.codex'));
    writeFileSync(path.join(dir, '.codex', 'config.toml'), 'model = "o3"\n\n[mcp_servers.other]\ncommand = "y"\n');

    const r = install(dir, 'a');
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.deepEqual(
      out.mcp.map((m: { runtime: string; changed: boolean }) => [m.runtime, m.changed]),
      [
        ['claude', true],
        ['codex', true],
        ['gemini', true],
      ],
    );
    const claude = JSON.parse(read(dir, '.mcp.json'));
    assert.deepEqual(claude.mcpServers.other, { command: 'x' });
    assert.equal(claude.mcpServers.s2.command, process.execPath);
    assert.deepEqual(claude.mcpServers.s2.args, [CLI, '--repo', dir, '--session', 'a', 'mcp']);
    assert.deepEqual(claude.mcpServers.s2.env, { S2_HOME: f.home });
    assert.deepEqual(JSON.parse(read(dir, '.claude/settings.local.json')).enabledMcpjsonServers, ['s2']);
    const toml = read(dir, '.codex/config.toml');
    assert.match(toml, /^model = "o3"\n\n\[mcp_servers\.other\]\ncommand = "y"\n\n\[mcp_servers\.s2\]\n/);
    assert.ok(
      toml.includes(`args = [${JSON.stringify(CLI)}, "--repo", ${JSON.stringify(dir)}, "--session", "a", "mcp"]`),
    );
    const gemini = JSON.parse(read(dir, '.gemini/settings.json'));
    assert.deepEqual(gemini.mcpServers.s2.args, claude.mcpServers.s2.args);

    // Machine-local: none of them shows up for a commit, in this worktree or another.
    const porcelain = git(dir, 'status', '--porcelain', '--untracked-files=all');
    for (const p of ['.mcp.json', '.codex/', '.gemini/', 'settings.local.json'])
      assert.ok(!porcelain.includes(p), `${p} is not offered for commit:\n${porcelain}`);

    // Twice: nothing changes.
    const before = ['.mcp.json', '.codex/config.toml', '.gemini/settings.json'].map((p) => read(dir, p));
    const again = install(dir, 'a');
    assert.equal(again.code, 0, again.err);
    assert.ok(JSON.parse(again.out).mcp.every((m: { changed: boolean }) => !m.changed));
    assert.deepEqual(
      ['.mcp.json', '.codex/config.toml', '.gemini/settings.json'].map((p) => read(dir, p)),
      before,
    );
    assert.equal(
      (readFileSync(path.join(f.coord, '.git', 'info', 'exclude'), 'utf8').match(/\/\.mcp\.json/g) ?? []).length,
      1,
    );

    // The registered command serves this session's tools.
    const entry = claude.mcpServers.s2 as { command: string; args: string[]; env: Record<string, string> };
    const client = new Client({ name: 'registration-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: entry.command,
        args: entry.args,
        env: { PATH: process.env['PATH'] ?? '', ...entry.env },
        stderr: 'ignore',
      }),
    );
    try {
      assert.equal((await client.listTools()).tools.length, 11);
      const hb = await client.callTool({ name: 'heartbeat', arguments: {} });
      assert.ok(!hb.isError, JSON.stringify(hb.content));
      assert.match(git(f.coord, 'log', '-1', '--format=%s', 's2/sessions/a'), /heartbeat/);
    } finally {
      await client.close();
    }
  });

  it('refuses a settings file it cannot parse, naming it, and writes nothing', async () => {
    f = await SwarmFixture.create('worktree', simpleManifest(['a', 'b']));
    const dir = f.dir('a');
    mkdirSync(path.join(dir, '.gemini'));
    writeFileSync(path.join(dir, '.gemini', 'settings.json'), '{ "theme": "dark", }');
    const r = install(dir, 'a');
    assert.equal(r.code, 2);
    assert.match(r.err, /\.gemini\/settings\.json is not valid JSON/);
    assert.equal(read(dir, '.gemini/settings.json'), '{ "theme": "dark", }');
    assert.throws(() => read(dir, '.mcp.json'), /ENOENT/);
  });
});
