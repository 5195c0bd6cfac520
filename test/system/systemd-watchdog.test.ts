import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { systemdWatchdog } from '../../src/app/systemd-watchdog.js';
import { testConfig } from '../support/helpers.js';

// The real systemd-notify (Debian's systemd package, which .ci/run installs) against a socket
// that plays systemd's part.
const present = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const runnable = present('systemd-notify') && present('python3');
if (!runnable) console.warn('systemd-notify or python3 missing: the watchdog test is skipped');

describe.skipIf(!runnable)('the systemd watchdog', () => {
  let receiver: ChildProcess;
  let socket: string;
  const received: string[] = [];
  let logged = '';
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) }));

  beforeAll(async () => {
    socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'civic-notify-')), 'notify.sock');
    receiver = spawn('python3', [path.join(ROOT, 'test/support/notify-socket.py'), socket], { stdio: ['ignore', 'pipe', 'inherit'] });
    receiver.stdout!.on('data', (chunk) => received.push(...String(chunk).split('\n').filter(Boolean)));
    for (let i = 0; i < 200 && !received.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
    if (!received.includes('listening')) throw new Error('the notify socket did not start');
  });
  afterAll(() => {
    receiver?.kill();
  });

  it('sends READY=1, then WATCHDOG=1 only while the NLU answers', async () => {
    let core: ChatCore | undefined;
    const watchdog = systemdWatchdog({ socket, watchdogUsec: 600_000 }, () => core, log);
    watchdog.ready();
    await expect.poll(() => received.some((m) => m.includes('READY=1')), { timeout: 10_000 }).toBe(true);
    // No core (an NLU that does not answer): no ping, and the reason in the log.
    await expect.poll(() => logged, { timeout: 10_000 }).toContain('no watchdog ping');
    expect(received.filter((m) => m.includes('WATCHDOG=1'))).toEqual([]);

    core = await assemble(testConfig());
    await expect.poll(() => received.filter((m) => m.includes('WATCHDOG=1')).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    watchdog.stop();
    await expect.poll(() => received.some((m) => m.includes('STOPPING=1')), { timeout: 10_000 }).toBe(true);
    expect(logged).not.toContain('systemd-notify failed');
    await core.close();
  });
});
