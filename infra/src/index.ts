export { installInfra } from './install-infra.ts';
export { startInfra } from './start-infra.ts';
export { stopInfra } from './stop-infra.ts';
export { infraStatus } from './infra-status.ts';
export { kafkaFaultListener, signalComponent, signalKafkaNode, startComponent, stopComponent } from './component-control.ts';
export { CLUSTER_NODES, kafkaBrokersFor, resolveCacheDir, resolveProfileLayout } from './profile-layout.ts';
export { InfraError, type InfraErrorCode } from './errors.ts';
export type {
  ComponentName,
  ComponentStatus,
  InfraStatus,
  InstallResult,
  KafkaNodeStatus,
  LogFn,
  Profile,
  StartInfraResult,
  StoreKind,
  ToolInstall,
} from './types.ts';
export { PROFILES, STORE_KINDS } from './types.ts';
export { startPrivateMongo, type PrivateMongo } from './private-mongo.ts';
export { installTraceViewer, isTraceViewerInstalled } from './trace-viewer-install.ts';
export { startTraceViewer, type TraceViewer } from './trace-viewer.ts';
export { JAEGER_VERSION, resolveTraceViewerLayout, type TraceViewerLayout } from './trace-viewer-layout.ts';
export { installDeployTools } from './install-deploy-tools.ts';
export { installHelm } from './helm-install.ts';
export { installPromtool } from './promtool-install.ts';
export { installHadolint } from './hadolint-install.ts';
export {
  installS3Server,
  startS3Server,
  testS3Server,
  GOFAKES3_VERSION,
  SEAWEEDFS_VERSION,
  S3_SERVER_KINDS,
  type S3Server,
  type S3ServerKind,
} from './s3-server.ts';
