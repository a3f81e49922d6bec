// Vitest globalSetup of the e2e project: before any browser starts, every engine of this run is
// installed (from Debian, when this user may) or the run stops naming the install command.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureBrowsers } from './browsers';
import { engines } from './driver/types';

export default function setup(): void {
  ensureBrowsers(engines, {
    exists: existsSync,
    root: process.getuid?.() === 0,
    passwordlessSudo: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
    run: (command) => {
      try {
        execSync(command, { stdio: 'inherit' });
        return 0;
      } catch (error) {
        return (error as { status?: number }).status ?? 1;
      }
    },
  });
}
