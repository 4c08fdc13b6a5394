import { createBodyGenerator, signBody } from '@wabus/simulator';

export interface SignedBody {
  body: Buffer;
  signature: string;
}

/** `size` distinct single-item `text` webhook bodies, signed with `secret`, generated once before any load. */
export function createBodyPool(opts: { size: number; secret: string; seed: string }): SignedBody[] {
  const generator = createBodyGenerator({ seed: opts.seed, kinds: ['text'], batch: 1 });
  return Array.from({ length: opts.size }, () => {
    const { body } = generator.next();
    return { body, signature: signBody(body, opts.secret) };
  });
}
