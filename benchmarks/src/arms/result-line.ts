/**
 * Child programs we drive (drive.py, memory-child.ts) report by printing one
 * JSON line last: {"requests", "seconds", "bytes"?}.
 */
export class ResultLineError extends Error {
  constructor(program: string, stdout: string) {
    super(`${program} printed no result JSON; stdout was: ${stdout.trim().slice(-300) || '(empty)'}`);
    this.name = 'ResultLineError';
  }
}

export interface ResultLine {
  requests: number;
  seconds: number;
  bytes?: number;
}

export function parseResultLine(program: string, stdout: string): ResultLine {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: Partial<ResultLine>;
  try {
    parsed = JSON.parse(line) as Partial<ResultLine>;
  } catch {
    throw new ResultLineError(program, stdout);
  }
  if (typeof parsed.seconds !== 'number' || typeof parsed.requests !== 'number') throw new ResultLineError(program, stdout);
  return { requests: parsed.requests, seconds: parsed.seconds, bytes: parsed.bytes };
}

/** What the Node child programs (download-child.mjs, memory-child.mjs) print: their own peak and each pool child's. */
export interface ChildResultLine {
  requests: number;
  seconds: number;
  bytes?: number;
  peakRssMb: number;
  childrenPeakRssMb: number[];
}

/** Parses a ChildResultLine, requiring `bytes` when the program reports them. */
export function parseChildResultLine(program: string, stdout: string, options: { bytes: boolean }): ChildResultLine {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as Partial<ChildResultLine>;
    const numbers = [parsed.requests, parsed.seconds, parsed.peakRssMb, ...(options.bytes ? [parsed.bytes] : [])];
    if (numbers.every((n) => typeof n === 'number') && Array.isArray(parsed.childrenPeakRssMb)) return parsed as ChildResultLine;
  } catch {
    // Reported below with what the program printed.
  }
  throw new ResultLineError(program, stdout);
}
