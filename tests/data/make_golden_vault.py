"""Write the golden v1 vault used by tests/unit/test_store.py (run once; its output is committed).

    .venv/bin/python tests/data/make_golden_vault.py [--force]

It creates one profile with the constants below in tests/data/golden/v1/ (the COMPANION_HOME
layout: profiles/<uuid>/vault.db and keyslots.json), removes the lock file and saves the
recovery code to RECOVERY_CODE.txt. The code and passphrase are test fixtures, nothing else.
A later version of the app must still open this vault: do not regenerate it to make a
failing test pass, unless the on-disk format is deliberately changed (and a migration added).
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "golden" / "v1"

PASSPHRASE = "correct horse battery staple"
NICKNAME = "Golden"
FULL_NAME = "Goldie Example"
BIRTH_DATE = "1970-01-02"
SEX_AT_BIRTH = "female"
SCHEMA_VERSION = 1


def main(argv: list[str]) -> int:
    os.environ["COMPANION_KDF"] = "floor"
    sys.path.insert(0, str(ROOT))
    from companion.vault.kdf import FLOOR, KdfPolicy
    from companion.vault.lock import LOCK_NAME
    from companion.vault.store import ProfileStore

    if OUT.exists():
        if "--force" not in argv:
            print(f"{OUT} exists; pass --force to replace it", file=sys.stderr)
            return 1
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    store = ProfileStore(OUT, KdfPolicy(target=FLOOR))
    session, code = store.create(
        NICKNAME, PASSPHRASE, full_name=FULL_NAME, birth_date=BIRTH_DATE, sex_at_birth=SEX_AT_BIRTH
    )
    with session:
        folder = session.folder
    (folder / LOCK_NAME).unlink()
    leftovers = sorted(p.name for p in folder.iterdir())
    if leftovers != ["keyslots.json", "vault.db"]:
        raise SystemExit(f"unexpected files in the golden profile: {leftovers}")
    (OUT / "RECOVERY_CODE.txt").write_text(code + "\n", encoding="ascii")
    print(f"wrote {folder.relative_to(ROOT)}; recovery code {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
