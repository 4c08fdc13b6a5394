import type { ComponentLayout } from './profile-layout.ts';
import type { LogFn } from './types.ts';

/** What it takes to run one component as a background process; the lifecycle around it is component-runtime.ts. */
export interface ComponentDriver {
  layout: ComponentLayout;
  /** Every port the process binds (checked free before a start). */
  ports: number[];
  /** Milliseconds a start may take before it is reported as failed. */
  startTimeoutMs: number;
  /** Writes config and initialises storage. `fresh`: remove the component's files first. */
  prepare(opts: { fresh: boolean; log: LogFn }): Promise<void>;
  command(): { file: string; args: string[] };
  /** What to do when `command().file` is not there (a JVM: JAVA_HOME; SecantusDB: its install). */
  toolHint: string;
  /** One readiness attempt against the open port: true when the component serves real requests. */
  probeReady(): Promise<boolean>;
  /**
   * When a running process was started with other settings than this checkout would write (it is reused as it is):
   * what differs, for a warning. Undefined when they agree or it cannot tell.
   */
  staleSettings?(): string[] | undefined;
}
