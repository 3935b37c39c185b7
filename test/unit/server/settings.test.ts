import * as assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver';
import { SettingsStore, defaultSettings, settingsFrom } from '../../../server/settings';

describe('settings', () => {
  it('uses the defaults for a missing or malformed section', () => {
    assert.deepEqual(settingsFrom(undefined), defaultSettings);
    assert.deepEqual(settingsFrom(null), defaultSettings);
    assert.deepEqual(settingsFrom('x'), defaultSettings);
    assert.deepEqual(settingsFrom({ lint: 3, format: [] }), defaultSettings);
  });

  it('reads rule severities, the best-practice toggle and formatter options, dropping invalid values', () => {
    const settings = settingsFrom({
      lint: { rules: { UndefinedVar: 'error', DL3008: 'off', Bad: 'loud', Num: 2 }, bestPractices: false },
      format: { keepMultilineIndentation: true },
    });
    assert.deepEqual(settings, {
      lint: { rules: { UndefinedVar: 'error', DL3008: 'off' }, bestPractices: false },
      format: { keepMultilineIndentation: true },
    });
  });

  it('asks the client once per directory until the configuration changes', async () => {
    const asked: string[] = [];
    const connection = {
      workspace: {
        getConfiguration: async ({ scopeUri }: { scopeUri: string }) => {
          asked.push(scopeUri);
          return { lint: { rules: { UndefinedVar: asked.length === 1 ? 'error' : 'off' } } };
        },
      },
    } as unknown as Connection;
    const store = new SettingsStore(connection);
    store.configurationSupported = true;
    const a = await store.forDocument('file:///w/app/Dockerfile');
    const b = await store.forDocument('file:///w/app/Dockerfile.dev');
    assert.equal(a, b);
    assert.equal(a.lint.rules.UndefinedVar, 'error');
    await store.forDocument('file:///w/other/Dockerfile');
    assert.deepEqual(asked, ['file:///w/app/Dockerfile', 'file:///w/other/Dockerfile']);
    store.changed({});
    assert.equal((await store.forDocument('file:///w/app/Dockerfile')).lint.rules.UndefinedVar, 'off');
    assert.equal(asked.length, 3);
  });
});
