import { defineErrors } from '@wabus/errors';

/** What the deployment checks refuse before asserting anything: files they cannot read the way Docker would. */
export const DEPLOY_CHECK_ERRORS = {
  WABUS_DEPLOY_DOCKERFILE_UNSUPPORTED: { message: 'the Dockerfile uses something the image check cannot reproduce without Docker' },
  WABUS_DEPLOY_TOOL_FAILED: { message: 'a deployment tool (helm, hadolint, pnpm) failed' },
  WABUS_DEPLOY_REFERENCE_MISSING: { message: 'an object refers to a ConfigMap, Secret or key that is not there' },
} as const;

export class DeployCheckError extends defineErrors('DeployCheckError', DEPLOY_CHECK_ERRORS) {}
