/**
 * WAI-ARIA tabs (automatic activation): arrow keys, Home and End move between tabs, only the selected
 * tab is in the tab order, and the URL fragment (`#audit`) remembers the tab.
 */

export function initTabs(tablist: HTMLElement, onActivate: (id: string) => void): void {
  const tabs = Array.from(tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
  const idOf = (tab: HTMLElement) => tab.id.replace(/^tab-/, '');

  function activate(tab: HTMLButtonElement, focus: boolean): void {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute('aria-controls') ?? '');
      if (panel) panel.hidden = !selected;
    }
    if (focus) tab.focus();
    history.replaceState(null, '', `#${idOf(tab)}`);
    onActivate(idOf(tab));
  }

  tablist.addEventListener('click', (event) => {
    const tab = event.target instanceof Element ? event.target.closest('[role="tab"]') : null;
    if (tab instanceof HTMLButtonElement) activate(tab, false);
  });
  tablist.addEventListener('keydown', (event) => {
    const current = tabs.findIndex((tab) => tab === document.activeElement);
    if (current < 0) return;
    const next =
      event.key === 'ArrowRight'
        ? (current + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (current - 1 + tabs.length) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? tabs.length - 1
              : null;
    const target = next === null ? undefined : tabs[next];
    if (!target) return;
    event.preventDefault();
    activate(target, true);
  });

  const fromHash = () => tabs.find((tab) => `#${idOf(tab)}` === location.hash);
  // Links, back/forward and typed fragments switch tabs too (replaceState above fires no event).
  window.addEventListener('hashchange', () => {
    const tab = fromHash();
    if (tab) activate(tab, false);
  });
  const initial = fromHash() ?? tabs[0];
  if (initial) activate(initial, false);
}
