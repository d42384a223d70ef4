import type { UiHandler } from '../server/request-handler.js';
import type { UiMountContext } from '../server/ui-mount.js';
import { createWebUiHandler } from './web-ui-handler.js';

/**
 * The gateway's default UI: the tokens and admin pages, mounted with what the gateway knows.
 *
 * @example
 * const ui = mountWebUi(uiContext); // then: await ui.handle(req, res, 'tokens')
 */
export function mountWebUi(context: UiMountContext): UiHandler {
  return createWebUiHandler({
    contextPath: context.contextPath,
    productDisplayName: context.productName,
    loginPagePath: context.loginPagePath,
    identify: (req) => context.identify(req),
    settings: () => context.settings(),
    onError: (error) => context.onError(error),
  });
}
