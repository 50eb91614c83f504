/**
 * `npm test`'s pretest: make sure the browser tests have a Chromium. On a machine that allows it
 * (root, Debian's apt) it installs Debian's `chromium`; otherwise it stops at once naming the command.
 */
import { spawnSync } from 'node:child_process';
import { findChromium, isExecutable, planChromium } from './chromium.js';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && isExecutable(`${dir}/${command}`));
}

function run(command: string, args: string[]): void {
  console.log(`pretest: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`pretest: \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const plan = planChromium(findChromium(), {
  root: process.getuid?.() === 0,
  aptGet: onPath('apt-get'),
  variableSet: Boolean(process.env.CHROMIUM_PATH || process.env.CHROME_PATH),
});

switch (plan.kind) {
  case 'ready':
    console.log(`pretest: browser tests use ${plan.path}`);
    break;
  case 'install': {
    console.log(`pretest: ${plan.reason}; installing Debian's chromium for the browser tests`);
    run('apt-get', ['update', '-q']);
    run('apt-get', ['install', '-y', '-q', 'chromium']);
    const after = findChromium();
    if (!after.found) {
      console.error(`pretest: chromium was installed but ${after.reason}`);
      process.exit(1);
    }
    console.log(`pretest: browser tests use ${after.path}`);
    break;
  }
  case 'fail':
    console.error(`pretest: ${plan.message}`);
    process.exit(1);
}
