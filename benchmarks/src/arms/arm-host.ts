/**
 * The process an in-process arm runs in when it is measured on its own
 * (own-process.ts). Builds the arm from a recipe (module, export, plain
 * arguments), then serves open / warmUp / run / close over IPC, one call at a
 * time, answering each with its result or its error.
 */
import type { Arm } from '../arm.js';
import type { ArmCall, ArmCallReply, ArmRecipe } from './own-process.js';

let arm: Arm | undefined;

async function build(recipe: ArmRecipe): Promise<Arm> {
  const factory = ((await import(recipe.module)) as Record<string, unknown>)[recipe.exportName];
  if (typeof factory !== 'function') throw new TypeError(`arm-host: ${recipe.module} has no function ${recipe.exportName}`);
  return factory(...recipe.args) as Arm;
}

async function perform(call: ArmCall): Promise<unknown> {
  if (call.op === 'build') {
    arm = await build(call.recipe);
    return undefined;
  }
  if (arm === undefined) throw new Error(`arm-host: ${call.op} before build`);
  switch (call.op) {
    case 'open':
      return arm.open?.();
    case 'warmUp':
      return arm.warmUp ? arm.warmUp() : arm.run();
    case 'run':
      return arm.run();
    case 'close':
      return arm.close?.();
  }
}

process.on('message', (call: ArmCall) => {
  void perform(call).then(
    (value): ArmCallReply => ({ id: call.id, ok: true, value }),
    (error: unknown): ArmCallReply => ({ id: call.id, ok: false, error: { name: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack } }),
  ).then((reply) => process.send?.(reply));
});

// The harness went away without closing us: leave too.
process.on('disconnect', () => process.exit(0));
