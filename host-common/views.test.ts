// The one registry of panes: every reader takes its tabs and views from host-common/views.ts.
import { describe, expect, it } from 'vitest';
import { HELP } from '../main/cli/help';
import { LINK_TABS, parseAppLink } from '../renderer/src/present/appLink';
import { TAB_IDS, TABS, VIEWS } from './views';

describe('host-common/views.ts', () => {
  it('has unique tab and view ids, and every view lives on a tab the app has', () => {
    expect(new Set(TAB_IDS).size).toBe(TABS.length);
    expect(new Set(VIEWS.map((v) => v.id)).size).toBe(VIEWS.length);
    for (const v of VIEWS) expect(TAB_IDS, v.id).toContain(v.tab);
  });

  it('is what links accept: every tab, and nothing else', () => {
    expect(LINK_TABS).toEqual(TAB_IDS);
    for (const id of TAB_IDS) expect(parseAppLink(`#view=${id}`)?.error ?? '', id).not.toMatch(/does not have/);
    expect(parseAppLink('#view=nosuchpane')?.error).toMatch(/does not have/);
  });

  it("is what the CLI's help lists for --view", () => {
    const exportHelp = HELP.slice(HELP.indexOf('modscope export'), HELP.indexOf('modscope deck'));
    for (const v of VIEWS) expect(exportHelp, v.id).toMatch(new RegExp(`[ (]${v.id}[ ;)\\n]`));
  });
});
