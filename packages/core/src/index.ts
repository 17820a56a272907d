/**
 * @requests-futures/core — the public surface (API.md), nothing else.
 */
export { title, version } from './version.js';

export { FuturesSession } from './session/futures-session.js';
export { Session } from './session/session.js';
export { CookieConflictError, SessionClosedError } from './session/errors.js';
export { SessionCookies } from './session/cookies.js';
export { HeadersDict, type SessionHeaders } from './session/session-headers.js';
export { ItemDict, type SessionDict } from './session/item-dict.js';
export type { SessionParams, SessionProxies, ParamItem } from './session/params-and-proxies.js';
export type { MountedAdapter } from './session/adapters.js';
export type { MapInput, MapRequestsOptions } from './session/map-requests.js';
export type {
  AdapterOptions,
  CloseOptions,
  FuturesSessionOptions,
  RequestOptions,
  SessionStateOptions,
} from './session/options.js';

export { Future } from './futures/future.js';
export type { DoneCallback, FutureState, IteratedFuture } from './futures/future.js';
export { CancelledError, TimeoutError, InvalidStateError } from './futures/errors.js';
export { wait, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED } from './futures/wait.js';
export type { ReturnWhen, WaitOptions } from './futures/wait.js';
export { asCompleted } from './futures/as-completed.js';

export {
  ThreadPoolExecutor,
  ProcessPoolExecutor,
  BrokenProcessPool,
  ExecutorShutdownError,
  DrainCancelledError,
  DrainDeadlineError,
} from './executors/index.js';
export type {
  BrokenProcessPoolDetails,
  ChildExit,
  TaskLostListener,
  TaskProgressListener,
  Executor,
  Task,
  ShutdownOptions,
  MapOptions,
  ThreadPoolExecutorOptions,
  ProcessPoolExecutorOptions,
  ProcessPoolStats,
  DrainOptions,
  DrainReport,
  ExecutorStats,
  ExecutorEventMap,
  ExecutorEventName,
  ExecutorListener,
  ObservableExecutor,
} from './executors/index.js';

export { Response } from './http/response.js';
export { AuthBase, HTTPBasicAuth, HTTPDigestAuth, type AuthCallable, type AuthOption, type PreparedRequest } from './http/auth.js';
export { CaseInsensitiveHeaders } from './http/headers.js';
export {
  RequestException,
  ConnectionError,
  Timeout,
  ConnectTimeout,
  ReadTimeout,
  TooManyRedirects,
  HTTPError,
  InvalidURL,
  MissingSchema,
  InvalidSchema,
  InvalidHeader,
  SSLError,
  ProxyError,
  ContentTooLarge,
  InvalidJSONError,
  JSONDecodeError,
  ChunkedEncodingError,
  ContentDecodingError,
  ChecksumMismatch,
  IncompleteDownload,
  UnsafePath,
  PartFileBusy,
  StreamConsumedError,
  ContentNotRead,
  UnrewindableBodyError,
} from './http/errors.js';
export type { ClientCert, RetryOptions, TimeoutOption, FileContent, FilePart, FileTuple, FilesOption, FormPairs, DataOption, Params } from './http/request-spec.js';
export type { FileBody, StreamingData } from './http/body-source.js';

export { fnRef, FnRef, PicklingError, FnRefImportError } from '@requests-futures/serializer';
export { REQUEST_CHANNELS, type RequestChannelName, type RequestDiagnostic } from './diagnostics/request-channels.js';
export { TASK_CHANNELS, type TaskChannelName, type TaskDiagnostic } from './diagnostics/task-channels.js';
export { registerContext, type RegisterContextOptions, type TravellingContext } from './context/registered-contexts.js';
export { currentTask, type TaskContext, type ByteBudget } from './task-context.js';
