"""Where the project's folders and caches are, for the host tools."""
import os
from pathlib import Path


def project_root() -> Path:
    # An editable install (the normal case for these tools) sits in the checkout;
    # otherwise the current folder is taken to be the checkout.
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").exists() else Path.cwd()


ROOT = project_root()
CACHE = Path(os.environ.get("WEBTENSOR_CACHE_DIR", ROOT / ".cache"))
DIST = ROOT / "dist"
WEB = ROOT / "web"
TESTS = ROOT / "tests"
PAGE = Path(__file__).resolve().parent / "page"
ARTIFACTS = ROOT / "test-artifacts"
# pretrained tfjs graph models with their weights: the `models/` folder of the npm package
# @vladmandic/human, fetched and verified by benchmarks/tfjs_dist.py, served at /models/
PRETRAINED_VERSION = "3.3.6"
PRETRAINED = CACHE / "human" / PRETRAINED_VERSION / "models"
