"""`locwork models install` writes nothing outside the packages folder, whatever the archive says.

Every case runs the real CLI (a subprocess) on a crafted archive: a real
test package (scripts/build_test_argosmodel.py) rewritten with a hostile
metadata.json, hostile entry names, a padding file (zip bombs), or another
folder name. Around the packages folder sit a "victim" folder and the
archives; the whole tree outside the packages folder is compared before and
after each command.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest

from argos_fixtures import ARGOS_FR_QAA, ARGOS_QAA_QAB, argos_packages  # noqa: F401
from conftest import LOCWORK

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def place(tmp_path, monkeypatch):
    """tmp/argos/packages (the packages folder) with a victim folder beside it."""
    packages = tmp_path / "argos" / "packages"
    packages.mkdir(parents=True)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    monkeypatch.delenv("LOCWORK_ARGOS_MAX_BYTES", raising=False)
    (tmp_path / "in").mkdir()
    return packages


def make_victim(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("precious\n", encoding="utf-8")
    return folder


def snapshot(root: Path, skip: Path) -> dict[str, object]:
    """Every path under root (except under skip): its kind and content."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = path.read_bytes()
    return found


def repack(package: Path, out: Path, *, folder: str | None = None, flat: bool = False,
           meta: dict | None = None, extra: dict[str, bytes] | None = None,
           infos: list[tuple[zipfile.ZipInfo, bytes]] = (), stored: bool = False) -> Path:
    """A copy of a real package with its metadata, folder name or entries changed."""
    with zipfile.ZipFile(package) as zf:
        entries = [(i.filename, zf.read(i)) for i in zf.infolist() if not i.is_dir()]
    top = entries[0][0].split("/")[0]
    new_top = "" if flat else (folder or top)
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in entries:
            rest = name.split("/", 1)[1]
            if rest == "metadata.json" and meta:
                data = json.dumps({**json.loads(data), **meta}).encode()
            zf.writestr(f"{new_top}/{rest}" if new_top else rest, data)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        for info, data in infos:
            zf.writestr(info, data)
    return out


def one_line_error(result) -> str:
    assert result.returncode == 1, (result.returncode, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    return lines[0]


def installed_pairs(packages: Path) -> dict[str, tuple[str, str]]:
    return {
        p.name: (m["from_code"], m["to_code"])
        for p in packages.iterdir() if p.is_dir() and not p.name.startswith(".")
        for m in [json.loads((p / "metadata.json").read_text())]
    }


# -- metadata that points outside -------------------------------------------------------


@pytest.mark.parametrize("field, value, victim_name", [
    # The case: packages/translate-fr_zz-1_0/../../victim-1_0 is argos/victim-1_0.
    ("to_code", "zz-1_0/../../victim", "victim-1_0"),
    ("from_code", "x/../../victim", "victim_qaa-1_0"),
    ("to_code", "/abs/../../../victim", "victim-1_0"),
])
def test_codes_that_climb_out_are_refused(argos_packages, place, run_cli, tmp_path, field, value,
                                          victim_name):
    victim = make_victim(place.parent / victim_name)
    # The folder the crafted name climbs from, as if an fr→zz package were installed.
    for name in ("translate-fr_zz-1_0", "translate-x", "translate-fr_/abs"):
        (place / name).mkdir(parents=True)
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "evil.argosmodel", flat=True,
                     meta={field: value})
    outside, inside = snapshot(tmp_path, place), snapshot(place, tmp_path / "none")

    result = run_cli("models", "install", str(archive))

    assert (victim / "keep.txt").read_text() == "precious\n"
    assert snapshot(tmp_path, place) == outside
    assert snapshot(place, tmp_path / "none") == inside
    message = one_line_error(result)
    assert f"its {field}" in message and "is not a language code" in message


@pytest.mark.parametrize("version", ["1/../../../victim", "1.0/x", "../1", "1.0\n"])
def test_a_version_that_is_a_path_is_refused(argos_packages, place, run_cli, tmp_path, version):
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "v.argosmodel", flat=True,
                     meta={"package_version": version})
    outside = snapshot(tmp_path, place)

    message = one_line_error(run_cli("models", "install", str(archive)))

    assert "its package_version" in message and "is not a version" in message
    assert snapshot(tmp_path, place) == outside
    assert list(place.iterdir()) == []


def test_real_argos_codes_are_accepted(argos_packages, place, run_cli, tmp_path):
    """Codes argos's index uses: two letters of its own (zt, pb) and BCP 47 subtags."""
    for src, tgt in (("zt", "pb"), ("en", "pt-BR"), ("zh-Hant", "fra")):
        archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / f"{src}_{tgt}.argosmodel",
                         meta={"from_code": src, "to_code": tgt})
        run_cli("models", "install", str(archive), check=True)
    assert installed_pairs(place) == {
        "translate-zt_pb-1_0": ("zt", "pb"),
        "translate-en_pt-BR-1_0": ("en", "pt-BR"),
        "translate-zh-Hant_fra-1_0": ("zh-Hant", "fra"),
    }


