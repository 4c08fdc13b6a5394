import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { installTestTracing } from '../testing/index.ts';
import { maskTarget, maskUrl, maskUrlAttributes } from './url-shape.ts';

const tracing = installTestTracing();

test('given a path naming a customer, then the number is masked to its last four digits, the rest kept', () => {
  assert.equal(maskTarget('/contacts/4915112345678'), '/contacts/*********5678');
  assert.equal(maskTarget('/v1/contacts/%2B34600111222'), '/v1/contacts/**********1222');
  assert.equal(maskTarget('/contacts/batch'), '/contacts/batch');
  assert.equal(maskTarget('/v21.0/106540352242922/messages'), '/v21.0/***********2922/messages', 'a Meta id is masked as well');
});

test('given a query, then values holding long numbers are masked, names and short values kept', () => {
  assert.equal(maskTarget('/v1/conversations?phone_number_id=106540352242922&limit=50'), '/v1/conversations?phone_number_id=***********2922&limit=50');
});

test('given an absolute URL, then scheme, host and port stay whole (even all digits) and path and query are masked', () => {
  assert.equal(maskUrl('http://127.0.0.1:8091/contacts/4915112345678?x=1'), 'http://127.0.0.1:8091/contacts/*********5678?x=1');
  assert.equal(maskUrl('https://graph.facebook.com/v21.0/1065403522/messages'), 'https://graph.facebook.com/v21.0/******3522/messages');
});

test('given a span with URL attributes in both conventions, then each is rewritten masked', () => {
  tracing.reset();
  const span = trace.getTracer('t').startSpan('PUT', {
    attributes: {
      'url.full': 'http://127.0.0.1:8091/contacts/4915112345678',
      'url.path': '/contacts/4915112345678',
      'url.query': 'wa_id=4915112345678',
      'http.target': '/contacts/4915112345678',
      'http.url': 'http://crm:80/contacts/4915112345678',
      'http.request.method': 'PUT',
    },
  });
  maskUrlAttributes(span);
  span.end();
  const [done] = tracing.spans();
  assert.deepEqual(
    { ...done!.attributes },
    {
      'url.full': 'http://127.0.0.1:8091/contacts/*********5678',
      'url.path': '/contacts/*********5678',
      'url.query': 'wa_id=*********5678',
      'http.target': '/contacts/*********5678',
      'http.url': 'http://crm:80/contacts/*********5678',
      'http.request.method': 'PUT',
    },
  );
});
