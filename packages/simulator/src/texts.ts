import type { Rng } from './rng.ts';

/**
 * Message bodies chosen to exercise escaping: accents, RTL and CJK scripts, emoji (surrogate pairs, ZWJ
 * sequences, flags, skin tones), `/`, `@`, quotes, backslashes and newlines.
 */
export const TEXT_BODIES: readonly string[] = [
  'Hi',
  'ok',
  'Hello, I would like to know the status of my order',
  'Olá! Vocês entregam em São Paulo?',
  'Café com pão de queijo ☕',
  '¿Cuál es el horario de atención?',
  'Guten Tag, ich möchte meine Bestellung ändern',
  'Merci beaucoup 🙏',
  'مرحبا، أريد الاستفسار عن الطلب',
  'שלום, מתי ההזמנה תגיע?',
  '你好，我想查询订单',
  'こんにちは 😀',
  'नमस्ते, मुझे मदद चाहिए',
  'Thanks!! 😂😂😂',
  'See you tomorrow 👍🏽',
  'Family trip 👨‍👩‍👧‍👦 🇧🇷🇮🇳',
  'My order is 4521/B, tracking https://example.com/track?id=4521&lang=pt',
  'Email me at maria.silva@example.com',
  'He said "call me back" and left',
  'Path is C:\\Users\\maria\\Desktop',
  'line one\nline two\n\tindented',
  'Preço: R$ 49,90 — 10% off?',
  '1/2 kg of 🍅 and 3 🥑',
  'ok 👌',
];

export const CAPTIONS: readonly string[] = ['Photo of the receipt', 'Foto do comprovante 🧾', 'See attached', 'Factura nº 123/2024', 'Screenshot 😅'];

export const FILENAMES: readonly string[] = ['invoice.pdf', 'Relatório março.pdf', 'contract_v2.docx', '见附件.pdf', 'scan 2024/05.pdf'];

export const REACTION_EMOJI: readonly string[] = ['👍', '❤️', '😂', '😮', '😢', '🙏', '👍🏾'];

export const BUTTON_TITLES: readonly string[] = ['Yes', 'No', 'Talk to an agent', 'Sí, confirmar', 'Ver catálogo 📦', 'Stop promotions'];

export const pickText = (rng: Rng): string => rng.pick(TEXT_BODIES);
