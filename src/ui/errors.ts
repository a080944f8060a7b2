import { explainNetworkError } from './networkHelp.ts';

/** Turns anything thrown by the workers into what the UI shows: a code and one clear sentence. */
export interface UserError {
  code: string;
  message: string;
}

const FALLBACK: Record<string, string> = {
  'bad-url': 'That does not look like a Git repository URL.',
  'not-found-or-private': 'The repository was not found, or it is private (only public repositories can be cloned).',
  'proxy-refused': 'The proxy refused this request.',
  network: 'The network failed while talking to the Git server.',
  'too-large': 'The repository is larger than the size limit.',
  cancelled: 'Cancelled.',
  'not-cloned': 'This repository is not in the browser any more; clone it again.',
  'no-python': 'This repository has no Python files.',
  'missing-file': 'A model file is missing.',
  'corrupt-file': 'A model file is corrupt (its checksum does not match the manifest).',
  'device-lost': 'The GPU device was lost.',
};

export function describeError(e: unknown): UserError {
  // navigator.onLine is false only when the browser knows it has no network; true proves nothing.
  const online = globalThis.navigator?.onLine !== false;
  if (e instanceof Error) {
    const code = (e as Error & { code?: unknown }).code;
    const codeText = typeof code === 'string' ? code : 'unknown';
    const message = e.message || FALLBACK[codeText] || 'Something went wrong.';
    return explainNetworkError({ code: codeText, message }, online);
  }
  return explainNetworkError({ code: 'unknown', message: String(e) }, online);
}
