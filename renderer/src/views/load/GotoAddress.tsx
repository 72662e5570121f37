/**
 * "Go to address": any module or kernel address, at the cursor — the module and section holding it
 * (or the kernel region), the symbol as %pS prints it, the allocation, and the step that last wrote it.
 */
import { useState } from 'react';
import type { AddressInfo, EngineError } from '../../../../engine/api-types';
import type { Host } from '../../host/host';
import { positionText } from './loadFormat';

export function GotoAddress({
  host,
  pos,
  onSeek,
  onError,
}: {
  host: Host;
  pos: number | null;
  onSeek: (p: number) => void;
  onError: (e: EngineError) => void;
}) {
  const [text, setText] = useState('');
  const [info, setInfo] = useState<AddressInfo | null>(null);
  const [bad, setBad] = useState<string | null>(null);
  const go = async () => {
    const t = text
      .trim()
      .toLowerCase()
      .replace(/^0x/, '')
      .replace(/[`_\s]/g, '');
    if (!/^[0-9a-f]{1,16}$/.test(t)) {
      setBad('an address in hex, like ffffffffc0a01000');
      return;
    }
    if (pos === null) return;
    setBad(null);
    const r = await host.call('kernel.locate', { address: `0x${t}`, pos });
    if (!r.ok) return onError(r.error);
    setInfo(r.value);
  };
  return (
    <div className="goto-address card small" data-testid="goto-address">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go();
        }}
      >
        <label>
          <span className="muted">Go to address</span>{' '}
          <input
            className="addr mono"
            placeholder="0xffffffffc0…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Go to address"
            data-testid="goto-address-input"
          />
        </label>{' '}
        <button className="btn small" type="submit" disabled={pos === null}>
          find
        </button>
        <span className="muted small"> what it is at the cursor{pos !== null ? ` (${positionText(pos)})` : ''}</span>
        {bad && <span className="bad-text small"> {bad}</span>}
      </form>
      {info && (
        <div className="goto-result" data-testid="goto-result">
          <code>{info.address}</code>:{' '}
          {info.module ? (
            <>
              module <strong>{info.module}</strong>, section <code>{info.section?.name}</code> + 0x{info.section?.offset.toString(16)}
              {info.section?.init ? ' (init)' : ''}
            </>
          ) : info.region ? (
            <>kernel · {info.region}</>
          ) : (
            <>nothing known here</>
          )}
          {info.symbol && (
            <>
              {' '}
              · symbol <code data-testid="goto-symbol">{info.symbol}</code>
            </>
          )}
          {info.allocation && (
            <>
              {' '}
              · in {info.allocation.kind} “{info.allocation.label}”
            </>
          )}
          {info.writtenAt !== null ? (
            <>
              {' '}
              · last written at {positionText(info.writtenAt)} ({info.writtenBy}){' '}
              <button className="btn small" data-testid="goto-writer" onClick={() => info.writtenAt !== null && onSeek(info.writtenAt)}>
                go to that step
              </button>
            </>
          ) : (
            <span className="muted"> · not written by any step so far</span>
          )}
        </div>
      )}
    </div>
  );
}
