/** A customer's text message to business number `phoneNumberId` of WABA `wabaId` (`entry[].id`). */
export const tenantBody = (wabaId: string, phoneNumberId: string, wamid: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1555', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: 'Ana' }, wa_id: '5511999990000' }],
                messages: [{ from: '5511999990000', id: wamid, timestamp: '1700000000', type: 'text', text: { body: 'hi' } }],
              },
            },
          ],
        },
      ],
    }),
  );
