import { GitError } from './errors.ts';
import { quoteInput } from './quote.ts';
import type { NormalisedUrl } from './types.ts';

const SHA = /^[0-9a-f]{7,40}$/i;

function bad(input: string, why: string): GitError {
  return new GitError('bad-url', `Not a repository URL: ${quoteInput(input)} (${why}).`);
}

function decodeAll(segments: string[]): string[] {
  return segments.map((s) => decodeURIComponent(s));
}

/** Splits a web path into the repository part and what follows it, per host family. */
interface WebPath {
  repoSegments: string[];
  ref?: string;
  commit?: string;
}

/** GitHub: /owner/repo[.git][/tree/<ref>/...|/blob/<ref>/...|/commit/<sha>|/releases/tag/<tag>]. */
function parseGitHubLike(segments: string[]): WebPath {
  const [owner, repo, kind, ...rest] = segments;
  const repoSegments = [owner ?? '', repo ?? ''];
  if ((kind === 'tree' || kind === 'blob') && rest[0]) return { repoSegments, ref: rest[0] };
  if ((kind === 'commit' || kind === 'commits') && rest[0] && SHA.test(rest[0])) return { repoSegments, commit: rest[0] };
  if (kind === 'releases' && rest[0] === 'tag' && rest[1]) return { repoSegments, ref: rest[1] };
  return { repoSegments };
}

/** GitLab: /group[/subgroup...]/repo[/-/tree/<ref>|/-/commit/<sha>]; nested groups make the repo part open-ended. */
function parseGitLab(segments: string[]): WebPath {
  const dash = segments.indexOf('-');
  if (dash < 0) return { repoSegments: segments };
  const repoSegments = segments.slice(0, dash);
  const [kind, value] = segments.slice(dash + 1);
  if ((kind === 'tree' || kind === 'blob') && value) return { repoSegments, ref: value };
  if (kind === 'commit' && value && SHA.test(value)) return { repoSegments, commit: value };
  return { repoSegments };
}

/** Codeberg (Forgejo/Gitea): /owner/repo[/src/branch/<ref>|/src/tag/<tag>|/src/commit/<sha>|/commit/<sha>]. */
function parseGitea(segments: string[]): WebPath {
  const [owner, repo, kind, sub, value] = segments;
  const repoSegments = [owner ?? '', repo ?? ''];
  if (kind === 'src' && (sub === 'branch' || sub === 'tag') && value) return { repoSegments, ref: value };
  if (kind === 'src' && sub === 'commit' && value && SHA.test(value)) return { repoSegments, commit: value };
  if (kind === 'commit' && sub && SHA.test(sub)) return { repoSegments, commit: sub };
  return { repoSegments };
}

/** Bitbucket: /owner/repo[/src/<ref>/...|/commits/<sha>|/branch/<ref>]. */
function parseBitbucket(segments: string[]): WebPath {
  const [owner, repo, kind, value] = segments;
  const repoSegments = [owner ?? '', repo ?? ''];
  if (kind === 'src' && value) {
    return SHA.test(value) && value.length === 40 ? { repoSegments, commit: value } : { repoSegments, ref: value };
  }
  if (kind === 'commits' && value && SHA.test(value)) return { repoSegments, commit: value };
  if (kind === 'branch' && value) return { repoSegments, ref: value };
  return { repoSegments };
}

const KNOWN_HOSTS: Record<string, (segments: string[]) => WebPath> = {
  'github.com': parseGitHubLike,
  'gitlab.com': parseGitLab,
  'codeberg.org': parseGitea,
  'bitbucket.org': parseBitbucket,
};

/** `git@host:owner/repo.git` (scp-like SSH syntax) -> `https://host/owner/repo.git`: we can only fetch over HTTPS. */
function scpToHttps(input: string): string | null {
  const m = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+)$/.exec(input);
  return m ? `https://${m[1]}/${m[2]}` : null;
}

/**
 * Normalises what people paste (a repository's web page, a branch or commit page, a clone URL with or without
 * `.git`, an SSH address) into the HTTPS clone URL plus the branch/tag or commit it named. Unknown hosts keep
 * their path as given (self-hosted servers, the test server), minus query, fragment and trailing slash.
 * Branch names containing `/` cannot be told apart from a file path in /tree/ URLs; the first segment is taken.
 */
export function normaliseGitUrl(raw: string): NormalisedUrl {
  const input = raw.trim().replace(/^<(.*)>$/, '$1');
  if (!input) throw bad(raw, 'empty');
  let candidate = scpToHttps(input) ?? input;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    // "github.com/owner/repo": a host name followed by a path
    if (!/^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?\//i.test(candidate)) throw bad(raw, 'no host name');
    candidate = `https://${candidate}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw bad(raw, 'unparseable');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw bad(raw, `the ${parsed.protocol.replace(':', '')} protocol is not supported, only https`);
  }
  if (parsed.username || parsed.password) throw bad(raw, 'credentials in URLs are not accepted');
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  let segments: string[];
  try {
    segments = decodeAll(parsed.pathname.split('/').filter((s) => s.length > 0));
  } catch {
    throw bad(raw, 'bad percent-encoding');
  }
  const parseWeb = KNOWN_HOSTS[host];
  if (parseWeb) {
    const web = parseWeb(segments);
    const repoSegments = web.repoSegments.filter((s) => s.length > 0);
    if (repoSegments.length < 2) throw bad(raw, 'expected owner/repository');
    const last = repoSegments.length - 1;
    repoSegments[last] = repoSegments[last]!.replace(/\.git$/i, '');
    if (!repoSegments[last]) throw bad(raw, 'empty repository name');
    const url = `https://${host}/${repoSegments.map(encodeURIComponent).join('/')}.git`;
    return { url, ...(web.ref ? { ref: web.ref } : {}), ...(web.commit ? { commit: web.commit } : {}) };
  }
  if (segments.length === 0) throw bad(raw, 'no repository path');
  const path = segments.map(encodeURIComponent).join('/');
  return { url: `${parsed.protocol}//${parsed.host}/${path}` };
}

/** "owner/repo" for display, from a normalised URL. */
export function repoDisplayName(url: string): string {
  try {
    const segments = new URL(url).pathname.split('/').filter(Boolean);
    const tail = segments.slice(-2).join('/');
    return tail.replace(/\.git$/i, '') || url;
  } catch {
    return url;
  }
}
