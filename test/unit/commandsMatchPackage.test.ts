import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_TITLES, CommandId } from '../../src/extension/commandIds';

/** The CommandId enum and package.json's contributes.commands name the same commands. */
const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string }[]>;
  };
  activationEvents: string[];
};

describe('extension commands vs package.json', () => {
  const declared = pkg.contributes.commands.map((c) => c.command).sort();
  const enumIds = (Object.values(CommandId) as string[]).sort();

  it('every enum id is contributed and every contributed command is in the enum', () => {
    assert.deepEqual(declared, enumIds);
  });

  it('names follow s2.<verb><Noun> and sit in the "S² · S2" category, so the palette finds them by both names', () => {
    for (const c of pkg.contributes.commands) {
      assert.match(c.command, /^s2\.[a-z]+[A-Z][A-Za-z]*$/, c.command);
      assert.equal(c.category, 'S² · S2', `${c.command} category`);
    }
  });

  it('the titles messages use ("S2: Start Phase") are the palette titles', () => {
    for (const c of pkg.contributes.commands) assert.equal(COMMAND_TITLES[c.command as CommandId], c.title, c.command);
  });

  it('menus only name contributed commands', () => {
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const i of items) assert.ok(enumIds.includes(i.command), `${menu} names unknown command ${i.command}`);
    }
  });

  it('activation is lazy: never "*", and restores the matrix panel', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:.s2/swarm.yaml'));
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:s2.matrix'));
  });
});
