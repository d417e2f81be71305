"""scripts/bootstrap.sh installs again when the extras change, not only when pyproject.toml does."""

import os
import shutil
import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).parent.parent / "scripts"
FAKE_PIP = '#!/bin/sh\necho "$@" >> "$(dirname "$0")/../pip.log"\n'


def _bootstrap(root: Path, extras: str) -> None:
    env = {**os.environ, "HELPMESH_SKIP_APT": "1", "HELPMESH_EXTRAS": extras}
    script = root / "scripts" / "bootstrap.sh"
    subprocess.run(["bash", script], env=env, check=True, capture_output=True)


def test_a_new_set_of_extras_is_installed(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPTS / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", "#!/bin/sh\n"), ("pip", FAKE_PIP)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)

    _bootstrap(tmp_path, "dev")  # the demo
    _bootstrap(tmp_path, "dev,ml")  # then the tests
    _bootstrap(tmp_path, "ml, dev")  # the same set: nothing to do

    installs = [
        line
        for line in (tmp_path / ".venv" / "pip.log").read_text().splitlines()
        if line.startswith("install -q -e")
    ]
    assert installs == ["install -q -e .[dev]", "install -q -e .[dev,ml]"]
