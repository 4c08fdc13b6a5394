/**
 * `db.query.text` for MongoDB spans: top-level keys only, every value masked (arrays by their length), e.g.
 * `{"update":"?","updates":"[2]","ordered":"?"}`. The instrumentation's default keeps every nested key of the
 * command (for an insert, of the first document), and our documents are keyed by ids and hold message text.
 * Operation and collection are attributes of their own (`db.operation.name`, `db.collection.name`).
 */
export function dbStatementShape(command: Record<string, unknown>): string {
  const shape: Record<string, string> = {};
  for (const [key, value] of Object.entries(command)) shape[key] = Array.isArray(value) ? `[${value.length}]` : '?';
  return JSON.stringify(shape);
}
