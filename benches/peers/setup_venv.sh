#!/usr/bin/env bash
# Create benches/peers/.venv (if missing) and install requirements.txt into it.
# Idempotent: rerunning only checks that the pinned packages are installed.
# Usage: benches/peers/setup_venv.sh            (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
python="${PYTHON:-python3}"

if [[ -x "$venv/bin/python" ]]; then
    echo "setup_venv: using existing venv $venv ($("$venv/bin/python" --version 2>&1))"
else
    echo "setup_venv: creating venv $venv with $python ($("$python" --version 2>&1))"
    "$python" -m venv "$venv"
fi

if [[ -n "${PIP_FIND_LINKS:-}" ]]; then
    echo "setup_venv: PIP_FIND_LINKS=$PIP_FIND_LINKS (local wheels are used when they match)"
fi

echo "setup_venv: installing $req"
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req"

echo "setup_venv: checking imports"
"$venv/bin/python" - <<'PY'
import numpy, scipy, sklearn, fasttext
print(f"setup_venv: ok: numpy {numpy.__version__}, scipy {scipy.__version__}, "
      f"scikit-learn {sklearn.__version__}, fasttext (fasttext-numpy2-wheel)")
PY
echo "setup_venv: done. Run: $venv/bin/python $here/peers.py --help"
