/** One container a deployment file runs from the image, as the checks see it. */
export interface Workload {
  /** Where it comes from, for messages: `chart (all-on) Deployment wabus-ingress`, `docker-compose.yml ingress`. */
  source: string;
  /** The arguments after the image's ENTRYPOINT: `[service]`, or `topics apply …`. */
  args: string[];
  /** Every variable set, with its value; a value from a Secret the operator brings is a placeholder. */
  env: Record<string, string>;
  /**
   * A file the container sees: its content, `null` when it is there but its content is the operator's (their
   * Secret), undefined when nothing is there.
   */
  file(path: string): string | null | undefined;
}
