import * as assert from 'node:assert/strict';
import { defaultSettings, settingsFrom } from '../../../server/settings';

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
});
