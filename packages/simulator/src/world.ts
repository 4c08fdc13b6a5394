import type { Rng } from './rng.ts';

/** A business phone number registered under a WABA: `metadata` of a change and `entry.id`. */
export interface BusinessNumber {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** A WhatsApp user. `waId` is null for users known only by their business-scoped user id (BSUID). */
export interface Customer {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  name: string;
  /** The number shown in text (a wamid, vCards): the wa_id, else an invented one. */
  phone: string;
}

export interface World {
  businesses: readonly BusinessNumber[];
  customers: readonly Customer[];
}

export interface WorldOptions {
  /** Default 2. Ignored when `businesses` is given. */
  wabas?: number;
  /** Default 2. */
  numbersPerWaba?: number;
  businesses?: readonly BusinessNumber[];
  /** Size of the customer pool; a smaller pool means more items per conversation key. Default 500. */
  customers?: number;
  /** Share of customers known only by BSUID (no `from`, no `wa_id`). Default 0.08. */
  bsuidOnlyShare?: number;
}

interface Country {
  cc: string;
  iso: string;
  /** National significant number: leading digits, then how many random digits follow. */
  leads: readonly string[];
  rest: number;
}

// Mobile ranges per country (E.164 without '+'), so numbers look like what Meta sends in `wa_id`.
const COUNTRIES: readonly Country[] = [
  { cc: '1', iso: 'US', leads: ['202', '312', '415', '646', '713', '917'], rest: 7 },
  { cc: '55', iso: 'BR', leads: ['119', '219', '319', '479', '619'], rest: 8 },
  { cc: '91', iso: 'IN', leads: ['98', '97', '88', '70', '63'], rest: 8 },
  { cc: '44', iso: 'GB', leads: ['74', '75', '77', '78', '79'], rest: 8 },
  { cc: '49', iso: 'DE', leads: ['151', '160', '170', '176'], rest: 8 },
  { cc: '52', iso: 'MX', leads: ['155', '133', '181'], rest: 8 },
  { cc: '234', iso: 'NG', leads: ['803', '806', '810', '703', '905'], rest: 7 },
  { cc: '62', iso: 'ID', leads: ['812', '813', '857', '878'], rest: 8 },
  { cc: '972', iso: 'IL', leads: ['50', '52', '54', '58'], rest: 7 },
  { cc: '34', iso: 'ES', leads: ['6'], rest: 8 },
  { cc: '20', iso: 'EG', leads: ['10', '11', '12'], rest: 8 },
  { cc: '966', iso: 'SA', leads: ['50', '53', '55'], rest: 7 },
];

const NAMES: readonly string[] = [
  'Maria Silva',
  'José Álvarez',
  'Conceição Araújo',
  'Priya Sharma',
  'राहुल वर्मा',
  'Jürgen Groß',
  'Zoë',
  'محمد العلي',
  'נועה כהן',
  '李雷',
  'Chidi Okafor',
  'Siti Nurhaliza',
  'François Lefèvre',
  'Ana 🌸',
  '🔥Dani🔥',
  'Sean O\'Brien "Mac"',
  'A/B Team',
  'Nguyễn Văn An',
  'Ólafur',
  'John',
];

export function randomPhone(rng: Rng): { phone: string; iso: string } {
  const c = rng.pick(COUNTRIES);
  let rest = '';
  for (let i = 0; i < c.rest; i++) rest += String(rng.int(0, 9));
  return { phone: `${c.cc}${rng.pick(c.leads)}${rest}`, iso: c.iso };
}

export function createBusinessPool(rng: Rng, wabas = 2, numbersPerWaba = 2): BusinessNumber[] {
  const out: BusinessNumber[] = [];
  for (let w = 0; w < wabas; w++) {
    const wabaId = rng.digits(rng.int(15, 16));
    for (let n = 0; n < numbersPerWaba; n++) {
      out.push({ wabaId, phoneNumberId: rng.digits(15), displayPhoneNumber: randomPhone(rng).phone });
    }
  }
  return out;
}

export function createCustomer(rng: Rng, bsuidOnlyShare: number): Customer {
  const { phone, iso } = randomPhone(rng);
  const bsuidOnly = rng.chance(bsuidOnlyShare);
  // Newer payloads add business-scoped user ids next to wa_id for part of the users.
  const withUserId = bsuidOnly || rng.chance(0.3);
  return {
    waId: bsuidOnly ? null : phone,
    userId: withUserId ? `${iso}.${rng.digits(19)}` : null,
    parentUserId: withUserId && rng.chance(0.5) ? `${iso}.ENT.${rng.digits(20)}` : null,
    name: rng.pick(NAMES),
    phone,
  };
}

export function createWorld(rng: Rng, options: WorldOptions = {}): World {
  const businesses = options.businesses ?? createBusinessPool(rng, options.wabas ?? 2, options.numbersPerWaba ?? 2);
  const size = Math.max(1, options.customers ?? 500);
  const share = options.bsuidOnlyShare ?? 0.08;
  const customers = Array.from({ length: size }, () => createCustomer(rng, share));
  return { businesses, customers };
}

/** The id an ingester keys a conversation by: wa_id when present, else the BSUID. */
export const customerKey = (c: Customer): string | null => c.waId ?? c.userId;
