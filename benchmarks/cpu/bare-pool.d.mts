/** Types of bare-pool.mjs (plain JavaScript, run by bare Node in the cpu/ scripts). */
export interface BareReply {
  id: number;
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
export interface BarePool {
  readonly pids: number[];
  get(url: string): Promise<BareReply>;
  /** Resolves once every child has exited. */
  close(): Promise<void>;
}
export declare function openBarePool(options?: { workers?: number; execArgv?: string[] }): Promise<BarePool>;
