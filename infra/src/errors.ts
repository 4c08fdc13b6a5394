export type InfraErrorCode =
  | 'INFRA_TOOL_MISSING'
  | 'INFRA_MAVEN_FAILED'
  /** pip could not install SecantusDB's pinned requirements into its venv. */
  | 'INFRA_PIP_FAILED'
  | 'INFRA_COMPILE_FAILED'
  /** A package registry's client (pip) could not fetch a tool. */
  | 'INFRA_FETCH_FAILED'
  | 'INFRA_FORMAT_FAILED'
  | 'INFRA_CONFIG_MISMATCH'
  /** A variable of the infra scripts (a port, an instance name) that cannot be used. */
  | 'INFRA_BAD_SETTING'
  | 'INFRA_PORT_IN_USE'
  | 'INFRA_PROCESS_EXITED'
  | 'INFRA_START_TIMEOUT'
  | 'INFRA_LOCK_TIMEOUT'
  | 'INFRA_NOT_RUNNING'
  | 'INFRA_NO_SUCH_NODE'
  | 'INFRA_CLUSTER_INCOMPLETE';

/** Every failure of infra/ carries a stable `code`; `details` names the files to look at. */
export class InfraError extends Error {
  readonly code: InfraErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: InfraErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfraError';
    this.code = code;
    this.details = details;
  }
}
