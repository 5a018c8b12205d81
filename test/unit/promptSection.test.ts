import { strict as assert } from 'node:assert';
import { mergePromptSection, PROMPT_BEGIN, PROMPT_END, stripPromptSection } from '../../src/core/promptSection';
import { translateCodexHook } from '../../src/core/hooks/codexHook';
import { translateGeminiHook } from '../../src/core/hooks/geminiHook';

describe('the session prompt section in CLAUDE.md / AGENTS.md / GEMINI.md', () => {
  const table: [string, string | null][] = [
    ['no file yet', null],
    ['an empty file', ''],
    ['a person text without a final newline', '# Rules\nBe careful.'],
    ['a person text with text after an old section', `# Rules\n\n${PROMPT_BEGIN}\nold\n${PROMPT_END}\nAfter.\n`],
  ];
  for (const [name, before] of table)
    it(`${name}: the section goes in once, is replaced on the next open, and stripping gives the person's text back`, () => {
      const once = mergePromptSection(before, 'prompt v1\n');
      assert.equal(once.split(PROMPT_BEGIN).length, 2);
      assert.ok(once.includes('prompt v1'));
      const twice = mergePromptSection(once, 'prompt v2');
      assert.equal(twice.split(PROMPT_BEGIN).length, 2, 'one section, never two');
      assert.ok(twice.includes('prompt v2') && !twice.includes('prompt v1'));
      assert.equal(mergePromptSection(twice, 'prompt v2'), twice, 'the same prompt changes nothing');
      const person = before && before.includes(PROMPT_BEGIN) ? '# Rules\n\nAfter.\n' : (before ?? '');
      assert.equal(stripPromptSection(twice).trimEnd(), person.trimEnd());
    });
});

describe('runtime hook adapters', () => {
  it("translate Codex's spawn_agent and Gemini's sub-agent tools into the shared spawn tool", () => {
    assert.equal(
      translateCodexHook({ hook_event_name: 'PreToolUse', tool_name: 'spawn_agent' }).input.tool_name,
      'Agent',
    );
    assert.equal(translateCodexHook({ hook_event_name: 'PreToolUse', tool_name: 'Bash' }).input.tool_name, 'Bash');
    const g = translateGeminiHook({ hook_event_name: 'BeforeTool', tool_name: 'reviewer' }, new Set(['reviewer']));
    assert.equal(g.input.hook_event_name, 'PreToolUse');
    assert.equal(g.input.tool_name, 'Agent');
  });
  it('say who waits on a person, and for what', () => {
    assert.match(
      translateCodexHook({
        hook_event_name: 'PermissionRequest',
        tool_name: 'NetworkAccess',
        tool_input: { command: 'network-access example.com' },
      }).waiting!,
      /network access: network-access example.com/,
    );
    assert.match(translateCodexHook({ hook_event_name: 'Stop' }).waiting!, /waits for your next prompt/);
    assert.equal(translateCodexHook({ hook_event_name: 'PreToolUse', tool_name: 'Bash' }).waiting, null);
  });
});
