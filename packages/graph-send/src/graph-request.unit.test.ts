import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphSendError } from './errors.ts';
import { graphPathSegment, messagesPath } from './graph-request.ts';

test('a Graph path is built only from ids: "..", ".", "", "/", "?", "%" and non-ASCII are refused with a code', () => {
  assert.equal(messagesPath('v21.0', '106540352242922'), '/v21.0/106540352242922/messages');
  assert.equal(graphPathSegment('wamid_HBg-LM', 'mediaId'), 'wamid_HBg-LM');
  for (const bad of ['..', '.', '', '1/2', '1?x=1', '%2e%2e', '１２', 'a b', 'x'.repeat(257)]) {
    assert.throws(
      () => messagesPath('v21.0', bad),
      (err: unknown) => GraphSendError.is(err, 'WABUS_GRAPH_BAD_PATH_SEGMENT') && (err as GraphSendError).param === 'phoneNumberId',
      JSON.stringify(bad),
    );
  }
});
