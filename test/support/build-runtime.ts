/** vitest globalSetup: the tests spawn the compiled worker (dist/), so build it from the current sources first. */
import { buildRuntime } from '../../scripts/build';

export default async function setup(): Promise<void> {
  await buildRuntime();
}
