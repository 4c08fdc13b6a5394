/** One Graph API call, exactly as it is (or was) sent, minus the token (WHATSAPP.md, "Sending"). */
export interface GraphRequest {
  method: 'POST';
  /** `/<version>/<phoneNumberId>/messages`. */
  path: string;
  body: Record<string, unknown>;
}

/** The messages endpoint of a business number; the id is encoded so that no value can turn it into another Graph path. */
export const messagesPath = (apiVersion: string, phoneNumberId: string): string => `/${apiVersion}/${encodeURIComponent(phoneNumberId)}/messages`;
