// @ts-check
/**
 * The S² Dependency Matrix page. It draws what the host sends (full snapshots only) and
 * reports clicks; record text is set with textContent, never innerHTML. UI state (selected
 * cell, scroll) survives hide/show and reload through setState.
 * @typedef {import('../src/protocol/matrixProtocol').HostMessage} HostMessage
 * @typedef {import('../src/protocol/matrixProtocol').WebviewMessage} WebviewMessage
 * @typedef {import('../src/protocol/matrixProtocol').MatrixModel} MatrixModel
 * @typedef {import('../src/protocol/matrixProtocol').MatrixCell} MatrixCell
 * @typedef {{ selected?: string, scrollLeft?: number, scrollTop?: number }} UiState
 */
(function () {
  /** @type {VsCodeWebviewApi<UiState>} */
  const vscode = acquireVsCodeApi();
  /** @type {UiState} */
  const ui = vscode.getState() || {};
  const table = /** @type {HTMLTableElement} */ (document.getElementById('matrix'));
  const scroller = /** @type {HTMLElement} */ (document.getElementById('scroller'));
  const meta = /** @type {HTMLElement} */ (document.getElementById('meta'));
  const deadlocks = /** @type {HTMLElement} */ (document.getElementById('deadlocks'));
  const empty = /** @type {HTMLElement} */ (document.getElementById('empty'));
  const SYMBOL = {
    verified: '✔',
    done: '✓',
    disputed: '⚠',
    invalid: '✗',
    'in-progress': '▶',
    stalled: '⏱',
    error: '!',
    blocked: '⊘',
    ready: '○',
    'not-started': '·',
    none: '',
  };
  /** @type {Map<string, MatrixCell>} */
  let cells = new Map();
  let restored = false;

  /** @param {WebviewMessage} m */
  const send = (m) => vscode.postMessage(m);
  const save = () => vscode.setState(ui);

  window.addEventListener('message', (ev) => {
    /** @type {HostMessage} */
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'matrix/update') render(m.model);
    else if (m.type === 'matrix/empty') showEmpty(m.reason);
  });

  /** @param {string} reason */
  function showEmpty(reason) {
    table.replaceChildren();
    empty.hidden = false;
    empty.textContent = reason;
  }

  /** @param {MatrixModel} model */
  function render(model) {
    empty.hidden = true;
    meta.textContent = `swarm ${model.swarm} · snapshot ${model.snapshot.slice(0, 12)} · ${new Date(model.now).toLocaleTimeString()}${model.me ? ` · you are ${model.me}` : ''}`;
    deadlocks.replaceChildren(...model.deadlocks.map((d) => el('div', 'deadlock', `Deadlock ${d.text}`)));
    cells = new Map();
    const head = el('tr');
    head.append(el('th', '', 'session \\ phase'));
    for (let n = 1; n <= model.phaseCount; n++) head.append(Object.assign(el('th', '', String(n)), { scope: 'col' }));
    const rows = model.rows.map((r) => {
      const tr = el('tr');
      const th = el('th', `row${r.me ? ' me' : ''}${r.inCycle ? ' cycle' : ''}`, r.session);
      th.scope = 'row';
      th.title = r.summary;
      if (r.topBlocker) th.append(el('span', 'mark', '⚑'));
      if (r.awaitingInput)
        th.append(Object.assign(el('span', 'mark awaiting', '?'), { title: `waits for a person: ${r.awaitingInput}` }));
      tr.append(th);
      for (const c of r.cells) tr.append(cellElement(c));
      return tr;
    });
    table.replaceChildren(el('thead'), el('tbody'));
    /** @type {HTMLElement} */ (table.tHead).append(head);
    table.tBodies[0].append(...rows);
    const first =
      ui.selected && cells.has(ui.selected)
        ? ui.selected
        : model.rows[0]?.cells[0]
          ? ref(model.rows[0].cells[0])
          : undefined;
    if (first) setRoving(first, false);
    if (!restored) {
      restored = true;
      scroller.scrollLeft = ui.scrollLeft ?? 0;
      scroller.scrollTop = ui.scrollTop ?? 0;
    }
  }

  /** @param {MatrixCell} c */
  function cellElement(c) {
    const td = el(
      'td',
      `cell state-${c.state}${c.inCycle ? ' cycle' : ''}${c.awaited ? ' awaited' : ''}${c.critical ? ' critical' : ''}`,
      SYMBOL[c.state] ?? '',
    );
    td.setAttribute('role', 'gridcell');
    td.dataset.ref = ref(c);
    td.dataset.state = c.state;
    td.tabIndex = -1;
    td.setAttribute('aria-label', c.label);
    td.title = c.label;
    for (const b of c.blockedBy) {
      const dep = el('span', 'dep', `→ ${b}`);
      dep.dataset.target = b;
      td.append(dep);
    }
    cells.set(ref(c), c);
    return td;
  }

  /** @param {{session: string, phase: number}} c */
  const ref = (c) => `${c.session}:${c.phase}`;
  /** @param {string} r */
  const cellEl = (r) => /** @type {HTMLElement | null} */ (table.querySelector(`td[data-ref="${CSS.escape(r)}"]`));

  /** @param {string} r @param {boolean} focus */
  function setRoving(r, focus) {
    for (const td of table.querySelectorAll('td[tabindex="0"]')) /** @type {HTMLElement} */ (td).tabIndex = -1;
    for (const td of table.querySelectorAll('td.linked')) td.classList.remove('linked');
    const td = cellEl(r);
    if (!td) return;
    td.tabIndex = 0;
    for (const b of cells.get(r)?.blockedBy ?? []) cellEl(b)?.classList.add('linked');
    ui.selected = r;
    save();
    if (focus) td.focus();
  }

  /** @param {string} r */
  function open(r) {
    const c = cells.get(r);
    if (c && c.state !== 'none') send({ type: 'cell/open', session: c.session, phase: c.phase });
  }

  table.addEventListener('click', (ev) => {
    const target = /** @type {HTMLElement} */ (ev.target);
    const dep = target.closest('.dep');
    if (dep instanceof HTMLElement && dep.dataset.target && cells.has(dep.dataset.target))
      return setRoving(dep.dataset.target, true);
    const td = target.closest('td.cell');
    if (!(td instanceof HTMLElement) || !td.dataset.ref) return;
    setRoving(td.dataset.ref, true);
    open(td.dataset.ref);
  });

  table.addEventListener('keydown', (ev) => {
    const td = /** @type {HTMLElement} */ (ev.target).closest('td.cell');
    if (!(td instanceof HTMLTableCellElement) || !td.dataset.ref) return;
    const tr = /** @type {HTMLTableRowElement} */ (td.parentElement);
    const col = td.cellIndex;
    /** @type {Element | null | undefined} */
    let next;
    if (ev.key === 'ArrowRight') next = td.nextElementSibling;
    else if (ev.key === 'ArrowLeft') next = col > 1 ? td.previousElementSibling : null;
    else if (ev.key === 'ArrowDown') next = tr.nextElementSibling?.children[col];
    else if (ev.key === 'ArrowUp') next = tr.previousElementSibling?.children[col];
    else if (ev.key === 'Home') next = tr.children[1];
    else if (ev.key === 'End') next = tr.lastElementChild;
    else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      return open(td.dataset.ref);
    } else if (ev.key === 'b') {
      const b = cells.get(td.dataset.ref)?.blockedBy[0];
      if (b && cells.has(b)) setRoving(b, true);
      return;
    } else return;
    ev.preventDefault();
    if (next instanceof HTMLElement && next.dataset.ref) setRoving(next.dataset.ref, true);
  });

  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      ui.scrollLeft = scroller.scrollLeft;
      ui.scrollTop = scroller.scrollTop;
      save();
    });
  });

  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag @param {string} [cls] @param {string} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The legend explains every mark the table uses, with a sample drawn by the same classes. */
  const legend = document.getElementById('legend');
  const WORDS = {
    verified: 'done, verified',
    done: 'done, not verified',
    disputed: 'disputed',
    invalid: 'invalid completion',
    'in-progress': 'in progress',
    stalled: 'stalled (no heartbeat)',
    error: 'error (a person must look)',
    blocked: 'waiting (blocked)',
    ready: 'ready to start',
    'not-started': 'not started',
  };
  for (const [state, words] of Object.entries(WORDS)) {
    const li = el('li');
    li.append(
      el('span', `sample cell state-${state}`, SYMBOL[/** @type {keyof typeof SYMBOL} */ (state)]),
      el('span', '', words),
    );
    legend?.append(li);
  }
  /** @type {[string, string, string][]} */
  const MARKS = [
    ['sample cell critical', '', 'on the critical path (◆)'],
    ['sample cell awaited', '', 'others wait on this (orange outline)'],
    ['sample mark', '⚑', 'top blocker (most sessions wait on it)'],
    ['sample cell cycle', '', 'in a deadlock (dashed red outline)'],
    ['sample dep', '→ a:2', 'waits on a:2 (click to jump)'],
  ];
  for (const [cls, text, words] of MARKS) {
    const li = el('li');
    li.append(el('span', cls, text), el('span', '', words));
    legend?.append(li);
  }
  const keys = el('li', 'keys');
  keys.append(
    el('kbd', '', '←↑→↓'),
    el('span', '', ' move · '),
    el('kbd', '', 'Enter'),
    el('span', '', ' open the phase · '),
    el('kbd', '', 'b'),
    el('span', '', ' jump to what it waits on'),
  );
  legend?.append(keys);
  send({ type: 'webview/ready' });
})();
