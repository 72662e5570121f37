/**
 * elkjs, loaded on first use: its bundle is about 1.4 MB of the 2.2 MB the first page would parse
 * otherwise, and only the Load view's module graph and load flow lay anything out with it (issue #15:
 * first paint). One instance serves both.
 */
import type { ELK as ElkApi, ElkNode } from 'elkjs/lib/elk-api';

let elk: Promise<ElkApi> | null = null;

/** elk.layout(graph), with elkjs fetched and started the first time. */
export async function elkLayout(graph: ElkNode): Promise<ElkNode> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return (await elk).layout(graph);
}
