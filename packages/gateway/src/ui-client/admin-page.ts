/** The admin page: tabs that load their data when first shown (failed logins and audit on every visit). */
import { initAdminTokensTab } from './admin-tokens.js';
import { initAuditTab } from './admin-audit.js';
import { initFailedLoginsTab } from './admin-failed-logins.js';
import { initSettingsTab } from './admin-settings.js';
import type { Api } from './api.js';
import { byId } from './dom.js';
import { initTabs } from './tabs.js';

export function initAdminPage(api: Api): void {
  const tokens = initAdminTokensTab(api);
  const settings = initSettingsTab(api, () => void tokens.reloadValidityOptions());
  const failedLogins = initFailedLoginsTab(api);
  const audit = initAuditTab(api);
  const loaded = new Set<string>();

  initTabs(byId('admin-tabs', HTMLElement), (id) => {
    const first = !loaded.has(id);
    loaded.add(id);
    if (id === 'settings' && first) void settings.load();
    if (id === 'tokens' && first) void Promise.all([tokens.load(), tokens.reloadValidityOptions()]);
    if (id === 'failed-logins') void failedLogins.load();
    if (id === 'audit') void audit.load();
  });
}
