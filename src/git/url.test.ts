import { describe, expect, it } from 'vitest';
import { GitError } from './errors.ts';
import { normaliseGitUrl, repoDisplayName } from './url.ts';

describe('normaliseGitUrl', () => {
  it.each([
    ['https://github.com/psf/requests', { url: 'https://github.com/psf/requests.git' }],
    ['https://github.com/psf/requests.git', { url: 'https://github.com/psf/requests.git' }],
    ['  https://www.github.com/psf/requests/  ', { url: 'https://github.com/psf/requests.git' }],
    ['github.com/psf/requests', { url: 'https://github.com/psf/requests.git' }],
    ['http://github.com/psf/requests', { url: 'https://github.com/psf/requests.git' }],
    ['git@github.com:psf/requests.git', { url: 'https://github.com/psf/requests.git' }],
    ['https://github.com/psf/requests/tree/v2.31.0', { url: 'https://github.com/psf/requests.git', ref: 'v2.31.0' }],
    ['https://github.com/psf/requests/tree/main/src/requests', { url: 'https://github.com/psf/requests.git', ref: 'main' }],
    ['https://github.com/psf/requests/blob/main/setup.py', { url: 'https://github.com/psf/requests.git', ref: 'main' }],
    ['https://github.com/psf/requests/commit/0e322af87745eff34caffe4df68456ebc20d9068',
      { url: 'https://github.com/psf/requests.git', commit: '0e322af87745eff34caffe4df68456ebc20d9068' }],
    ['https://github.com/psf/requests?tab=readme#top', { url: 'https://github.com/psf/requests.git' }],
    ['https://gitlab.com/group/sub/project', { url: 'https://gitlab.com/group/sub/project.git' }],
    ['https://gitlab.com/group/sub/project.git', { url: 'https://gitlab.com/group/sub/project.git' }],
    ['https://gitlab.com/group/project/-/tree/dev', { url: 'https://gitlab.com/group/project.git', ref: 'dev' }],
    ['https://gitlab.com/group/project/-/commit/abcdef1', { url: 'https://gitlab.com/group/project.git', commit: 'abcdef1' }],
    ['https://codeberg.org/forgejo/forgejo', { url: 'https://codeberg.org/forgejo/forgejo.git' }],
    ['https://codeberg.org/owner/repo/src/branch/main/lib', { url: 'https://codeberg.org/owner/repo.git', ref: 'main' }],
    ['https://codeberg.org/owner/repo/commit/abcdef1234', { url: 'https://codeberg.org/owner/repo.git', commit: 'abcdef1234' }],
    ['https://bitbucket.org/owner/repo/src/develop/', { url: 'https://bitbucket.org/owner/repo.git', ref: 'develop' }],
    ['https://bitbucket.org/owner/repo/commits/abcdef1', { url: 'https://bitbucket.org/owner/repo.git', commit: 'abcdef1' }],
    ['http://127.0.0.1:4321/unitkit.git', { url: 'http://127.0.0.1:4321/unitkit.git' }],
    ['https://git.example.org/team/tool/', { url: 'https://git.example.org/team/tool' }],
  ])('%s', (input, expected) => {
    expect(normaliseGitUrl(input)).toEqual(expected);
  });

  it.each([
    [''],
    ['   '],
    ['hello world'],
    ['ftp://github.com/a/b'],
    ['file:///etc/passwd'],
    ['https://github.com/onlyowner'],
    ['https://user:secret@github.com/a/b'],
    ['https://example.org/'],
  ])('rejects %j as bad-url', (input) => {
    let caught: unknown;
    try {
      normaliseGitUrl(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GitError);
    expect((caught as GitError).code).toBe('bad-url');
  });
});

describe('repoDisplayName', () => {
  it('shows owner/repo', () => {
    expect(repoDisplayName('https://github.com/psf/requests.git')).toBe('psf/requests');
    expect(repoDisplayName('http://127.0.0.1:4321/unitkit.git')).toBe('unitkit');
  });
});
