/** Where a consumer service listens and keeps its data by default: what `replay` needs to know of each service. */

export const PORT_ENV: Record<string, string> = {
  'message-store': 'MESSAGE_STORE_PORT',
  'status-tracker': 'STATUS_TRACKER_PORT',
  'auto-reply': 'AUTO_REPLY_PORT',
  'crm-sync': 'CRM_SYNC_PORT',
};

export const defaultDatabase = (service: string) => `wabus_${service.replaceAll('-', '_')}`;
