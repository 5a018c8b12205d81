import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { parseYaml } from '../../src/core/yamlText';

/**
 * parseYaml reads through js-yaml when it can (issue #18: ~20× faster on a 1000-session
 * manifest). It must give the values the `yaml` library gives, or leave the text to it.
 */
function reference(text: string): unknown {
  return parseDocument(text, { uniqueKeys: false }).toJS();
}

const SNIPPETS: Record<string, string> = {
  numbers: 'a: 1\nb: -2.5\nc: 0x1f\nd: 0o17\ne: 1e3\nf: .inf\ng: -.Inf\nh: 017\ni: +12\n',
  booleansAndNulls: 'a: true\nb: False\nc: TRUE\nd: ~\ne: null\nf:\ng: yes\nh: no\ni: on\n',
  strings: 'a: "x\\ty\\u00e9"\nb: \'it\'\'s\'\nc: 2026-11-29\nd: 2026-11-29T10:00:00Z\ne: 1.2.3\nf: "007"\n',
  blocks: 'a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n',
  flow: 'a: [1, "two", {three: 3}]\nb: {x: [], y: {}}\n',
  numericKeys: 'phases:\n  4: { needs: [ndi:3, "webrtc:3"] }\n  10: {}\n',
  nested: 'sessions:\n  sip:\n    expertise: [sip, telephony]\n    budgetUsd: 20\n',
  empty: '',
  commentOnly: '# nothing\n',
  topLevelList: '- a\n- b\n',
  json: '{\n  "kind": "status",\n  "seq": 3,\n  "blockedOn": [],\n  "helping": null\n}\n',
  mergeKeyIsPlain: 'a:\n  <<: {b: 1}\n',
};

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

describe("parseYaml: the js-yaml fast path gives the yaml library's values", () => {
  for (const [name, text] of Object.entries(SNIPPETS))
    it(`snippet: ${name}`, () => assert.deepEqual(parseYaml(text, 'x.yaml').value, reference(text)));

  it('every YAML file of the test suite (red-team scenarios and fixtures)', () => {
    const files = yamlFiles(path.resolve(__dirname, '../../../test'));
    assert.ok(files.length > 30, `found ${files.length}`);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      let want: unknown;
      try {
        want = reference(text);
      } catch {
        continue;
      }
      assert.deepEqual(parseYaml(text, f, { maxBytes: 1 << 24, maxEntries: 1 << 24 }).value, want, f);
    }
  });

  it('leaves anchors and aliases to the yaml library, which bounds their expansion', () => {
    const bomb = 'a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n';
    assert.deepEqual(parseYaml(bomb, 'x.yaml').value, reference(bomb));
  });

  it('still names the line of a duplicate key and of a syntax error', () => {
    assert.throws(() => parseYaml('a: 1\nb: 2\na: 3\n', 'd.yaml'), /d\.yaml:3: .*unique \("a"\)/);
    assert.throws(() => parseYaml('a: [1, 2\nb: 3\n', 's.yaml'), /s\.yaml(:\d+)?: YAML syntax error/);
  });

  it("lineOf still finds a value's line after a fast parse", () => {
    const r = parseYaml('swarm: x\nsessions:\n  a:\n    budgetUsd: lots\n', 'm.yaml');
    assert.equal(r.lineOf(['sessions', 'a', 'budgetUsd']), 4);
  });
});
