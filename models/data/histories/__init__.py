"""The evolution track from real GitHub histories (issue 16): a committed list of repositories with pinned
commits, and a builder that rebuilds every task from clones of them (none of their content is committed)."""
