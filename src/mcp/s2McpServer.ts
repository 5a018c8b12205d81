import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { SwarmEvent } from '../core/events';
import { Poller } from '../loop/poller';
import { SwarmSession } from '../loop/swarmSession';
import { S2_PACKAGE_VERSION } from '../cli/version';
import { runS2Tool, type S2ToolOutcome } from './runS2Tool';
import { s2Tool, s2Tools } from './s2Tools';

export const VIEW_URI = 's2://view';
export const INSTRUCTION_URI = 's2://instruction';

export interface S2McpServerOptions {
  readonly repo: string;
  /** From --session or S2_SESSION; null: the session whose work branch is checked out, if any. */
  readonly session: string | null;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  /** Watch the swarm with the polling loop (watch-only) and notify on changes (default true). */
  readonly watch?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * `s2 mcp`: the session's tools (s2Tools) and resources (its view and its instruction) for an
 * agent runtime, over the official SDK. Tool calls run one at a time on one session handle;
 * a second handle runs the guarded polling loop watch-only (it never acknowledges, starts or
 * executes anything) and turns its view changes and events into notifications.
 */
export class S2McpServer {
  readonly mcp: McpServer;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly subscribed = new Set<string>();
  private poller: Poller | null = null;
  private watching: Promise<void> | null = null;
  private lastInstruction = '';

  private constructor(
    readonly session: SwarmSession,
    private readonly opts: S2McpServerOptions,
  ) {
    this.mcp = new McpServer(
      { name: 's2', version: S2_PACKAGE_VERSION },
      {
        capabilities: { logging: {}, resources: { subscribe: true, listChanged: false } },
        instructions: session.session
          ? `S² coordinates parallel coding-agent sessions through git. You are session "${session.session}". Start a phase before working on it, complete it when its work is committed; refusals explain what to do first.`
          : 'S² coordinates parallel coding-agent sessions through git. No session is set (S2_SESSION): only read-only tools work.',
      },
    );
    this.registerTools();
    this.registerResources();
  }

  /** Opens the session's handle; the session is the given one, else the checked-out work branch's. */
  static async open(opts: S2McpServerOptions): Promise<S2McpServer> {
    let id = opts.session || null;
    if (!id) {
      const probe = await SwarmSession.open({ repo: opts.repo, session: null, env: {}, now: opts.now });
      try {
        const { plan } = await probe.snapshot();
        id = plan.sessions.find((s) => s.branch === probe.ctx.currentBranch)?.id ?? null;
      } finally {
        probe.dispose();
      }
    }
    const session = await SwarmSession.open({ repo: opts.repo, session: id, env: opts.env, now: opts.now });
    try {
      if (id) session.requireSession((await session.snapshot()).plan);
    } catch (e) {
      session.dispose();
      throw e;
    }
    return new S2McpServer(session, opts);
  }

  /** One call at a time on the session handle (its cat-file and its writer are single-flight). */
  call(name: string, input: unknown): Promise<S2ToolOutcome> {
    const tool = s2Tool(name);
    if (!tool) return Promise.reject(new Error(`no tool ${name}`));
    const run = this.queue.then(() => runS2Tool(tool, input, this.session, this.opts.env));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private registerTools(): void {
    // registerTool's generic inference over every shape is too deep for tsc; the shapes are
    // plain zod raw shapes, validated again in runS2Tool.
    const register = this.mcp.registerTool.bind(this.mcp) as unknown as (
      name: string,
      config: { title: string; description: string; inputSchema: unknown; annotations?: { readOnlyHint: boolean } },
      cb: (input: unknown) => Promise<CallToolResult>,
    ) => void;
    for (const t of s2Tools)
      register(
        t.name,
        {
          title: t.title,
          description: t.description,
          inputSchema: t.input,
          ...(t.writes ? {} : { annotations: { readOnlyHint: true } }),
        },
        async (input) => {
          const r = await this.call(t.name, input);
          const text = JSON.stringify(r.data) + (r.warnings.length ? `\nwarnings: ${r.warnings.join('; ')}` : '');
          return { content: [{ type: 'text', text }], ...(r.ok ? {} : { isError: true }) };
        },
      );
  }

  private registerResources(): void {
    this.mcp.registerResource(
      'view',
      VIEW_URI,
      {
        title: 'Swarm view',
        description: 'The full swarm view (status with full: true); updated when the swarm changes.',
        mimeType: 'application/json',
      },
      async (uri) => {
        const r = await this.call('status', { full: true });
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(r.data) }] };
      },
    );
    this.mcp.registerResource(
      'instruction',
      INSTRUCTION_URI,
      {
        title: 'My instruction',
        description: "This session's instruction for its current phase.",
        mimeType: 'text/markdown',
      },
      async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: await this.instructionText() }] }),
    );
    const server = this.mcp.server;
    server.setRequestHandler(SubscribeRequestSchema, async (req) => {
      this.subscribed.add(req.params.uri);
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (req) => {
      this.subscribed.delete(req.params.uri);
      return {};
    });
  }

  private async instructionText(): Promise<string> {
    const r = await this.call('instruction', {});
    const d = r.data as { instruction?: { text: string } | null; phase?: number; error?: { message: string } };
    if (!r.ok) return `No instruction: ${d.error?.message ?? 'unknown error'}`;
    return d.instruction?.text ?? `No instruction file for phase ${d.phase} on the coordination branch.`;
  }

  async connect(transport: Transport): Promise<void> {
    await this.mcp.connect(transport);
    if (this.opts.watch !== false) await this.startWatching();
  }

  /** The polling loop on its own handle, watch-only: no acknowledgement, no phase start, no heartbeat. */
  private async startWatching(): Promise<void> {
    const watcher = await SwarmSession.open({
      repo: this.opts.repo,
      session: this.session.session,
      env: this.opts.env,
      now: this.opts.now,
    });
    const poller = new Poller(watcher, { act: false, execute: false, heartbeat: false, log: this.opts.log });
    this.poller = poller;
    let first = true;
    poller.onDidChangeView((view) => {
      const me = view.sessions.find((s) => s.id === this.session.session);
      const key = me ? `${me.phase}:${me.pendingInstructions.join(',')}` : '';
      const instructionMoved = key !== this.lastInstruction;
      this.lastInstruction = key;
      if (first) return void (first = false); // the view the client read at connect time
      if (this.subscribed.has(VIEW_URI)) void this.notify(() => this.mcp.server.sendResourceUpdated({ uri: VIEW_URI }));
      if (instructionMoved && this.subscribed.has(INSTRUCTION_URI))
        void this.notify(() => this.mcp.server.sendResourceUpdated({ uri: INSTRUCTION_URI }));
    });
    poller.onDidEmitEvent((e) => void this.notify(() => this.sendEvent(e)));
    this.watching = poller.run().finally(() => watcher.dispose());
  }

  private sendEvent(e: SwarmEvent): Promise<void> {
    const level = ['DEADLOCK', 'BUDGET_100', 'VIOLATION', 'BLOCKED', 'STUCK_BLOCKER'].includes(e.type)
      ? 'warning'
      : 'notice';
    return this.mcp.server.sendLoggingMessage({ level, logger: 's2', data: e });
  }

  private async notify(send: () => Promise<void>): Promise<void> {
    if (!this.mcp.isConnected()) return;
    await send().catch((err: unknown) => this.opts.log?.(`notification failed: ${String(err)}`));
  }

  async close(): Promise<void> {
    this.poller?.dispose();
    await this.watching?.catch(() => undefined);
    await this.queue.catch(() => undefined);
    await this.mcp.close().catch(() => undefined);
    this.session.dispose();
  }
}
