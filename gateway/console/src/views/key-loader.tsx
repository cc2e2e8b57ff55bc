/**
 * Loading an organisation's key file into the page: from a file or pasted, with the passphrase of a
 * sealed one; then what the ledger registers for that organisation, so a key the ledger does not know is
 * caught before anything is signed.
 */
import { toHex } from '@privgate/ledger';
import { useState } from 'preact/hooks';
import type { LedgerIdentity } from '../../../src/ledger-client/interface.ts';
import { clientProblem, type Problem } from '../lib/gateway-api.ts';
import { keyFileIsSealed, type LoadedKey, MAX_KEY_FILE_BYTES, openKeyFile } from '../lib/key-file.ts';
import { Badge, Busy, Hex, ProblemPanel } from './components.tsx';

export interface KeyLoaderProps {
  /** Reads an organisation's registered identity (through the gateway's ledger routes). */
  identity: (id: string) => Promise<LedgerIdentity | undefined>;
  onLoaded: (key: LoadedKey | undefined) => void;
  loaded: LoadedKey | undefined;
}

export function KeyLoader(props: KeyLoaderProps) {
  const [text, setText] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [registered, setRegistered] = useState<LedgerIdentity | null>();
  const sealed = keyFileIsSealed(text);

  const readFile = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    if (file.size > MAX_KEY_FILE_BYTES) {
      setProblem({
        status: 0,
        code: 'KEY_FILE_INVALID',
        title: 'Not a key file',
        detail: 'the file is too large',
      });
      return;
    }
    setText(await file.text());
  };

  const load = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setRegistered(undefined);
    try {
      const key = await openKeyFile(text, passphrase === '' ? undefined : passphrase);
      setPassphrase('');
      setText('');
      props.onLoaded(key);
      try {
        setRegistered((await props.identity(key.id)) ?? null);
      } catch {
        setRegistered(undefined);
      }
    } catch (err) {
      props.onLoaded(undefined);
      setProblem({ ...clientProblem(err), title: 'The key file cannot be used' });
    } finally {
      setBusy(false);
    }
  };

  const key = props.loaded;
  const keyMatches =
    key !== undefined && registered?.publicKey != null
      ? toHex(registered.publicKey) === key.publicKeyHex
      : undefined;

  return (
    <div class="key-loader">
      {key !== undefined ? (
        <div class="key-card" data-testid="loaded-key">
          <p>
            Signing as <strong>{key.id}</strong> · public key <Hex value={key.publicKeyHex} chars={16} />
            {key.sealed ? ' · unsealed with its passphrase' : ' · unsealed file (development key)'}
          </p>
          <p>
            On the ledger:{' '}
            {registered === undefined ? (
              <span class="muted">not checked</span>
            ) : registered === null ? (
              <Badge tone="bad">not registered</Badge>
            ) : (
              <>
                <Badge tone={registered.roles.includes('agency') ? 'ok' : 'bad'}>
                  {registered.roles.join(', ') || 'no role'}
                </Badge>{' '}
                {keyMatches === true ? (
                  <Badge tone="ok">this key, version {registered.version}</Badge>
                ) : (
                  <Badge tone="bad">registered with another key</Badge>
                )}
              </>
            )}
          </p>
          <button type="button" class="secondary" onClick={() => props.onLoaded(undefined)}>
            Forget this key
          </button>
        </div>
      ) : (
        <form onSubmit={load} class="stack">
          <div class="field">
            <label for="key-file">Key file</label>
            <input id="key-file" type="file" accept=".json,application/json" onChange={readFile} />
          </div>
          <div class="field">
            <label for="key-text">…or paste its JSON</label>
            <textarea
              id="key-text"
              rows={4}
              spellcheck={false}
              autocomplete="off"
              value={text}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
              aria-describedby="key-help"
            />
            <p id="key-help" class="help">
              A file from <code>privgate keys generate</code> or <code>privgate ledger init</code>. It stays
              in this page: the query is signed here and only the signed transaction is sent.
            </p>
          </div>
          {sealed === true ? (
            <div class="field">
              <label for="key-passphrase">Passphrase of the sealed key</label>
              <input
                id="key-passphrase"
                type="password"
                autocomplete="off"
                value={passphrase}
                onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)}
              />
            </div>
          ) : null}
          <div>
            <button type="submit" disabled={busy || text.trim() === ''}>
              Load key
            </button>
          </div>
        </form>
      )}
      {busy ? <Busy>Opening the key…</Busy> : null}
      {problem !== undefined ? <ProblemPanel problem={problem} heading="Key file" /> : null}
    </div>
  );
}
