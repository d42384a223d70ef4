#!/usr/bin/env node
// The `jira-api-token-auth` bin: the gateway in front of Jira, configured from ATA_* variables
// (DESIGN §2). The gateway validates them, exits with code 2 on invalid configuration, prints
// `listening on http://HOST:PORT` and shuts down gracefully on SIGTERM.
import { runGatewayFromEnv } from '@api-token-auth/gateway';
import { createJiraProduct } from './jira-product.js';

try {
  await runGatewayFromEnv({
    productKey: 'jira',
    createProduct: ({ upstreamUrl, serviceUser, servicePassword }) =>
      createJiraProduct({ baseUrl: upstreamUrl, serviceUser, servicePassword }),
  });
} catch (error) {
  // Last resort for a start-up failure the gateway did not report itself: one line, no stack.
  console.error(`jira-api-token-auth: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
