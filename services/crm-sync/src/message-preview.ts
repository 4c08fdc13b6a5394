import type { MessageContent } from '@wabus/events';

export const PREVIEW_LENGTH = 80;

/** At most `max` characters (code points, so an emoji is never cut in half), whitespace runs folded. */
export function shorten(text: string, max = PREVIEW_LENGTH): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The text a person would read in a chat list for this message; empty when it has none. */
function previewText(c: MessageContent): string {
  switch (c.type) {
    case 'text':
      return c.text.body ?? '';
    case 'image':
      return c.image.caption ?? '';
    case 'video':
      return c.video.caption ?? '';
    case 'audio':
      return '';
    case 'document':
      return c.document.caption ?? c.document.filename ?? '';
    case 'sticker':
      return '';
    case 'location':
      return [c.location.name, c.location.address].filter((s) => s !== null && s !== '').join(', ');
    case 'contacts':
      return c.contacts
        .map((k) => k.name.formattedName ?? '')
        .filter((s) => s !== '')
        .join(', ');
    case 'interactive':
      return c.interactive.type === 'button_reply' || c.interactive.type === 'list_reply'
        ? (c.interactive.title ?? '')
        : c.interactive.type === 'nfm_reply'
          ? (c.interactive.body ?? '')
          : '';
    case 'button':
      return c.button.text ?? '';
    case 'reaction':
      return c.reaction.emoji ?? '';
    case 'order':
      return c.order.text ?? '';
    case 'system':
      return c.system.body ?? '';
    case 'revoke':
      return '';
    case 'edit':
      return c.edit.message === null ? '' : previewText(c.edit.message);
    case 'unsupported':
      return '';
    case 'unknown':
      return '';
    default: {
      const never: never = c;
      return String(never);
    }
  }
}

/** The message `type` as the CRM sees it (an unknown type keeps its own name) and a short preview. */
export function summarizeContent(c: MessageContent): { type: string; preview: string } {
  const type = c.type === 'unknown' ? (c.unknown.type ?? 'unknown') : c.type;
  return { type, preview: shorten(previewText(c)) };
}
