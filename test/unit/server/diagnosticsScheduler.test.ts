import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiagnosticsScheduler } from '../../../server/diagnosticsScheduler';

describe('DiagnosticsScheduler', () => {
  it('debounces: a burst of changes runs the job once, for the last change', async () => {
    const runs: string[] = [];
    let version = 0;
    const scheduler = new DiagnosticsScheduler(async (uri) => { runs.push(`${uri}@${version}`); }, 40);
    for (let i = 1; i <= 5; i++) {
      version = i;
      scheduler.schedule('a');
      await sleep(5);
    }
    await sleep(120);
    assert.deepEqual(runs, ['a@5']);
    scheduler.dispose();
  });

  it('runs an immediate request on the next tick and keeps documents independent', async () => {
    const runs: string[] = [];
    const scheduler = new DiagnosticsScheduler(async (uri) => { runs.push(uri); }, 1000);
    scheduler.schedule('a', true);
    scheduler.schedule('b', true);
    await sleep(20);
    assert.deepEqual(runs.sort(), ['a', 'b']);
    scheduler.dispose();
  });

  it('cancels a running job when a newer change arrives', async () => {
    const seen: boolean[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let calls = 0;
    const scheduler = new DiagnosticsScheduler(async (_uri, token) => {
      calls++;
      if (calls === 1) await gate;
      seen.push(token.isCancellationRequested);
    }, 0);
    scheduler.schedule('a');
    await sleep(10); // the first job is now waiting inside
    scheduler.schedule('a');
    release();
    await sleep(30);
    assert.deepEqual(seen, [true, false]);
    scheduler.dispose();
  });

  it('a cancelled pending job never runs', async () => {
    let runs = 0;
    const scheduler = new DiagnosticsScheduler(async () => { runs++; }, 20);
    scheduler.schedule('a');
    scheduler.cancel('a');
    await sleep(50);
    assert.equal(runs, 0);
  });
});