# -- entries that climb out (zip slip), links ----------------------------------------------


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: the high bits of external_attr are the mode
    info.external_attr = (0o120777 << 16)  # S_IFLNK | 0777
    return info


@pytest.mark.parametrize("entry, expected", [
    ("../../evil.txt", "unsafe path"),
    ("translate-fr_qaa-1_0/../../evil.txt", "unsafe path"),
    ("{abs}", "unsafe path"),
    ("..\\..\\evil.txt", "unsafe path"),
    ("translate-fr_qaa-1_0/model/..\\..\\..\\evil.txt", "unsafe path"),
    ("C:/evil.txt", "unsafe path"),
    ("link", "is a link or a special file"),
])
def test_entries_that_climb_out_are_refused(argos_packages, place, run_cli, tmp_path, entry,
                                            expected):
    victim = make_victim(place.parent / "victim")
    entry = entry.format(abs=tmp_path / "abs-evil.txt")
    if entry == "link":  # a symbolic link inside the package, to the victim
        infos = [(_link("translate-fr_qaa-1_0/model/escape"), b"../../../victim")]
        extra = {}
    else:
        infos, extra = [], {entry: b"evil"}
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "slip.argosmodel",
                     extra=extra, infos=infos)
    outside = snapshot(tmp_path, place)

    message = one_line_error(run_cli("models", "install", str(archive)))

    assert expected in message
    assert (victim / "keep.txt").read_text() == "precious\n"
    assert snapshot(tmp_path, place) == outside
    assert list(place.iterdir()) == []


# -- zip bombs ---------------------------------------------------------------------------


def test_an_archive_over_the_size_limit_is_refused(argos_packages, place, run_cli, tmp_path,
                                                   monkeypatch):
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "big.argosmodel",
                     extra={"translate-fr_qaa-1_0/pad.bin": bytes(4 << 20)})
    assert archive.stat().st_size < 1 << 20  # 4 MiB of zeros pack into a few KiB
    monkeypatch.setenv("LOCWORK_ARGOS_MAX_BYTES", str(2 << 20))
    outside = snapshot(tmp_path, place)

    message = one_line_error(run_cli("models", "install", str(archive)))

    assert "over the limit of 2.0 MiB" in message and "LOCWORK_ARGOS_MAX_BYTES" in message
    assert snapshot(tmp_path, place) == outside and list(place.iterdir()) == []

    monkeypatch.setenv("LOCWORK_ARGOS_MAX_BYTES", "lots")
    assert "LOCWORK_ARGOS_MAX_BYTES='lots'" in one_line_error(
        run_cli("models", "install", str(archive)))
    monkeypatch.setenv("LOCWORK_ARGOS_MAX_BYTES", str(8 << 20))  # raised: it installs
    run_cli("models", "install", str(archive), check=True)
    assert installed_pairs(place) == {"translate-fr_qaa-1_0": ARGOS_FR_QAA}


def test_a_zip_bomb_is_refused_under_the_default_limit(argos_packages, place, run_cli, tmp_path):
    """Far under 2 GiB, but 64 MiB out of a few hundred KiB: no model compresses like that."""
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "bomb.argosmodel",
                     extra={"translate-fr_qaa-1_0/pad.bin": bytes(64 << 20)})
    assert archive.stat().st_size < 1 << 20

    message = one_line_error(run_cli("models", "install", str(archive)))

    assert "unpacks to 64." in message and "times its size" in message
    assert list(place.iterdir()) == []


