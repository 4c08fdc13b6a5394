/** Masks all but the last four digits of a customer id for logs: `4915112345678` → `*********5678`. */
export function maskId(id: string | null | undefined): string | undefined {
  if (id === null || id === undefined) return undefined;
  if (id.length <= 4) return '*'.repeat(id.length);
  return '*'.repeat(id.length - 4) + id.slice(-4);
}
