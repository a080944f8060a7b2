/** FNV-1a, 32 bits: a short stable suffix, not a security measure. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The directory name of a cloned repository: readable (host-owner-repo) and distinct per URL and branch, so
 * cloning the same URL again replaces the old copy instead of piling up.
 */
export function repoIdFor(url: string, ref: string | undefined): string {
  let readable = url;
  try {
    const u = new URL(url);
    readable = `${u.hostname}${u.pathname}`;
  } catch {
    // keep the raw text; it is only used for readability
  }
  return `${slugify(readable.replace(/\.git$/i, '')) || 'repo'}-${fnv1a(`${url}#${ref ?? ''}`)}`;
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** A local folder or zip, by its name: importing the same name again replaces the older copy. */
export function localRepoId(name: string): string {
  return `local-${slugify(name) || 'folder'}-${fnv1a(name)}`;
}

export function demoRepoId(name: string): string {
  return `demo-${name}`;
}
