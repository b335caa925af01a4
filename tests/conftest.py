import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from povlib import paths
from povlib.reading.tables import load_dataset

# Property tests check values, not speed: no per-example deadline (a first example that
# pays for an import is not a failure). "ci", the default, draws the same examples on
# every run so a failure can be reproduced; HYPOTHESIS_PROFILE=explore draws new ones.
settings.register_profile("ci", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HAVE_SOURCES = paths.sources_dir().is_dir()
needs_sources = pytest.mark.skipif(
    not HAVE_SOURCES, reason=f"source texts not found at {paths.sources_dir()} (../shared/sources)"
)


@pytest.fixture(scope="session")
def ds():
    return load_dataset()


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ for corrupting."""
    dst = tmp_path / "data"
    shutil.copytree(paths.DATA, dst)
    return dst


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """The synthetic three-province data folder (see tests/synthetic.py)."""
    import synthetic

    return synthetic.write(tmp_path_factory.mktemp("synthetic") / "data")


@pytest.fixture(scope="session")
def synth(synth_dir):
    return load_dataset(synth_dir)


@pytest.fixture(scope="session")
def synth_panel(synth):
    from povlib.analysis.panel import panel

    return panel(synth)


# The audits with the default assumptions, run once per test process rather than once per
# test that reads them (a quarter of a second each on the project's data). Tests read them;
# one that changed a table would fail here, at the end of the session.
@pytest.fixture(scope="session")
def ds_audit(ds):
    from povlib.auditing.audit import audit

    yield from _read_only(audit(ds))


@pytest.fixture(scope="session")
def synth_audit(synth_panel):
    from povlib.auditing.audit import audit

    yield from _read_only(audit(synth_panel))


def _read_only(table):
    import pandas as pd

    before = (list(table.columns), pd.util.hash_pandas_object(table).to_numpy())
    yield table
    after = (list(table.columns), pd.util.hash_pandas_object(table).to_numpy())
    assert before[0] == after[0] and (before[1] == after[1]).all(), "a test changed a shared audit table"


def pytest_collection_finish(session):
    """Leave what collection loaded (modules, test functions) out of Python's later garbage
    collections: each full collection walked all of it again, about 5 s of the unit tests'
    CPU on two workers. What is frozen here lives as long as the session anyway. The
    collector then runs as in the kernels povlib starts (:data:`povlib.build.GC_THRESHOLDS`):
    its passes took 1.9 s of the tests' CPU on two workers, against 1.0 s."""
    import gc

    from povlib.outputs.build import GC_THRESHOLDS

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
