/**
 * One JSON object per line on stdout, every line naming its event and the pid
 * that wrote it: the primary and its workers share stdout, and whoever runs the
 * service (a supervisor, the test) learns the pids it must see gone from here.
 */
export type LogFields = Record<string, unknown>;

export function log(event: string, fields: LogFields = {}): void {
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...fields })}\n`);
}

export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message } = error as { name?: unknown; message: unknown };
    return { name: typeof name === 'string' ? name : 'Error', message: String(message) };
  }
  return { name: 'Error', message: String(error) };
}