def _declare_size(archive: Path, member: str, size: int) -> None:
    """Make the archive lie: member's uncompressed size is `size` in both of its headers."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
        start = zf.start_dir
    struct.pack_into("<I", data, info.header_offset + 22, size)  # local header
    pos = start
    while data[pos:pos + 4] == b"PK\x01\x02":  # central directory
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46:pos + 46 + n].decode() == member:
            struct.pack_into("<I", data, pos + 24, size)
        pos += 46 + n + m + k
    archive.write_bytes(bytes(data))


def test_an_archive_that_lies_about_its_size_is_refused(argos_packages, place, run_cli, tmp_path,
                                                         monkeypatch):
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "liar.argosmodel",
                     extra={"translate-fr_qaa-1_0/pad.bin": bytes(4 << 20)})
    _declare_size(archive, "translate-fr_qaa-1_0/pad.bin", 1000)
    with zipfile.ZipFile(archive) as zf:
        assert sum(i.file_size for i in zf.infolist()) < 2 << 20  # the headers pass the limit
    monkeypatch.setenv("LOCWORK_ARGOS_MAX_BYTES", str(2 << 20))
    outside = snapshot(tmp_path, place)

    message = one_line_error(run_cli("models", "install", str(archive)))

    assert message.startswith(f"locwork: error: cannot install {archive}: Bad CRC-32"), message
    assert snapshot(tmp_path, place) == outside
    assert [p.name for p in place.iterdir()] in ([], [".locwork-install.lock"])
    assert not any(place.rglob("pad.bin"))


# -- another pair's folder ------------------------------------------------------------------


def test_an_archive_named_like_another_pair_does_not_replace_it(argos_packages, place, run_cli,
                                                                tmp_path):
    run_cli("models", "install", str(argos_packages[ARGOS_FR_QAA]), check=True)
    # qaa→qab, in a zip whose folder has fr→qaa's name.
    archive = repack(argos_packages[ARGOS_QAA_QAB], tmp_path / "in" / "impostor.argosmodel",
                     folder="translate-fr_qaa-1_0")

    result = run_cli("models", "install", str(archive), check=True)

    assert "qaa → qab" in result.out
    assert installed_pairs(place) == {
        "translate-fr_qaa-1_0": ARGOS_FR_QAA, "translate-qaa_qab-1_0": ARGOS_QAA_QAB,
    }


def test_a_folder_holding_another_pair_is_not_replaced(argos_packages, place, run_cli, tmp_path):
    # Someone put the fr→qaa package in a folder named like qaa→qab's.
    with zipfile.ZipFile(argos_packages[ARGOS_FR_QAA]) as zf:
        zf.extractall(tmp_path / "x")
    (tmp_path / "x" / "translate-fr_qaa-1_0").rename(place / "translate-qaa_qab-1_0")
    before = snapshot(place, tmp_path / "none")

    message = one_line_error(run_cli("models", "install", str(argos_packages[ARGOS_QAA_QAB])))

    assert "holds the argos package for fr→qaa" in message and "not replacing it" in message
    after = snapshot(place, tmp_path / "none")
    after.pop(".locwork-install.lock", None)
    assert after == before


# -- not a regular file ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_is_refused_at_once(place, tmp_path, kind):
    if kind == "fifo":
        target = tmp_path / "in" / "pipe.argosmodel"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    started = time.monotonic()
    try:
        result = subprocess.run([*LOCWORK, "models", "install", str(target)], capture_output=True,
                                text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`locwork models install {target}` hung")
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"locwork: error: {target} is not a regular file (a pipe, a device...); give an .argosmodel file"]
    assert time.monotonic() - started < 30


# -- nothing beside the packages folder, even while it installs --------------------------


def test_nothing_appears_beside_the_packages_folder_while_installing(argos_packages, place,
                                                                     tmp_path):
    """The unpacking happens inside the packages folder: a crash leaves nothing outside it."""
    archive = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "slow.argosmodel",
                     extra={"translate-fr_qaa-1_0/pad.bin": os.urandom(48 << 20)}, stored=True)
    # What a killed install left: swept once it is a day old (a fresh one may be in use).
    stale, recent = place / ".locwork-install-old", place / ".locwork-install-new"
    for folder in (stale, recent):
        (folder / "package").mkdir(parents=True)
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(p.name for p in place.parent.iterdir())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = subprocess.run([*LOCWORK, "models", "install", str(archive)],
                                capture_output=True, text=True, timeout=120)
    finally:
        done.set()
        watcher.join()
    assert result.returncode == 0, result.stderr
    assert seen == {"packages"}
    assert sorted(p.name for p in place.iterdir() if p.is_dir()) == [
        ".locwork-install-new", "translate-fr_qaa-1_0"]


def test_python_api_refuses_what_the_cli_refuses(argos_packages, place, tmp_path):
    """The engine itself, without the CLI: the same checks (the app's upload uses this path)."""
    from locwork import review
    from locwork.engines.argos import ArgosEngine
    from locwork.errors import LocworkError

    engine = ArgosEngine(place, max_unpacked_bytes=1 << 20)
    bomb = repack(argos_packages[ARGOS_FR_QAA], tmp_path / "in" / "b.argosmodel",
                  extra={"translate-fr_qaa-1_0/pad.bin": bytes(2 << 20)})
    with pytest.raises(LocworkError, match="over the limit of 1.0 MiB"):
        engine.install_from_path(bomb)
    # An upload is named by its own name, never by the temporary file it was saved to.
    with pytest.raises(LocworkError) as error:
        review.install_argos_upload("mine.argosmodel", bomb.read_bytes(), engine)
    assert str(error.value).startswith("mine.argosmodel unpacks to ")
    assert "locwork-upload-" not in str(error.value) and "/tmp" not in str(error.value)
    for name in ("evil.txt\0.argosmodel", "a\u202egpj.argosmodel", "../x.argosmodel",
                 "a\nb.argosmodel"):
        with pytest.raises(LocworkError) as error:
            review.install_argos_upload(name, b"PK", engine)
        assert "\n" not in str(error.value) and "\u202e" not in str(error.value)
    with pytest.raises(LocworkError, match="is not a language code"):  # before any download
        engine.install_from_index("fr", "../../x")
    assert list(place.iterdir()) == []
