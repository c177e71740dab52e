"""A release handed out on a JupyterHub: a git repository, and the nbgitpuller link that
pulls it into each learner's home and opens the first notebook.

nbgitpuller (``/hub/user-redirect/git-pull``) clones the repository into ``targetpath``
on a learner's first click and, on later clicks, pulls new commits while keeping the
learner's own changes, so the instructor can push fixes during the term.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode, urlsplit

from .. import __version__


class HubError(ValueError):
    """The repository or the link cannot be made; the message says why."""


def as_git_repository(folder: Path, branch: str = "main") -> str:
    """Make a release folder a git repository of one commit on ``branch``, ready to push;
    returns the commit's id."""

    def git(*arguments: str) -> str:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), *arguments], capture_output=True, text=True, check=True
            )
        except FileNotFoundError:
            raise HubError("git is not installed") from None
        except subprocess.CalledProcessError as error:
            raise HubError(f"git {arguments[0]} failed: {error.stderr.strip()}") from None
        return done.stdout.strip()

    git("init", "--quiet", f"--initial-branch={branch}")
    git("add", "--all")
    identity = ("-c", "user.name=Course release", "-c", "user.email=release@localhost")
    git(*identity, "commit", "--quiet", "-m", f"Course release (checker {__version__})")
    return git("rev-parse", "HEAD")


def nbgitpuller_link(hub: str, repository: str, start: str, branch: str = "main") -> str:
    """The link that pulls ``repository`` into a folder named after it on ``hub`` and
    opens ``start`` (a path in the repository) in JupyterLab."""
    if urlsplit(hub).scheme not in ("http", "https"):
        raise HubError(f"the hub {hub!r} must be an http(s) address")
    name = PurePosixPath(urlsplit(repository).path.rstrip("/")).name.removesuffix(".git")
    if not name:
        raise HubError(f"the repository {repository!r} has no name to make a folder of")
    query = urlencode(
        {
            "repo": repository,
            "branch": branch,
            "targetpath": name,
            "urlpath": f"lab/tree/{name}/{start}",
        },
        quote_via=quote,
        safe="",
    )
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"
