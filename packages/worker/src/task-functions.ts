/**
 * The functions this child's tasks name, once imported. loadFnRef caches them
 * too, but only as promises: a task whose function is already here calls it
 * in the same turn, without an await of its own (a fresh child runs every
 * async frame cold, thousands of times before V8 optimises it).
 */
import { loadFnRef, type FnRef } from '@requests-futures/serializer';

type TaskFunction = (...args: unknown[]) => unknown;

export class TaskFunctions {
  private readonly byModule = new Map<string, Map<string, TaskFunction>>();

  /** The function, if a task of this child imported it already. */
  loaded(ref: FnRef): TaskFunction | undefined {
    return this.byModule.get(ref.moduleUrl)?.get(ref.exportName);
  }

  /** Imports it (loadFnRef: a clear error for a missing module or export), and keeps it for the tasks that follow. */
  async load(ref: FnRef): Promise<TaskFunction> {
    const target: unknown = await loadFnRef(ref);
    if (typeof target !== 'function') {
      throw new TypeError(`Export "${ref.exportName}" of ${ref.moduleUrl} is not a function (got ${typeof target})`);
    }
    let exports = this.byModule.get(ref.moduleUrl);
    if (exports === undefined) this.byModule.set(ref.moduleUrl, (exports = new Map()));
    exports.set(ref.exportName, target as TaskFunction);
    return target as TaskFunction;
  }
}
