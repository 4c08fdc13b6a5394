export { serializeLikeMeta, rawNumber, isRawNumber, rawNumberLiteral, type RawNumber, type MetaJson, type MetaJsonOptions } from './meta-json.ts';
export { signBody } from './sign-body.ts';
export { createRng, type Rng } from './rng.ts';
export {
  KINDS,
  MESSAGE_KINDS,
  STATUS_KINDS,
  ACCOUNT_KINDS,
  OTHER_KINDS,
  KIND_ALIASES,
  KIND_WEIGHTS,
  expandKinds,
  isKindName,
  type KindName,
  type MessageKind,
  type StatusKind,
  type AccountKind,
} from './kinds.ts';
export { createWorld, createBusinessPool, customerKey, type World, type WorldOptions, type BusinessNumber, type Customer } from './world.ts';
export { createGenContext, type GenContext } from './gen-context.ts';
export { generateItem } from './generate-item.ts';
export { toExpectedItem, type ExpectedItem, type GeneratedItem, type ItemKind, type ItemArray, type JsonObject } from './generated-item.ts';
export { buildBody, type BuildBodyInput, type BuiltBody } from './build-body.ts';
export { createBodyGenerator, type BodyGenerator, type BodyGeneratorOptions, type GeneratedBody } from './body-generator.ts';
export { createHttpPoster, type Poster, type PostResult, type HttpPosterOptions } from './http-poster.ts';
export { summarizeLatencies, type LatencySummary } from './latency-summary.ts';
export { runSimulation } from './run-simulation.ts';
export type { SimulationOptions, SimulationProgress, SimulationReport } from './simulation-options.ts';
export { formatReport } from './format-report.ts';
export { SimulatorError, type SimulatorErrorCode } from './errors.ts';
