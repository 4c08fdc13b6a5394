import { buildBody, type BuiltBody } from './build-body.ts';
import { createGenContext, type GenContext } from './gen-context.ts';
import { generateItem } from './generate-item.ts';
import type { GeneratedItem } from './generated-item.ts';
import { expandKinds, KIND_WEIGHTS, type KindName } from './kinds.ts';
import type { MetaJsonOptions } from './meta-json.ts';
import { createRng, type Rng } from './rng.ts';
import { createWorld, type World, type WorldOptions } from './world.ts';

export interface BodyGeneratorOptions extends WorldOptions {
  seed: number | string;
  /** Kind names or aliases (see kinds.ts); default all. */
  kinds?: readonly string[];
  /** Items per body. Default 1. */
  batch?: number;
  /** `realistic` weights kinds by real-world frequency (statuses and text dominate); `uniform` draws them equally. */
  mix?: 'realistic' | 'uniform';
  /** Epoch milliseconds for item timestamps. Default Date.now; pin it for byte-reproducible bodies. */
  now?: () => number;
  /** Share of items sent to another number than the body's main one (spreads a body over changes and entries). */
  spreadShare?: number;
  json?: MetaJsonOptions;
}

export interface GeneratedBody extends BuiltBody {
  /** The generated items in input order (before grouping), for tests and debugging. */
  generated: GeneratedItem[];
}

export interface BodyGenerator {
  next(): GeneratedBody;
  world: World;
  kinds: readonly KindName[];
}

function kindPicker(rng: Rng, kinds: readonly KindName[], mix: 'realistic' | 'uniform'): () => KindName {
  const weights = kinds.map((k) => (mix === 'uniform' ? 1 : KIND_WEIGHTS[k]));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let x = rng.next() * total;
    for (let i = 0; i < kinds.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return kinds[i] as KindName;
    }
    return kinds[kinds.length - 1] as KindName;
  };
}

/** A seeded stream of webhook bodies: the same seed, options and clock give the same bytes. */
export function createBodyGenerator(options: BodyGeneratorOptions): BodyGenerator {
  const root = createRng(options.seed);
  const world = createWorld(root.fork('world'), options);
  const rng = root.fork('items');
  const layout = root.fork('layout');
  const ctx: GenContext = createGenContext({ rng, world, now: options.now ?? Date.now });
  const kinds = expandKinds(options.kinds);
  const pickKind = kindPicker(rng, kinds, options.mix ?? 'realistic');
  const batch = Math.max(1, Math.floor(options.batch ?? 1));
  const spread = options.spreadShare ?? 0.15;

  const next = (): GeneratedBody => {
    const main = rng.pick(world.businesses);
    const generated: GeneratedItem[] = [];
    for (let i = 0; i < batch; i++) {
      const business = rng.chance(spread) ? rng.pick(world.businesses) : main;
      generated.push(generateItem(ctx, pickKind(), { business }));
    }
    // Mostly one entry with one change per number and field; sometimes one change per item or two entries.
    const built = buildBody({
      items: generated,
      rng: layout,
      entries: layout.chance(0.1) ? 2 : 1,
      itemsPerChange: layout.chance(0.1) ? 1 : undefined,
      json: options.json,
    });
    return { ...built, generated };
  };
  return { next, world, kinds };
}
